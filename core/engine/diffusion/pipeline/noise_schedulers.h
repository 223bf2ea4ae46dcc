#pragma once
// The samplers of the denoising loop, as diffusers defines them for Stable Diffusion 1.5: DDIM
// (eta 0, "leading" timesteps) and DPM-Solver++(2M) (DPMSolverMultistepScheduler with its defaults:
// "linspace" timesteps, midpoint second-order updates, a first-order first step and a final step
// to sigma 0). Both predict epsilon, start from unit-variance noise and leave the model input
// unscaled. The noise schedule is SD-1.5's scheduler_config.json: "scaled_linear" betas from
// 0.00085 to 0.012 over 1000 training steps, steps_offset 1, set_alpha_to_one false.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

namespace pm::engine::diffusion {

struct NoiseSchedule {
    int trainSteps = 1000;
    double betaStart = 0.00085;
    double betaEnd = 0.012;
    int stepsOffset = 1;
    bool setAlphaToOne = false;
};

/// alphas_cumprod[t] for t = 0 .. trainSteps-1: the product of (1 - beta) up to t, with
/// beta = linspace(sqrt(betaStart), sqrt(betaEnd))^2 ("scaled_linear"). Computed in double.
std::vector<double> alphasCumprod(const NoiseSchedule& schedule);

class NoiseScheduler {
public:
    virtual ~NoiseScheduler() = default;
    /// The model's timesteps, first (noisiest) to last.
    const std::vector<int64_t>& timesteps() const { return timesteps_; }
    /// x_{t-1} from the noise prediction at step `index` (0-based) and the current sample x_t.
    /// Steps must be taken in order (DPM-Solver++ keeps the previous prediction).
    virtual torch::Tensor step(const torch::Tensor& epsilon, size_t index, const torch::Tensor& sample) = 0;

protected:
    std::vector<int64_t> timesteps_;
};

enum class SamplerKind { Ddim, DpmSolverPlusPlus2M };

/// "ddim" or "dpm" (also "dpm++", "dpmsolver++"); throws pm::Error naming the accepted values.
SamplerKind parseSamplerKind(const std::string& name);

class DdimScheduler final : public NoiseScheduler {
public:
    DdimScheduler(int steps, const NoiseSchedule& schedule = {});
    torch::Tensor step(const torch::Tensor& epsilon, size_t index, const torch::Tensor& sample) override;

private:
    std::vector<double> alphasCumprod_;
    double finalAlphaCumprod_;
    int stepRatio_;
};

class DpmSolverScheduler final : public NoiseScheduler {
public:
    DpmSolverScheduler(int steps, const NoiseSchedule& schedule = {});
    torch::Tensor step(const torch::Tensor& epsilon, size_t index, const torch::Tensor& sample) override;
    /// sigma = sqrt((1 - alpha_cumprod) / alpha_cumprod) per step, and 0 after the last one.
    const std::vector<double>& sigmas() const { return sigmas_; }

private:
    std::vector<double> sigmas_;
    torch::Tensor previousDenoised_;
};

std::unique_ptr<NoiseScheduler> makeScheduler(SamplerKind kind, int steps, const NoiseSchedule& schedule = {});

}  // namespace pm::engine::diffusion
