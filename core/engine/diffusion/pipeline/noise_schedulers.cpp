#include "core/engine/diffusion/pipeline/noise_schedulers.h"

#include <cmath>

#include "core/common/error.h"

namespace pm::engine::diffusion {
namespace {

void checkSteps(int steps, const NoiseSchedule& schedule) {
    if (steps < 1 || steps > schedule.trainSteps)
        throw Error("the number of steps must be from 1 to " + std::to_string(schedule.trainSteps) + ", not " +
                    std::to_string(steps));
}

}  // namespace

std::vector<double> alphasCumprod(const NoiseSchedule& schedule) {
    const int n = schedule.trainSteps;
    const double first = std::sqrt(schedule.betaStart);
    const double last = std::sqrt(schedule.betaEnd);
    std::vector<double> cumprod(static_cast<size_t>(n));
    double product = 1.0;
    for (int t = 0; t < n; ++t) {
        const double root = n == 1 ? first : first + (last - first) * t / (n - 1);
        product *= 1.0 - root * root;
        cumprod[static_cast<size_t>(t)] = product;
    }
    return cumprod;
}

SamplerKind parseSamplerKind(const std::string& name) {
    if (name == "ddim") return SamplerKind::Ddim;
    if (name == "dpm" || name == "dpm++" || name == "dpmsolver++") return SamplerKind::DpmSolverPlusPlus2M;
    throw Error("unknown scheduler '" + name + "' (ddim or dpm)");
}

DdimScheduler::DdimScheduler(int steps, const NoiseSchedule& schedule)
    : alphasCumprod_(alphasCumprod(schedule)),
      finalAlphaCumprod_(schedule.setAlphaToOne ? 1.0 : alphasCumprod_.front()),
      stepRatio_(schedule.trainSteps / std::max(steps, 1)) {
    checkSteps(steps, schedule);
    // "leading" spacing: 0, r, 2r, ... (r = trainSteps // steps), shifted by steps_offset, noisiest first.
    for (int i = steps - 1; i >= 0; --i) timesteps_.push_back(static_cast<int64_t>(i) * stepRatio_ + schedule.stepsOffset);
}

torch::Tensor DdimScheduler::step(const torch::Tensor& epsilon, size_t index, const torch::Tensor& sample) {
    const int64_t t = timesteps_.at(index);
    const int64_t previous = t - stepRatio_;
    const double alpha = alphasCumprod_.at(static_cast<size_t>(t));
    const double alphaPrevious = previous >= 0 ? alphasCumprod_.at(static_cast<size_t>(previous)) : finalAlphaCumprod_;
    // eta = 0: x0 = (x_t - sqrt(1-a) eps) / sqrt(a); x_prev = sqrt(a_prev) x0 + sqrt(1-a_prev) eps.
    const torch::Tensor original = (sample - std::sqrt(1.0 - alpha) * epsilon) / std::sqrt(alpha);
    return std::sqrt(alphaPrevious) * original + std::sqrt(1.0 - alphaPrevious) * epsilon;
}

DpmSolverScheduler::DpmSolverScheduler(int steps, const NoiseSchedule& schedule) {
    checkSteps(steps, schedule);
    const std::vector<double> cumprod = alphasCumprod(schedule);
    // "linspace" spacing as numpy computes it: round(k * (T-1)/steps), half to even, noisiest first,
    // the last point (0) dropped.
    const double last = schedule.trainSteps - 1;
    const double spacing = last / steps;
    for (int k = steps; k >= 1; --k) {
        const double point = k == steps ? last : k * spacing;
        timesteps_.push_back(static_cast<int64_t>(std::nearbyint(point)));
    }
    for (int64_t t : timesteps_) {
        const double a = cumprod.at(static_cast<size_t>(t));
        sigmas_.push_back(std::sqrt((1.0 - a) / a));
    }
    sigmas_.push_back(0.0);  // final_sigmas_type "zero": the last step lands on the clean sample
}

torch::Tensor DpmSolverScheduler::step(const torch::Tensor& epsilon, size_t index, const torch::Tensor& sample) {
    const double sigmaNow = sigmas_.at(index);
    const double sigmaNext = sigmas_.at(index + 1);
    // sigma -> (alpha_t, sigma_t) of the variance-preserving process.
    const double alphaNow = 1.0 / std::sqrt(sigmaNow * sigmaNow + 1.0);
    const double noiseNow = sigmaNow * alphaNow;
    const torch::Tensor denoised = (sample - noiseNow * epsilon) / alphaNow;  // data prediction (x0)

    torch::Tensor next;
    const size_t count = timesteps_.size();
    const bool firstOrder = index == 0 || !previousDenoised_.defined() || index == count - 1 ||
                            (count < 15 && index == count - 2);  // lower_order_final
    if (sigmaNext == 0.0) {
        next = denoised;  // the first-order update with sigma_t = 0, alpha_t = 1
    } else {
        const double alphaNext = 1.0 / std::sqrt(sigmaNext * sigmaNext + 1.0);
        const double noiseNext = sigmaNext * alphaNext;
        const double lambdaNow = std::log(alphaNow) - std::log(noiseNow);
        const double lambdaNext = std::log(alphaNext) - std::log(noiseNext);
        const double h = lambdaNext - lambdaNow;
        const double decay = std::expm1(-h);  // exp(-h) - 1
        next = (noiseNext / noiseNow) * sample - alphaNext * decay * denoised;
        if (!firstOrder) {
            // Midpoint 2M: D1 = (x0_now - x0_prev) / r0, r0 = h_prev / h.
            const double sigmaPrevious = sigmas_.at(index - 1);
            const double alphaPrevious = 1.0 / std::sqrt(sigmaPrevious * sigmaPrevious + 1.0);
            const double lambdaPrevious = std::log(alphaPrevious) - std::log(sigmaPrevious * alphaPrevious);
            const double r0 = (lambdaNow - lambdaPrevious) / h;
            next = next - 0.5 * alphaNext * decay * ((denoised - previousDenoised_) / r0);
        }
    }
    previousDenoised_ = denoised;
    return next;
}

std::unique_ptr<NoiseScheduler> makeScheduler(SamplerKind kind, int steps, const NoiseSchedule& schedule) {
    if (kind == SamplerKind::Ddim) return std::make_unique<DdimScheduler>(steps, schedule);
    return std::make_unique<DpmSolverScheduler>(steps, schedule);
}

}  // namespace pm::engine::diffusion
