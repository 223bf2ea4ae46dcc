// The full-size SD-1.5-inpainting networks built from their published config.json on the meta
// device (shapes without memory): parameter totals and names / shapes as the published
// checkpoints hold them.
#include <map>

#include <gtest/gtest.h>

#include "core/engine/diffusion/models/clip_text.h"
#include "core/engine/diffusion/models/model_configs.h"
#include "core/engine/diffusion/models/unet.h"
#include "core/engine/diffusion/models/vae.h"

namespace pm::engine::diffusion {
namespace {

// runwayml/stable-diffusion-inpainting unet/config.json, vae/config.json and
// text_encoder/config.json (openai/clip-vit-large-patch14's text config), as published.
const char* publishedUNetConfig = R"({
  "_class_name": "UNet2DConditionModel", "_diffusers_version": "0.6.0.dev0",
  "act_fn": "silu", "attention_head_dim": 8, "block_out_channels": [320, 640, 1280, 1280],
  "center_input_sample": false, "cross_attention_dim": 768,
  "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"],
  "downsample_padding": 1, "flip_sin_to_cos": true, "freq_shift": 0, "in_channels": 9,
  "layers_per_block": 2, "mid_block_scale_factor": 1, "norm_eps": 1e-05, "norm_num_groups": 32,
  "out_channels": 4, "sample_size": 64,
  "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"]
})";
const char* publishedVaeConfig = R"({
  "_class_name": "AutoencoderKL", "_diffusers_version": "0.6.0.dev0", "act_fn": "silu",
  "block_out_channels": [128, 256, 512, 512],
  "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"],
  "in_channels": 3, "latent_channels": 4, "layers_per_block": 2, "norm_num_groups": 32,
  "out_channels": 3, "sample_size": 256,
  "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"]
})";
const char* publishedTextConfig = R"({
  "_name_or_path": "openai/clip-vit-large-patch14", "architectures": ["CLIPTextModel"],
  "attention_dropout": 0.0, "bos_token_id": 0, "dropout": 0.0, "eos_token_id": 2,
  "hidden_act": "quick_gelu", "hidden_size": 768, "initializer_factor": 1.0,
  "initializer_range": 0.02, "intermediate_size": 3072, "layer_norm_eps": 1e-05,
  "max_position_embeddings": 77, "model_type": "clip_text_model", "num_attention_heads": 12,
  "num_hidden_layers": 12, "pad_token_id": 1, "projection_dim": 768, "torch_dtype": "float32",
  "vocab_size": 49408
})";

const torch::TensorOptions meta = torch::TensorOptions().device(torch::kMeta);

std::map<std::string, std::vector<int64_t>> shapes(torch::nn::Module& net) {
    std::map<std::string, std::vector<int64_t>> out;
    for (const auto& p : net.named_parameters(true)) out[p.key()] = p.value().sizes().vec();
    return out;
}

int64_t count(torch::nn::Module& net) {
    int64_t n = 0;
    for (const auto& p : net.parameters(true)) n += p.numel();
    return n;
}

using Shape = std::vector<int64_t>;

// Published totals (sum of numel over parameters): UNet 859,520,964 for SD-1.5 text-to-image
// plus 5 x 320 x 3 x 3 = 14,400 for the inpainting UNet's 5 extra input channels; VAE 83,653,863;
// CLIP ViT-L/14 text 123,060,480 (microsoft/DeepSpeed-MII README, "SD param count").
TEST(FullSizeNetworks, TheInpaintingUNetHasThePublishedParameters) {
    UNet unet(parseUNetConfig(publishedUNetConfig, "unet/config.json"), meta);
    EXPECT_EQ(count(unet), 859520964 + 14400);
    const auto s = shapes(unet);
    EXPECT_EQ(s.size(), 686u);  // tensors in the published diffusion_pytorch_model.bin
    const std::map<std::string, Shape> published = {
        {"conv_in.weight", {320, 9, 3, 3}},
        {"time_embedding.linear_1.weight", {1280, 320}},
        {"time_embedding.linear_2.weight", {1280, 1280}},
        {"down_blocks.0.resnets.0.norm1.weight", {320}},
        {"down_blocks.0.resnets.0.time_emb_proj.weight", {320, 1280}},
        {"down_blocks.0.attentions.0.proj_in.weight", {320, 320, 1, 1}},
        {"down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.weight", {320, 320}},
        {"down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight", {320, 768}},
        {"down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_out.0.bias", {320}},
        {"down_blocks.0.attentions.0.transformer_blocks.0.ff.net.0.proj.weight", {2560, 320}},
        {"down_blocks.0.attentions.0.transformer_blocks.0.ff.net.2.weight", {320, 1280}},
        {"down_blocks.0.downsamplers.0.conv.weight", {320, 320, 3, 3}},
        {"down_blocks.1.resnets.0.conv_shortcut.weight", {640, 320, 1, 1}},
        {"down_blocks.2.attentions.1.transformer_blocks.0.attn2.to_v.weight", {1280, 768}},
        {"down_blocks.3.resnets.1.conv2.weight", {1280, 1280, 3, 3}},
        {"mid_block.attentions.0.transformer_blocks.0.attn1.to_k.weight", {1280, 1280}},
        {"mid_block.attentions.0.transformer_blocks.0.attn2.to_k.weight", {1280, 768}},
        {"mid_block.attentions.0.norm.weight", {1280}},
        {"mid_block.resnets.1.time_emb_proj.weight", {1280, 1280}},
        {"up_blocks.0.resnets.0.conv1.weight", {1280, 2560, 3, 3}},
        {"up_blocks.0.resnets.2.conv_shortcut.weight", {1280, 2560, 1, 1}},
        {"up_blocks.0.upsamplers.0.conv.weight", {1280, 1280, 3, 3}},
        {"up_blocks.1.resnets.2.conv1.weight", {1280, 1920, 3, 3}},
        {"up_blocks.2.resnets.0.conv1.weight", {640, 1920, 3, 3}},
        {"up_blocks.3.resnets.0.conv1.weight", {320, 960, 3, 3}},
        {"up_blocks.3.resnets.2.conv_shortcut.weight", {320, 640, 1, 1}},
        {"up_blocks.3.attentions.2.proj_out.weight", {320, 320, 1, 1}},
        {"conv_norm_out.weight", {320}},
        {"conv_out.weight", {4, 320, 3, 3}},
    };
    for (const auto& [name, shape] : published) {
        SCOPED_TRACE(name);
        ASSERT_TRUE(s.count(name));
        EXPECT_EQ(s.at(name), shape);
    }
    for (const char* absent : {"down_blocks.3.attentions.0.norm.weight", "up_blocks.3.upsamplers.0.conv.weight",
                               "down_blocks.3.downsamplers.0.conv.weight",
                               "down_blocks.0.attentions.0.transformer_blocks.0.attn1.to_q.bias"})
        EXPECT_FALSE(s.count(absent)) << absent;
}

