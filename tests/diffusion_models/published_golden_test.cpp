// The C++ networks give the published libraries' outputs: bench/gpu/diffusion_golden.py builds
// diffusers' UNet2DConditionModel and AutoencoderKL and transformers' CLIPTextModel with the tiny
// configs, writes them with save_pretrained (the published folder layout, written by the published
// code) and saves fixed inputs with their outputs. It needs Python with diffusers and transformers,
// so it runs where they are and this test skips elsewhere: PM_DIFFUSION_GOLDEN_DIR names the folder.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

#include <gtest/gtest.h>

#include "core/engine/diffusion/diffusion_models.h"
#include "core/engine/diffusion/models/safetensors_file.h"

namespace pm::engine::diffusion {
namespace {

void expectClose(const torch::Tensor& actual, const torch::Tensor& expected, const char* what) {
    ASSERT_EQ(actual.sizes(), expected.sizes()) << what;
    const double diff = (actual - expected).abs().max().item<double>();
    const double scale = expected.abs().max().item<double>();
    // Printed also when it passes: the GPU run's log is where the agreement gets written down.
    std::printf("%s: max |diff| %.3g of max |value| %.3g\n", what, diff, scale);
    EXPECT_LT(diff, 1e-4 * std::max(1.0, scale)) << what << ": max |diff| " << diff << " of " << scale;
}

TEST(PublishedCode, TinyDiffusersFolderGivesTheLibrariesOutputs) {
    const char* dir = std::getenv("PM_DIFFUSION_GOLDEN_DIR");
    if (!dir || !std::filesystem::exists(std::string(dir) + "/golden_io.safetensors"))
        GTEST_SKIP() << "no golden files (PM_DIFFUSION_GOLDEN_DIR, made by bench/gpu/diffusion_golden.py)";
    std::map<std::string, torch::Tensor> io;
    for (const auto& t : readSafetensors(std::string(dir) + "/golden_io.safetensors")) io[t.name] = t.tensor;
    auto models = loadDiffusionModels(dir, DiffusionLoadOptions{});
    const auto context = models->encodeText(io.at("ids"));
    expectClose(context, io.at("context"), "CLIPTextModel last_hidden_state");
    expectClose(models->predictNoise(io.at("sample"), io.at("timesteps"), io.at("context")),
                io.at("noise"), "UNet2DConditionModel sample");
    expectClose(models->encodeImage(io.at("image")), io.at("latents"), "AutoencoderKL mean * scaling");
    expectClose(models->decodeLatents(io.at("latents")), io.at("decoded"), "AutoencoderKL decode");
}

}  // namespace
}  // namespace pm::engine::diffusion
