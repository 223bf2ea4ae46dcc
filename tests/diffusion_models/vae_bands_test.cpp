// The VAE's full-resolution layers run a band of rows at a time (Vae::setBandRows,
// DiffusionLoadOptions::vaeBands) to keep fewer 512² intermediates alive on the GPU. The picture
// must not change: every GroupNorm normalises with statistics over the whole tensor and every 3x3
// convolution sees its neighbour rows, so the banded decode and encode equal the whole ones up to
// fp rounding, whatever the band height (one row, not dividing the height, one band) and image size.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/engine/cuda_support.h"
#include "core/engine/diffusion/models/blocks.h"
#include "core/engine/diffusion/models/device_models.h"
#include "core/engine/diffusion/models/diffusers_folder.h"
#include "core/engine/diffusion/models/model_configs.h"
#include "core/engine/diffusion/models/vae.h"
#include "tests/diffusion_models/tiny_diffusers_folder.h"

namespace pm::engine::diffusion {
namespace {

namespace fs = std::filesystem;

// The tiny VAE (blocks 16, 16, 32, 32; 8 groups) with the tests' seeded random weights.
std::shared_ptr<Vae> tinyVae(const torch::TensorOptions& options = torch::kFloat) {
    auto vae = std::make_shared<Vae>(parseVaeConfig(test::tinyVaeConfig(), "vae"), options);
    torch::NoGradGuard noGrad;
    const auto parameters = vae->named_parameters();
    for (const auto& t : test::tinyVaeWeights(7)) parameters[t.name].copy_(t.tensor);
    return vae;
}

// Random parameters of a trained network's scale: kernels N(0, 1/fan_in), norms' gains near 1.
void randomise(torch::nn::Module& module) {
    torch::NoGradGuard noGrad;
    for (auto& p : module.parameters()) {
        if (p.dim() > 1)
            p.normal_(0.0, 1.0 / std::sqrt(static_cast<double>(p[0].numel())));
        else
            p.normal_(0.5, 0.2);
    }
}

// max |a - b| against the reference's range: fp32 convolutions of a band and of the whole image
// may sum in another order, nothing more.
double relativeDifference(const torch::Tensor& actual, const torch::Tensor& expected) {
    EXPECT_EQ(actual.sizes(), expected.sizes());
    return (actual - expected).abs().max().item<double>() / (1e-12 + expected.abs().max().item<double>());
}

constexpr double fp32Tolerance = 1e-5;

TEST(VaeBands, TheDecodeInBandsEqualsTheWholeDecodeAtOddSizesAndAnyBandHeight) {
    const std::shared_ptr<Vae> vae = tinyVae();
    torch::NoGradGuard noGrad;
    torch::manual_seed(3);
    // Latent heights and widths odd, prime, one-off: images 40x56, 72x48, 24x88 (batch 2).
    for (const std::vector<int64_t>& shape : {std::vector<int64_t>{1, 4, 5, 7}, {2, 4, 9, 6}, {1, 4, 3, 11}}) {
        const torch::Tensor latents = torch::randn(shape);
        vae->setBandRows(0);
        const torch::Tensor whole = vae->decode(latents);
        ASSERT_GT(whole.abs().max().item<double>(), 0.0);
        // One row a band, bands not dividing any stage's height, and bands above the latents'
        // height (only the full-resolution stages banded).
        for (int64_t rows : {1, 2, 5, 7, 13, 30}) {
            vae->setBandRows(rows);
            const torch::Tensor banded = vae->decode(latents);
            EXPECT_LT(relativeDifference(banded, whole), fp32Tolerance)
                << "latents " << shape[2] << "x" << shape[3] << ", " << rows << " rows a band";
        }
    }
}

TEST(VaeBands, TheEncodeInBandsEqualsTheWholeEncode) {
    const std::shared_ptr<Vae> vae = tinyVae();
    torch::NoGradGuard noGrad;
    torch::manual_seed(4);
    // 40x56 and 72x48 (batch 2), then one not a multiple of 8: the downsamplers' bottom zero row.
    for (const std::vector<int64_t>& shape : {std::vector<int64_t>{1, 3, 40, 56}, {2, 3, 72, 48}, {1, 3, 37, 29}}) {
        const torch::Tensor image = torch::rand(shape) * 2 - 1;
        vae->setBandRows(0);
        const torch::Tensor whole = vae->encodeMean(image);
        for (int64_t rows : {1, 3, 8, 17}) {
            vae->setBandRows(rows);
            EXPECT_LT(relativeDifference(vae->encodeMean(image), whole), fp32Tolerance)
                << "image " << shape[2] << "x" << shape[3] << ", " << rows << " rows a band";
        }
    }
}

// Each banded layer alone, with one band (band height at or above the image's) and many: a wrong
// halo, a band's own GroupNorm statistics or a row written before the next band read it shows here.
TEST(VaeBands, EachBandedLayerEqualsItsWholeFormWithOneBandAndWithMany) {
    torch::NoGradGuard noGrad;
    torch::manual_seed(5);
    const torch::Tensor x = torch::randn({2, 16, 11, 9}) * 3 + 1;  // a mean and spread GroupNorm must remove
    const torch::Tensor before = x.clone();
    ResnetBlock same(16, 16, 0, 4, 1e-6, torch::kFloat), wider(16, 24, 0, 4, 1e-6, torch::kFloat);
    Upsample up(16, torch::kFloat);
    Downsample down(16, true, torch::kFloat);
    GroupNorm norm(4, 16, 1e-6, torch::kFloat);
    Conv2d conv(16, 3, 3, 1, 1, torch::kFloat);
    for (torch::nn::Module* m : std::vector<torch::nn::Module*>{&same, &wider, &up, &down, &norm, &conv}) randomise(*m);
    const torch::Tensor none;
    for (int64_t rows : {int64_t{11}, int64_t{40}, int64_t{1}, int64_t{2}, int64_t{4}}) {
        const std::string at = std::to_string(rows) + " rows a band";
        EXPECT_LT(relativeDifference(same.forwardBands(x, rows), same.forward(x, none)), fp32Tolerance) << at;
        EXPECT_LT(relativeDifference(wider.forwardBands(x, rows), wider.forward(x, none)), fp32Tolerance) << at;
        EXPECT_LT(relativeDifference(up.forwardBands(x, rows), up.forward(x, std::nullopt)), fp32Tolerance) << at;
        EXPECT_LT(relativeDifference(down.forwardBands(x, rows), down.forward(x)), fp32Tolerance) << at;
        EXPECT_LT(relativeDifference(normSiluConvBands(norm, conv, x, rows), conv.forward(torch::silu(norm.forward(x)))),
                  fp32Tolerance)
            << at;
        EXPECT_TRUE(torch::equal(x, before)) << at << ": the input was written over";
    }
}

TEST(VaeBands, TheStatisticsOfBandsAreTheWholeTensorsOnesInFloat32ForHalfInputs) {
    torch::NoGradGuard noGrad;
    torch::manual_seed(6);
    GroupNorm norm(4, 16, 1e-6, torch::kFloat);
    randomise(norm);
    // A large offset: a naive sum of squares in fp16 (or fp32 over E[x²] - E[x]²) would lose it.
    const torch::Tensor x = (torch::randn({1, 16, 33, 20}) * 0.5 + 100).to(torch::kHalf);
    const GroupStatistics stats = norm.statistics(x, 4);
    EXPECT_EQ(stats.mean.scalar_type(), torch::kFloat);
    const torch::Tensor groups = x.to(torch::kFloat).reshape({1, 4, -1});
    EXPECT_LT((stats.mean - groups.mean(2)).abs().max().item<double>(), 1e-4);
    const torch::Tensor invStd = (groups.var(2, /*unbiased=*/false) + 1e-6).rsqrt();
    EXPECT_LT(((stats.invStd - invStd).abs() / invStd).max().item<double>(), 1e-4);
}

// Through the models the pipeline uses: the bands are on by default on every device, 64 rows, so
// at a working size above 64 the decode and encode run banded, and the switch turns them off.
TEST(VaeBands, TheModelsUseBandsByDefaultAndTheSwitchTurnsThemOff) {
    const DiffusionLoadOptions cpu = diffusionLoadOptions(false), gpu = diffusionLoadOptions(true);
    EXPECT_TRUE(cpu.vaeBands);
    EXPECT_TRUE(gpu.vaeBands);
    DiffusionSpeedSwitches off;
    off.vaeBands = false;
    EXPECT_FALSE(diffusionLoadOptions(false, off).vaeBands);
    EXPECT_FALSE(diffusionLoadOptions(true, off).vaeBands);

    const std::string folder = (fs::temp_directory_path() / "pm_diffusion_vae_bands").string();
    test::writeTinyFolder(folder, test::WeightFormat::Safetensors, 12);
    const std::unique_ptr<DiffusionModels> banded = loadDiffusionModels(folder, cpu);
    const std::unique_ptr<DiffusionModels> whole = loadDiffusionModels(folder, diffusionLoadOptions(false, off));
    fs::remove_all(folder);
    torch::manual_seed(7);
    const torch::Tensor image = torch::rand({1, 3, 200, 136}) * 2 - 1;  // 3 bands at full resolution
    const torch::Tensor latents = whole->encodeImage(image);
    EXPECT_LT(relativeDifference(banded->encodeImage(image), latents), fp32Tolerance);
    EXPECT_LT(relativeDifference(banded->decodeLatents(latents), whole->decodeLatents(latents)), fp32Tolerance);
}

// GPU only: fp16 on the card, where the bands are for: the same picture as the whole decode up to
// fp16 rounding, and less memory at the decode's peak.
TEST(VaeBands, OnTheGpuTheBandedDecodeEqualsTheWholeOneWithASmallerPeak) {
    if (!cuda::available()) GTEST_SKIP() << "no GPU";
    const std::shared_ptr<Vae> vae = tinyVae();
    vae->to(torch::kCUDA, torch::kHalf);
    torch::NoGradGuard noGrad;
    torch::manual_seed(8);
    const torch::Tensor latents = torch::randn({1, 4, 64, 80}).to(torch::kCUDA, torch::kHalf);  // 512x640
    auto decodeWithPeak = [&](int64_t rows, double& peakMb) {
        vae->setBandRows(rows);
        vae->decode(latents);  // cuDNN's choices and its workspace once, outside the measure
        cuda::synchronize();
        cuda::emptyCache();
        cuda::resetPeakAllocated();  // from here: the weights, the latents and the decode
        const torch::Tensor out = vae->decode(latents);
        cuda::synchronize();
        peakMb = cuda::peakAllocatedBytes() / 1048576.0;
        return out.to(torch::kFloat);
    };
    double wholePeak = 0, bandedPeak = 0;
    const torch::Tensor whole = decodeWithPeak(0, wholePeak);
    const torch::Tensor banded = decodeWithPeak(64, bandedPeak);
    EXPECT_TRUE(torch::isfinite(banded).all().item<bool>());
    EXPECT_LT(relativeDifference(banded, whole), 1e-2) << "fp16: the rounding of a few adds";
    EXPECT_LT(bandedPeak, wholePeak) << "whole " << wholePeak << " MB, banded " << bandedPeak << " MB";
    std::printf("tiny VAE decode 512x640 fp16: peak allocated %.1f MB whole, %.1f MB in 64-row bands\n", wholePeak,
                bandedPeak);
}

}  // namespace
}  // namespace pm::engine::diffusion
