#pragma once
// Finding and loading the networks of a diffusers folder as users download it: SD-1.5
// inpainting's (unet/, vae/, text_encoder/, each a config.json and diffusion_pytorch_model.* /
// model.* / pytorch_model.*, safetensors or PyTorch .bin, fp16 variants too) and PowerPaint v1's
// (unet/unet.safetensors, text_encoder/text_encoder.safetensors with its task-token embeddings,
// no configs: SD-1.5 inpainting's published ones are used). NOTES.md says what was verified how.
// Private to libphotomend-torch.so (it includes torch).
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/engine/diffusion/diffusion_models.h"
#include "core/engine/diffusion/models/clip_text.h"
#include "core/engine/diffusion/models/safetensors_file.h"
#include "core/engine/diffusion/models/unet.h"
#include "core/engine/diffusion/models/vae.h"

namespace pm::engine::diffusion {

/// A .safetensors file by readSafetensors, anything else as a PyTorch checkpoint (readStateDict).
std::vector<NamedTensor> readWeightFile(const std::string& path);

/// The weight file of a component folder (`folder`/`component`): the first of the names diffusers,
/// transformers and PowerPaint publish that exists. Throws pm::Error listing what was looked for.
std::string findWeightFile(const std::string& folder, const std::string& component);

/// Each network from its folder's config.json (or SD-1.5 inpainting's published config when the
/// folder has none) and weight file, every tensor checked (loadWeights) and converted to the
/// options' dtype and device.
std::shared_ptr<UNet> loadUNet(const std::string& folder, const DiffusionLoadOptions& options);
std::shared_ptr<Vae> loadVae(const std::string& folder, const DiffusionLoadOptions& options);
std::shared_ptr<ClipTextModel> loadClipText(const std::string& folder,
                                            const DiffusionLoadOptions& options);

/// PowerPaint v1's task names in the order its add_tokens() gives them ids after CLIP's 49408:
/// P_obj, P_ctxt, P_shape. The tokenizer adds them and the loader merges their embeddings in it.
const std::vector<std::string>& powerPaintTaskNames();
/// Their tokens, 10 per name: P_obj_0..9, P_ctxt_0..9, P_shape_0..9.
const std::vector<std::string>& powerPaintTaskTokens();

}  // namespace pm::engine::diffusion
