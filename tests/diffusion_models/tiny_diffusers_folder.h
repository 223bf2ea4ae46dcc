#pragma once
// Tiny SD-1.5-inpainting-shaped diffusers folders with random weights, written the way the
// published ones are laid out (config.json + weights per network), so the loader and the networks
// run end to end in CI without downloads.
#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/engine/nets/state_dict_file.h"

namespace pm::test {

using NamedTensors = std::vector<pm::engine::nets::NamedTensor>;

/// The published config.json keys with tiny values: UNet blocks (32, 64), one layer each, 8 heads
/// of 4; VAE blocks (16, 16, 32, 32) (a factor 8 like SD's), 8 groups; CLIP text 32 wide, 2 layers,
/// 4 heads, vocabulary 100.
std::string tinyUNetConfig();
std::string tinyVaeConfig();
std::string tinyTextConfig();

/// Random weights (seeded) for every tensor the networks of those configs have, by published name.
NamedTensors tinyUNetWeights(uint64_t seed);
NamedTensors tinyVaeWeights(uint64_t seed);
NamedTensors tinyTextWeights(uint64_t seed);

/// Writes `text` to `path`, creating its folder.
void writeText(const std::string& path, const std::string& text);

enum class WeightFormat { Safetensors, TorchBin };

/// A whole folder: model_index.json, unet/, vae/, text_encoder/ with configs and weights under
/// diffusers' names (diffusion_pytorch_model.* / model.safetensors / pytorch_model.bin).
void writeTinyFolder(const std::string& folder, WeightFormat format, uint64_t seed = 1);

/// A whole folder a prompt fill runs on: writeTinyFolder's networks, a text encoder with
/// PowerPaint's vocabulary size (CLIP's 49408 + 30 task tokens) so the real ids of the published
/// tokenizer slice (PM_CLIP_SUBSET_DIR, copied to tokenizer/) fit its table. Replaces `folder`;
/// returns it.
std::string writeTinyPromptFillFolder(const std::string& folder, uint64_t seed = 3);

/// Writes one network's weights under the name `file` (".safetensors" or a torch.save .bin).
void writeWeights(const NamedTensors& tensors, const std::string& file);

}  // namespace pm::test