TEST(FullSizeNetworks, TheVaeHasThePublishedParameters) {
    Vae vae(parseVaeConfig(publishedVaeConfig, "vae/config.json"), meta);
    EXPECT_EQ(count(vae), 83653863);
    const auto s = shapes(vae);
    const std::map<std::string, Shape> published = {
        {"encoder.conv_in.weight", {128, 3, 3, 3}},
        {"encoder.down_blocks.0.downsamplers.0.conv.weight", {128, 128, 3, 3}},
        {"encoder.down_blocks.1.resnets.0.conv_shortcut.weight", {256, 128, 1, 1}},
        {"encoder.mid_block.attentions.0.group_norm.weight", {512}},
        {"encoder.mid_block.attentions.0.to_q.weight", {512, 512}},
        {"encoder.mid_block.attentions.0.to_out.0.bias", {512}},
        {"encoder.conv_out.weight", {8, 512, 3, 3}},
        {"quant_conv.weight", {8, 8, 1, 1}},
        {"post_quant_conv.weight", {4, 4, 1, 1}},
        {"decoder.conv_in.weight", {512, 4, 3, 3}},
        {"decoder.up_blocks.0.resnets.2.conv2.weight", {512, 512, 3, 3}},
        {"decoder.up_blocks.2.resnets.0.conv_shortcut.weight", {256, 512, 1, 1}},
        {"decoder.up_blocks.2.upsamplers.0.conv.weight", {256, 256, 3, 3}},
        {"decoder.up_blocks.3.resnets.0.conv1.weight", {128, 256, 3, 3}},
        {"decoder.conv_out.weight", {3, 128, 3, 3}},
    };
    for (const auto& [name, shape] : published) {
        SCOPED_TRACE(name);
        ASSERT_TRUE(s.count(name));
        EXPECT_EQ(s.at(name), shape);
    }
    EXPECT_FALSE(s.count("encoder.down_blocks.3.downsamplers.0.conv.weight"));
    EXPECT_FALSE(s.count("decoder.up_blocks.3.upsamplers.0.conv.weight"));
}

TEST(FullSizeNetworks, TheClipTextEncoderHasThePublishedParameters) {
    ClipTextModel text(parseClipTextConfig(publishedTextConfig, "text_encoder/config.json"), meta);
    EXPECT_EQ(count(text), 123060480);
    const auto s = shapes(text);
    EXPECT_EQ(s.size(), 196u);  // + position_ids in the published checkpoint = 197 tensors
    const std::map<std::string, Shape> published = {
        {"text_model.embeddings.token_embedding.weight", {49408, 768}},
        {"text_model.embeddings.position_embedding.weight", {77, 768}},
        {"text_model.encoder.layers.0.self_attn.q_proj.weight", {768, 768}},
        {"text_model.encoder.layers.0.self_attn.out_proj.bias", {768}},
        {"text_model.encoder.layers.11.mlp.fc1.weight", {3072, 768}},
        {"text_model.encoder.layers.11.mlp.fc2.weight", {768, 3072}},
        {"text_model.encoder.layers.11.layer_norm2.bias", {768}},
        {"text_model.final_layer_norm.weight", {768}},
    };
    for (const auto& [name, shape] : published) {
        SCOPED_TRACE(name);
        ASSERT_TRUE(s.count(name));
        EXPECT_EQ(s.at(name), shape);
    }
    EXPECT_FALSE(s.count("text_model.encoder.layers.12.mlp.fc1.weight"));
}

TEST(FullSizeNetworks, TheBuiltInDefaultsAreThePublishedConfigs) {
    // PowerPaint v1 ships no config.json: the defaults must be SD-1.5 inpainting's.
    UNet a(UNetConfig{}, meta), b(parseUNetConfig(publishedUNetConfig, "unet"), meta);
    EXPECT_EQ(shapes(a), shapes(b));
    Vae c(VaeConfig{}, meta), d(parseVaeConfig(publishedVaeConfig, "vae"), meta);
    EXPECT_EQ(shapes(c), shapes(d));
    EXPECT_DOUBLE_EQ(VaeConfig{}.scalingFactor, 0.18215);
    ClipTextModel e(ClipTextConfig{}, meta), f(parseClipTextConfig(publishedTextConfig, "text"), meta);
    EXPECT_EQ(shapes(e), shapes(f));
}

}  // namespace
}  // namespace pm::engine::diffusion
