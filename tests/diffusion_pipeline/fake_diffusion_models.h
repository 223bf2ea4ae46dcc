#pragma once
// A DiffusionModels without networks, so the denoising loop runs in milliseconds in CI:
// - encodeText: a fixed function of each token id (so prompts can be told apart, and blends checked);
// - encodeImage: 8x8 average of the image, the three colours and their mean as the 4 channels;
// - decodeLatents: the first three channels back, each latent pixel an 8x8 block;
// - predictNoise: a perfect denoiser towards a grey latent whose level is the mean of that batch
//   row's text embedding, so the filled colour shows which embedding (and what guidance) the loop
//   used: with guidance g the result is mean(neg) + g * (mean(pos) - mean(neg)).
// It records what it was given.
#include <cmath>
#include <vector>

#include <torch/torch.h>

#include "core/engine/diffusion/diffusion_models.h"
#include "core/engine/diffusion/pipeline/noise_schedulers.h"

namespace pm::engine::diffusion::testing {

class FakeDiffusionModels : public DiffusionModels {
public:
    static constexpr double kScale = 0.18215;
    static constexpr int kWidth = 8;  // embedding size

    torch::Tensor encodeText(const torch::Tensor& ids) override {
        textCalls.push_back(ids.clone());
        const torch::Tensor d = torch::arange(kWidth, torch::kFloat32).view({1, 1, kWidth});
        // Values in [-0.5, 0.5): two prompts differ where their ids do.
        return torch::remainder(ids.to(torch::kFloat32).unsqueeze(-1) * 37.0 + d * 11.0, 101.0) / 101.0 - 0.5;
    }

    torch::Tensor predictNoise(const torch::Tensor& input, const torch::Tensor& timestep,
                               const torch::Tensor& context) override {
        ++noiseCalls;
        inputs.push_back(input.sizes().vec());
        contexts.push_back(context.clone());
        timesteps.push_back(timestep.item<int64_t>());
        const double alpha = alphas_.at(static_cast<size_t>(timestep.item<int64_t>()));
        const torch::Tensor sample = input.narrow(1, 0, 4).to(torch::kFloat32);
        const torch::Tensor target = (context.to(torch::kFloat32).mean({1, 2}) * kScale).view({-1, 1, 1, 1});
        return (sample - std::sqrt(alpha) * target) / std::sqrt(1.0 - alpha);
    }

    torch::Tensor encodeImage(const torch::Tensor& image) override {
        imageSizes.push_back(image.sizes().vec());
        const torch::Tensor pooled = torch::avg_pool2d(image.to(torch::kFloat32), 8);
        return torch::cat({pooled, pooled.mean(1, true)}, 1) * kScale;
    }

    torch::Tensor decodeLatents(const torch::Tensor& latents) override {
        const torch::Tensor rgb = latents.narrow(1, 0, 3).to(torch::kFloat32) / kScale;
        return rgb.repeat_interleave(8, 2).repeat_interleave(8, 3);
    }

    double scalingFactor() const override { return kScale; }
    int maxTokens() const override { return 77; }
    int64_t textVocabularySize() const override { return 49438; }  // room for PowerPaint's task tokens
    torch::Device device() const override { return torch::kCPU; }
    torch::Dtype dtype() const override { return torch::kFloat32; }

    /// The grey level in [-1, 1] the fill converges to for a text embedding.
    static double levelOf(const torch::Tensor& embedding) { return embedding.mean().item<double>(); }

    std::vector<torch::Tensor> textCalls;
    std::vector<torch::Tensor> contexts;
    std::vector<std::vector<int64_t>> inputs;
    std::vector<std::vector<int64_t>> imageSizes;
    std::vector<int64_t> timesteps;
    int noiseCalls = 0;

private:
    std::vector<double> alphas_ = alphasCumprod(NoiseSchedule{});
};

}  // namespace pm::engine::diffusion::testing
