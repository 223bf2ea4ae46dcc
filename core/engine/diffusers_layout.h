#pragma once
// Which files a diffusers inpainting folder (PowerPaint v1, SD-1.5 inpainting) must hold, without
// torch: the names the loader (diffusion/models/diffusers_folder.cpp) looks for, shared with the
// installed-check and the model manager's import, so that "installed" means "the loader finds
// every file" and a refused import names the file the loader would miss.
// Header-only: the loader lives in libphotomend-torch.so, the checks in the programs.
#include <filesystem>
#include <string>
#include <vector>

namespace pm::engine {

/// The weight files of a component ("unet", "vae", "text_encoder"), relative to the folder, in
/// the order the loader tries them (diffusers, transformers and PowerPaint v1 names).
inline const std::vector<std::string>& diffusersWeightCandidates(const std::string& component) {
    static const std::vector<std::string> unet{
        "unet/diffusion_pytorch_model.safetensors", "unet/diffusion_pytorch_model.fp16.safetensors",
        "unet/unet.safetensors", "unet/diffusion_pytorch_model.bin",
        "unet/diffusion_pytorch_model.fp16.bin"};
    static const std::vector<std::string> vae{
        "vae/diffusion_pytorch_model.safetensors", "vae/diffusion_pytorch_model.fp16.safetensors",
        "vae/diffusion_pytorch_model.bin", "vae/diffusion_pytorch_model.fp16.bin"};
    // PowerPaint v1's first README put its text encoder beside the UNet (unet/...).
    static const std::vector<std::string> text{
        "text_encoder/model.safetensors", "text_encoder/model.fp16.safetensors",
        "text_encoder/text_encoder.safetensors", "unet/text_encoder.safetensors",
        "text_encoder/pytorch_model.bin", "text_encoder/pytorch_model.fp16.bin"};
    static const std::vector<std::string> none;
    if (component == "unet") return unet;
    if (component == "vae") return vae;
    if (component == "text_encoder") return text;
    return none;
}

/// "" when `folder` holds what the prompt fill loads: a weight file for unet/, vae/ and
/// text_encoder/, text_encoder/config.json (the pipeline reads its vocabulary size) and the
/// tokenizer's vocab.json and merges.txt. Otherwise the first missing file, relative to the
/// folder, e.g. "unet/diffusion_pytorch_model.safetensors is missing (or …)".
inline std::string diffusersFolderProblem(const std::string& folder) {
    namespace fs = std::filesystem;
    std::error_code error;
    if (folder.empty()) return "no models folder is set";
    if (!fs::is_directory(folder, error)) return folder + ": no such folder";
    for (const char* component : {"unet", "vae", "text_encoder"}) {
        const auto& candidates = diffusersWeightCandidates(component);
        bool found = false;
        for (const auto& name : candidates) found = found || fs::is_regular_file(fs::path(folder) / name, error);
        if (found) continue;
        std::string others;
        for (size_t i = 1; i < candidates.size(); ++i) others += (i > 1 ? ", " : "") + candidates[i];
        std::string problem = candidates.front() + " is missing (or " + others + ")";
        if (std::string(component) == "vae")
            problem += "; PowerPaint v1 ships no VAE: copy vae/ from stable-diffusion-inpainting";
        return problem;
    }
    for (const char* file : {"text_encoder/config.json", "tokenizer/vocab.json", "tokenizer/merges.txt"})
        if (!fs::is_regular_file(fs::path(folder) / file, error)) return std::string(file) + " is missing";
    return {};
}

}  // namespace pm::engine
