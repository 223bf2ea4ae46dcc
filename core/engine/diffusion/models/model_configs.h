#pragma once
// The config.json of each network of a diffusers folder, as far as it decides the networks'
// shapes, and the published values of Stable-Diffusion-1.5 inpainting (runwayml /
// stable-diffusion-inpainting) for folders that ship weights without a config (PowerPaint v1).
// Torch-free.
#include <string>
#include <vector>

namespace pm::engine::diffusion {

/// diffusers UNet2DConditionModel (SD-1.x style: cross-attention transformer blocks of depth 1).
struct UNetConfig {
    int inChannels = 9;
    int outChannels = 4;
    std::vector<int> blockOutChannels{320, 640, 1280, 1280};
    std::vector<std::string> downBlockTypes{"CrossAttnDownBlock2D", "CrossAttnDownBlock2D",
                                            "CrossAttnDownBlock2D", "DownBlock2D"};
    std::vector<std::string> upBlockTypes{"UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D",
                                          "CrossAttnUpBlock2D"};
    int layersPerBlock = 2;
    /// Heads per block. diffusers' config calls this attention_head_dim for SD-1.x (a historic
    /// misnomer it keeps: num_attention_heads = num_attention_heads or attention_head_dim).
    std::vector<int> attentionHeads{8, 8, 8, 8};
    int crossAttentionDim = 768;
    int normNumGroups = 32;
    double normEps = 1e-5;
    bool flipSinToCos = true;
    double freqShift = 0.0;
    bool useLinearProjection = false;
    int sampleSize = 64;
};

/// diffusers AutoencoderKL.
struct VaeConfig {
    int inChannels = 3;
    int outChannels = 3;
    int latentChannels = 4;
    std::vector<int> blockOutChannels{128, 256, 512, 512};
    int layersPerBlock = 2;
    int normNumGroups = 32;
    double scalingFactor = 0.18215;
    int sampleSize = 512;
};

/// transformers CLIPTextModel (text_model of CLIPTextConfig).
struct ClipTextConfig {
    int vocabSize = 49408;
    int hiddenSize = 768;
    int intermediateSize = 3072;
    int numAttentionHeads = 12;
    int numHiddenLayers = 12;
    int maxPositionEmbeddings = 77;
    double layerNormEps = 1e-5;
    std::string hiddenAct = "quick_gelu";
};

/// Parse a config.json; anything the networks here do not implement (another block type, a
/// class embedding, an activation other than quick_gelu / gelu) is a pm::Error naming the file
/// and the field, so an unsupported model fails at load and not with wrong pictures.
UNetConfig readUNetConfig(const std::string& path);
VaeConfig readVaeConfig(const std::string& path);
ClipTextConfig readClipTextConfig(const std::string& path);

/// Same, from the text of a config.json (`what` names it in errors).
UNetConfig parseUNetConfig(const std::string& text, const std::string& what);
VaeConfig parseVaeConfig(const std::string& text, const std::string& what);
ClipTextConfig parseClipTextConfig(const std::string& text, const std::string& what);

}  // namespace pm::engine::diffusion
