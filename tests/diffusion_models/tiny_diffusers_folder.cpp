#include "tests/diffusion_models/tiny_diffusers_folder.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "core/engine/diffusion/models/clip_text.h"
#include "core/engine/diffusion/models/model_configs.h"
#include "core/engine/diffusion/models/safetensors_file.h"
#include "core/engine/diffusion/models/unet.h"
#include "core/engine/diffusion/models/vae.h"
#include "tests/nets/torch_save_format.h"

namespace fs = std::filesystem;
using namespace pm::engine::diffusion;

namespace pm::test {
namespace {

// Weights small enough that 2-layer random networks stay in a sane range; norms start near 1
// as trained ones do.
NamedTensors randomWeights(torch::nn::Module& net, uint64_t seed) {
    torch::manual_seed(seed);
    NamedTensors out;
    for (const auto& p : net.named_parameters(true)) {
        const auto& name = p.key();
        const bool norm = name.find("norm") != std::string::npos;
        auto t = torch::randn(p.value().sizes()) * 0.2;
        if (norm && name.size() > 7 && name.compare(name.size() - 7, 7, ".weight") == 0) t = 1.0 + t;
        out.push_back({name, t});
    }
    return out;
}

}  // namespace

std::string tinyUNetConfig() {
    return R"({
  "_class_name": "UNet2DConditionModel",
  "_diffusers_version": "0.6.0.dev0",
  "act_fn": "silu",
  "attention_head_dim": 8,
  "block_out_channels": [32, 64],
  "center_input_sample": false,
  "cross_attention_dim": 32,
  "down_block_types": ["CrossAttnDownBlock2D", "DownBlock2D"],
  "downsample_padding": 1,
  "flip_sin_to_cos": true,
  "freq_shift": 0,
  "in_channels": 9,
  "layers_per_block": 1,
  "mid_block_scale_factor": 1,
  "norm_eps": 1e-05,
  "norm_num_groups": 32,
  "out_channels": 4,
  "sample_size": 8,
  "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"]
})";
}

std::string tinyVaeConfig() {
    return R"({
  "_class_name": "AutoencoderKL",
  "_diffusers_version": "0.6.0.dev0",
  "act_fn": "silu",
  "block_out_channels": [16, 16, 32, 32],
  "down_block_types": ["DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D", "DownEncoderBlock2D"],
  "in_channels": 3,
  "latent_channels": 4,
  "layers_per_block": 1,
  "norm_num_groups": 8,
  "out_channels": 3,
  "sample_size": 64,
  "up_block_types": ["UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D", "UpDecoderBlock2D"]
})";
}

std::string tinyTextConfig() {
    return R"({
  "architectures": ["CLIPTextModel"],
  "attention_dropout": 0.0,
  "bos_token_id": 0,
  "eos_token_id": 2,
  "hidden_act": "quick_gelu",
  "hidden_size": 32,
  "initializer_factor": 1.0,
  "intermediate_size": 64,
  "layer_norm_eps": 1e-05,
  "max_position_embeddings": 77,
  "model_type": "clip_text_model",
  "num_attention_heads": 4,
  "num_hidden_layers": 2,
  "pad_token_id": 1,
  "projection_dim": 32,
  "torch_dtype": "float32",
  "vocab_size": 100
})";
}

NamedTensors tinyUNetWeights(uint64_t seed) {
    UNet net(parseUNetConfig(tinyUNetConfig(), "unet"), torch::kFloat);
    return randomWeights(net, seed);
}

NamedTensors tinyVaeWeights(uint64_t seed) {
    Vae net(parseVaeConfig(tinyVaeConfig(), "vae"), torch::kFloat);
    return randomWeights(net, seed);
}

NamedTensors tinyTextWeights(uint64_t seed) {
    ClipTextModel net(parseClipTextConfig(tinyTextConfig(), "text"), torch::kFloat);
    return randomWeights(net, seed);
}

void writeText(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << text;
}

void writeWeights(const NamedTensors& tensors, const std::string& file) {
    fs::create_directories(fs::path(file).parent_path());
    if (fs::path(file).extension() == ".safetensors") {
        writeSafetensors(tensors, file);
        return;
    }
    StateDict dict;
    for (const auto& t : tensors) dict.emplace_back(t.name, t.tensor);
    torchSaveStateDict(dict, file, TorchSaveFormat::Zip);
}

void writeTinyFolder(const std::string& folder, WeightFormat format, uint64_t seed) {
    const bool st = format == WeightFormat::Safetensors;
    writeText(folder + "/model_index.json", R"({"_class_name": "StableDiffusionInpaintPipeline"})");
    writeText(folder + "/unet/config.json", tinyUNetConfig());
    writeText(folder + "/vae/config.json", tinyVaeConfig());
    writeText(folder + "/text_encoder/config.json", tinyTextConfig());
    writeWeights(tinyUNetWeights(seed), folder + (st ? "/unet/diffusion_pytorch_model.safetensors"
                                                     : "/unet/diffusion_pytorch_model.bin"));
    writeWeights(tinyVaeWeights(seed + 1), folder + (st ? "/vae/diffusion_pytorch_model.safetensors"
                                                        : "/vae/diffusion_pytorch_model.bin"));
    auto text = tinyTextWeights(seed + 2);
    // transformers' checkpoints hold the position_ids buffer (int64); it must be accepted.
    text.push_back({"text_model.embeddings.position_ids", torch::arange(77).unsqueeze(0)});
    writeWeights(text, folder + (st ? "/text_encoder/model.safetensors"
                                    : "/text_encoder/pytorch_model.bin"));
}

std::string writeTinyPromptFillFolder(const std::string& folder, uint64_t seed) {
    fs::remove_all(folder);
    writeTinyFolder(folder, WeightFormat::Safetensors, seed);
    std::string config = tinyTextConfig();
    const std::string tinyVocab = "\"vocab_size\": 100";
    if (config.find(tinyVocab) == std::string::npos) throw std::runtime_error("tiny text config changed");
    config.replace(config.find(tinyVocab), tinyVocab.size(), "\"vocab_size\": 49438");
    writeText(folder + "/text_encoder/config.json", config);
    auto text = tinyTextWeights(seed + 2);
    for (auto& named : text)
        if (named.name == "text_model.embeddings.token_embedding.weight")
            named.tensor = torch::randn({49438, named.tensor.size(1)}) * 0.02;
    writeWeights(text, folder + "/text_encoder/model.safetensors");
    fs::create_directories(folder + "/tokenizer");
    for (const char* file : {"vocab.json", "merges.txt"})
        fs::copy_file(fs::path(PM_CLIP_SUBSET_DIR) / file, fs::path(folder) / "tokenizer" / file);
    return folder;
}

}  // namespace pm::test
