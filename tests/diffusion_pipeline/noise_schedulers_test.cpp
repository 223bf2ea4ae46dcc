// The samplers against numbers derived outside this code: the schedule and the timesteps as
// diffusers computes them (numbers from a separate double-precision Python evaluation of the same
// definitions), and single steps worked out here from the published update formulas.
#include <gtest/gtest.h>

#include <cmath>

#include "core/common/error.h"
#include "core/engine/diffusion/pipeline/noise_schedulers.h"

namespace pm::engine::diffusion {
namespace {

TEST(NoiseSchedule, MatchesStableDiffusionsScaledLinearBetas) {
    const std::vector<double> a = alphasCumprod(NoiseSchedule{});
    ASSERT_EQ(a.size(), 1000u);
    EXPECT_DOUBLE_EQ(a[0], 1.0 - 0.00085);
    EXPECT_NEAR(a[1], 0.9982960278384514, 1e-12);
    EXPECT_NEAR(a[500], 0.2763326838229746, 1e-12);
    EXPECT_NEAR(a[999], 0.004660098513077234, 1e-12);  // the familiar ~0.0047 at the noisy end
}

TEST(DdimScheduler, LeadingTimestepsWithStepsOffsetOne) {
    // diffusers: (arange(steps) * (1000 // steps))[::-1] + steps_offset.
    const DdimScheduler ddim45(45);
    ASSERT_EQ(ddim45.timesteps().size(), 45u);
    EXPECT_EQ(ddim45.timesteps().front(), 969);
    EXPECT_EQ(ddim45.timesteps()[1], 947);
    EXPECT_EQ(ddim45.timesteps().back(), 1);
    const DdimScheduler ddim30(30);
    EXPECT_EQ(ddim30.timesteps().front(), 958);
    EXPECT_EQ(ddim30.timesteps()[1], 925);
    EXPECT_EQ(ddim30.timesteps().back(), 1);
}

TEST(DdimScheduler, OneStepFollowsTheEtaZeroUpdate) {
    DdimScheduler ddim(45);
    const torch::Tensor sample = torch::full({1, 4, 2, 2}, 1.0);
    const torch::Tensor eps = torch::full({1, 4, 2, 2}, 0.5);
    // t = 969 -> 947: x0 = (x - sqrt(1-a_t) eps) / sqrt(a_t); x' = sqrt(a_p) x0 + sqrt(1-a_p) eps.
    const double at = 0.006642638015452144, ap = 0.008528851657700428;
    const double x0 = (1.0 - std::sqrt(1 - at) * 0.5) / std::sqrt(at);
    const double want = std::sqrt(ap) * x0 + std::sqrt(1 - ap) * 0.5;
    EXPECT_NEAR(ddim.step(eps, 0, sample)[0][0][0][0].item<double>(), want, 1e-5);
    // The last step (t = 1) goes to "t = -21", which set_alpha_to_one=false makes alpha_cumprod[0].
    const double a1 = 0.9982960278384514, a0 = 0.99915;
    const double last = std::sqrt(a0) * (1.0 - std::sqrt(1 - a1) * 0.5) / std::sqrt(a1) + std::sqrt(1 - a0) * 0.5;
    EXPECT_NEAR(ddim.step(eps, 44, sample)[0][0][0][0].item<double>(), last, 1e-6);
}

TEST(DpmSolverScheduler, LinspaceTimestepsAsNumpyRoundsThem) {
    const DpmSolverScheduler dpm20(20);
    const std::vector<int64_t> want20 = {999, 949, 899, 849, 799, 749, 699, 649, 599, 549,
                                         500, 450, 400, 350, 300, 250, 200, 150, 100, 50};
    EXPECT_EQ(dpm20.timesteps(), want20);
    const DpmSolverScheduler dpm30(30);
    const std::vector<int64_t> want30 = {999, 966, 932, 899, 866, 832, 799, 766, 733, 699, 666, 633, 599, 566, 533,
                                         499, 466, 433, 400, 366, 333, 300, 266, 233, 200, 166, 133, 100, 67,  33};
    EXPECT_EQ(dpm30.timesteps(), want30);
    ASSERT_EQ(dpm30.sigmas().size(), 31u);
    EXPECT_EQ(dpm30.sigmas().back(), 0.0);
}

// sigma -> alpha_t, sigma_t, lambda as DPM-Solver++ defines them.
struct Point {
    double alpha, sigma, lambda;
};
Point pointAt(double alphaCumprod) {
    const double alpha = std::sqrt(alphaCumprod), sigma = std::sqrt(1 - alphaCumprod);
    return {alpha, sigma, std::log(alpha / sigma)};
}

TEST(DpmSolverScheduler, FirstStepIsFirstOrderAndTheSecondUsesTheMidpointUpdate) {
    const std::vector<double> a = alphasCumprod(NoiseSchedule{});
    DpmSolverScheduler dpm(20);  // 999 -> 949 -> 899
    const Point p0 = pointAt(a[999]), p1 = pointAt(a[949]), p2 = pointAt(a[899]);
    const double x = 1.0, eps0 = 0.5;
    const double d0 = (x - p0.sigma * eps0) / p0.alpha;
    const double h1 = p1.lambda - p0.lambda;
    const double x1 = (p1.sigma / p0.sigma) * x - p1.alpha * (std::exp(-h1) - 1) * d0;
    const torch::Tensor out1 = dpm.step(torch::full({1, 1, 1, 1}, eps0), 0, torch::full({1, 1, 1, 1}, x));
    EXPECT_NEAR(out1.item<double>(), x1, 1e-6 * std::abs(x1));

    const double eps1 = -0.25;
    const double d1 = (x1 - p1.sigma * eps1) / p1.alpha;
    const double h2 = p2.lambda - p1.lambda, r0 = h1 / h2;
    const double x2 = (p2.sigma / p1.sigma) * x1 - p2.alpha * (std::exp(-h2) - 1) * d1 -
                      0.5 * p2.alpha * (std::exp(-h2) - 1) * (d1 - d0) / r0;
    const torch::Tensor out2 = dpm.step(torch::full({1, 1, 1, 1}, eps1), 1, out1);
    EXPECT_NEAR(out2.item<double>(), x2, 1e-5 * std::abs(x2));
}

// With the exact noise of a known clean sample at every step, both samplers must land on it.
torch::Tensor denoiseTowards(NoiseScheduler& scheduler, const torch::Tensor& clean, const torch::Tensor& noise) {
    const std::vector<double> a = alphasCumprod(NoiseSchedule{});
    torch::Tensor x = noise.clone();
    for (size_t i = 0; i < scheduler.timesteps().size(); ++i) {
        const double at = a[static_cast<size_t>(scheduler.timesteps()[i])];
        const torch::Tensor eps = (x - std::sqrt(at) * clean) / std::sqrt(1 - at);
        x = scheduler.step(eps, i, x);
    }
    return x;
}

TEST(Schedulers, ReachTheCleanSampleWithAPerfectNoisePrediction) {
    torch::manual_seed(3);
    const torch::Tensor clean = torch::rand({1, 4, 8, 8}) - 0.5;
    const torch::Tensor noise = torch::randn({1, 4, 8, 8});
    DpmSolverScheduler dpm(20);
    EXPECT_LT((denoiseTowards(dpm, clean, noise) - clean).abs().max().item<double>(), 1e-4);
    // DDIM keeps the first step's noise estimate and ends at alpha_cumprod[0] (not 1):
    // sqrt(0.99915) clean + sqrt(0.00085) eps_first.
    DdimScheduler ddim(45);
    const double first = 0.006642638015452144;  // alpha_cumprod[969]
    const torch::Tensor epsFirst = (noise - std::sqrt(first) * clean) / std::sqrt(1 - first);
    const torch::Tensor want = std::sqrt(0.99915) * clean + std::sqrt(0.00085) * epsFirst;
    EXPECT_LT((denoiseTowards(ddim, clean, noise) - want).abs().max().item<double>(), 1e-4);
}

TEST(Schedulers, RefuseImpossibleStepCountsAndUnknownNames) {
    EXPECT_THROW(DdimScheduler(0), Error);
    EXPECT_THROW(DpmSolverScheduler(1001), Error);
    EXPECT_THROW(parseSamplerKind("euler"), Error);
    EXPECT_EQ(parseSamplerKind("dpm"), SamplerKind::DpmSolverPlusPlus2M);
}

}  // namespace
}  // namespace pm::engine::diffusion
