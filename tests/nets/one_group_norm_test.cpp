// AnimeGANv2 normalises every layer with nn.GroupNorm(1, C); PhotoMend computes it as a
// whole-tensor reduction (one_group_norm.h) because torch's kernel reduces one group on one GPU
// block. It must give what torch's GroupNorm gives, sample by sample, or the published weights
// would draw another picture.
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "core/engine/nets/one_group_norm.h"

namespace pm::engine::nets {
namespace {

/// Largest |the GPU's way (oneGroupNormByReduction) - torch's GroupNorm(1, C)| for x, with random
/// scale and shift (the module runs torch's kernel on the CPU; the reduction runs on any device).
double largestDifference(const torch::Tensor& x) {
    const int64_t channels = x.size(1);
    const torch::Tensor weight = torch::randn({channels}) * 0.5 + 1, bias = torch::randn({channels});
    const torch::Tensor reference = torch::group_norm(x, 1, weight, bias, 1e-5);
    return (oneGroupNormByReduction(x, weight, bias, 1e-5) - reference).abs().max().item<double>();
}

TEST(OneGroupNorm, EqualsTorchsGroupNormWithOneGroup) {
    torch::manual_seed(5);
    // Few values per sample, where the biased and the unbiased variance differ by 2 %, and an
    // activation-sized one whose mean (3) is large against its spread.
    EXPECT_LT(largestDifference(torch::randn({1, 3, 4, 4})), 1e-4);
    EXPECT_LT(largestDifference(torch::randn({1, 64, 96, 128}) * 2 + 3), 1e-4);
}

TEST(OneGroupNorm, EachSampleOfABatchHasItsOwnStatistics) {
    torch::manual_seed(6);
    // Two samples far apart in mean and spread: statistics over the batch would mix them.
    const torch::Tensor x = torch::cat({torch::randn({1, 8, 5, 7}), torch::randn({1, 8, 5, 7}) * 10 + 40});
    EXPECT_LT(largestDifference(x), 1e-4);
}

TEST(OneGroupNorm, HasTheParameterNamesOfTorchsGroupNorm) {
    OneGroupNorm ours(16);
    torch::nn::GroupNorm torchs(torch::nn::GroupNormOptions(1, 16));
    std::vector<std::string> a, b;
    for (const auto& p : ours->named_parameters()) a.push_back(p.key() + std::string(c10::str(p.value().sizes())));
    for (const auto& p : torchs->named_parameters()) b.push_back(p.key() + std::string(c10::str(p.value().sizes())));
    EXPECT_EQ(a, b);
    EXPECT_EQ(ours->named_buffers().size(), torchs->named_buffers().size());
}

}  // namespace
}  // namespace pm::engine::nets
