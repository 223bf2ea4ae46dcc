// An FFC's local output sums two padded 3x3 convolutions of the input's two channel groups,
// l2l(x_l) + g2l(x_g). With LayoutFusionOptions::localConvsJoined they become one convolution over
// all the input's channels (the weights side by side): fewer, larger cuDNN launches, and the fused
// sum then reads one tensor. The rewrite must paint exactly what the two convolutions paint, and
// leave alone what is not that pattern.
#include <gtest/gtest.h>

#include <string>

#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/cuda.h>
#include <torch/script.h>

#include "core/engine/graph/fused_ops.h"
#include "core/engine/graph/layout_fusion.h"
#include "core/engine/inference_session.h"
#include "tests/engine/fused_kernels_gpu_fixture.h"
#include "tests/engine/graph_counts.h"
#include "tests/engine/tensor_compare.h"

namespace pm::engine {
namespace {

using graph_counts::countNodes;

// An FFC in miniature (8 channels in: local 3, global 5; 10 local channels out, more than
// conv_taps takes) whose local sum is `localSum`; the global output reads x_l's pad too (l2g), as
// in LaMa, so that pad must stay.
const char* kAdjacent =
    "torch.conv2d(torch.reflection_pad2d(xl, [1, 1, 1, 1]), self.w_ll, self.b_ll) + "
    "torch.conv2d(torch.reflection_pad2d(xg, [1, 1, 1, 1]), self.w_gl)";
// The global group's convolution first, both with a bias.
const char* kSwapped =
    "torch.conv2d(torch.reflection_pad2d(xg, [1, 1, 1, 1]), self.w_gl, self.b_gl) + "
    "torch.conv2d(torch.reflection_pad2d(xl, [1, 1, 1, 1]), self.w_ll, self.b_ll)";
// Channel 3 read by neither: the two groups are not side by side.
const char* kGap =
    "torch.conv2d(torch.reflection_pad2d(xl, [1, 1, 1, 1]), self.w_ll) + "
    "torch.conv2d(torch.reflection_pad2d(x[:, 4:], [1, 1, 1, 1]), self.w_gl4)";
// Another pad and kernel size for the global group.
const char* kOtherPad =
    "torch.conv2d(torch.reflection_pad2d(xl, [1, 1, 1, 1]), self.w_ll) + "
    "torch.conv2d(torch.reflection_pad2d(xg, [2, 2, 2, 2]), self.w_gl5)";
// The local group's convolution result read once more (by the output, with kAlsoReadLl).
const char* kReadTwice =
    "torch.conv2d(torch.reflection_pad2d(xl, [1, 1, 1, 1]), self.w_ll)\n"
    "    ll = l\n"
    "    l = ll + torch.conv2d(torch.reflection_pad2d(xg, [1, 1, 1, 1]), self.w_gl)";
const char* kAlsoReadLl = " + ll.mean()";

// `extra` is added to the output.
torch::jit::Module ffc(const std::string& localSum, const std::string& extra = "",
                       double scale = 1.0) {
    torch::manual_seed(21);
    torch::jit::Module module("Ffc");
    module.register_parameter("w_ll", torch::randn({10, 3, 3, 3}) * scale, false);
    module.register_parameter("b_ll", torch::randn({10}), false);
    module.register_parameter("w_gl", torch::randn({10, 5, 3, 3}) * scale, false);
    module.register_parameter("b_gl", torch::randn({10}), false);
    module.register_parameter("w_gl4", torch::randn({10, 4, 3, 3}) * scale, false);
    module.register_parameter("w_gl5", torch::randn({10, 5, 5, 5}) * scale, false);
    module.register_parameter("w_lg", torch::randn({4, 3, 3, 3}) * scale, false);
    module.register_parameter("w_gg", torch::randn({4, 5, 1, 1}) * scale, false);
    module.define(R"(
def forward(self, x):
    xl = x[:, :3]
    xg = x[:, 3:]
    l = )" + localSum + R"(
    g = torch.conv2d(torch.reflection_pad2d(xl, [1, 1, 1, 1]), self.w_lg) + torch.conv2d(xg, self.w_gg)
    return torch.cat([torch.relu(l), torch.relu(g)], 1))" + extra + "\n");
    module.eval();
    return module;
}

LayoutFusionCounts fuse(torch::jit::Module& frozen, bool joined) {
    LayoutFusionOptions options;
    options.localConvsJoined = joined;
    return fuseLayoutsAndPointwise(frozen.get_method("forward").graph(), options);
}

using tensor_compare::relativeError;

TEST(LocalConvsJoined, LocalSumBecomesOneConvolutionOverAllChannels) {
    for (const char* sum : {kAdjacent, kSwapped}) {
        torch::jit::Module module = ffc(sum);
        torch::jit::Module frozen = torch::jit::freeze(module);
        const auto counts = fuse(frozen, true);
        EXPECT_EQ(counts.joinedConvs, 1) << sum;
        EXPECT_EQ(countNodes(frozen, "aten::conv2d"), 2) << sum;  // the joined one and l2g
        // x_l's pad (l2g reads it) and the whole input's; x_g's went.
        EXPECT_EQ(countNodes(frozen, fused::kReflectPad), 2) << sum;
        for (const auto& input : {torch::randn({1, 8, 11, 9}), torch::randn({2, 8, 6, 13})})
            EXPECT_LE(relativeError(frozen.forward({input}).toTensor(),
                                    module.forward({input}).toTensor()),
                      1e-5)
                << sum;
    }
}

TEST(LocalConvsJoined, SwitchedOffTheTwoConvolutionsStay) {
    torch::jit::Module frozen = torch::jit::freeze(ffc(kAdjacent));
    EXPECT_EQ(fuse(frozen, false).joinedConvs, 0);
    EXPECT_EQ(countNodes(frozen, "aten::conv2d"), 3);
    EXPECT_TRUE(GpuSwitches().localConvsJoined) << "the app joins them: faster on the H100 (session 12)";
}

TEST(LocalConvsJoined, OtherSumsOfConvolutionsAreLeftAsTheyAre) {
    for (const char* sum : {kGap, kOtherPad, kReadTwice}) {
        torch::jit::Module module = ffc(sum, sum == kReadTwice ? kAlsoReadLl : "");
        torch::jit::Module frozen = torch::jit::freeze(module);
        EXPECT_EQ(fuse(frozen, true).joinedConvs, 0) << sum;
        const auto input = torch::randn({1, 8, 10, 12});
        EXPECT_LE(relativeError(frozen.forward({input}).toTensor(),
                                module.forward({input}).toTensor()),
                  1e-5)
            << sum;
    }
}

TEST(LocalConvsJoined, RunningTwiceChangesNothingMore) {
    torch::jit::Module frozen = torch::jit::freeze(ffc(kAdjacent));
    fuse(frozen, true);
    const auto again = fuse(frozen, true);
    EXPECT_EQ(again.total(), 0) << again.describe();
}

using SumOp = at::Tensor(at::TensorList, at::TensorList, at::TensorList,
                         const c10::optional<at::Tensor>&);
using SumPadOp = std::vector<at::Tensor>(at::TensorList, at::TensorList, at::TensorList,
                                         const c10::optional<at::Tensor>&, c10::IntArrayRef,
                                         c10::IntArrayRef);

// What the fused sum must give for one part without b: relu(a + bias) + residual, in fp32.
at::Tensor expectedSum(const at::Tensor& a, const at::Tensor& bias, const at::Tensor& residual) {
    return residual.to(at::kFloat) +
           at::relu(a.to(at::kFloat) + bias.to(at::kFloat).reshape({1, -1, 1, 1}));
}

TEST(LocalConvsJoined, SumWithAnEmptyBAddsNothing) {
    fused::registerOperators();
    auto sum = c10::Dispatcher::singleton().findSchemaOrThrow(fused::kReluSumCat, "").typed<SumOp>();
    const auto a = torch::randn({1, 6, 5, 7});
    const auto bias = torch::randn({6});
    const auto residual = torch::randn({1, 6, 5, 7});
    const auto out = sum.call({a}, {at::empty({0})}, {bias}, residual);
    EXPECT_TRUE(at::allclose(out, expectedSum(a, bias, residual), 1e-6, 1e-6));
}

class LocalConvsJoinedGpu : public FusedKernelsGpuTest {};

// The kernels read an empty b as zeros: odd channels (one value a thread), even ones (pairs),
// either layout of a, with and without the pads written by the sum.
TEST_P(LocalConvsJoinedGpu, FusedSumWithAnEmptyBGivesReluOfAPlusBias) {
    auto sum = c10::Dispatcher::singleton().findSchemaOrThrow(fused::kReluSumCat, "").typed<SumOp>();
    auto sumPad = c10::Dispatcher::singleton()
                      .findSchemaOrThrow(fused::kReluSumCatPad, "")
                      .typed<SumPadOp>();
    const std::vector<int64_t> pad{1, 1, 1, 1};
    for (const int64_t channels : {37, 64}) {
        const auto a = torch::randn({1, channels, 6, 14}, options());
        const auto bias = torch::randn({channels}, options());
        const auto residual = torch::randn({1, channels, 6, 14}, options());
        const auto expected = expectedSum(a, bias, residual);
        const auto none = at::empty({0}, options());
        for (const auto& in : {a, a.contiguous(at::MemoryFormat::ChannelsLast)}) {
            const auto out = sum.call({in}, {none}, {bias}, residual);
            EXPECT_LE(relativeError(out, expected), tolerance())
                << channels << " channels, a channels last: " << !in.is_contiguous();
            const auto padded = sumPad.call({in}, {none}, {bias}, residual, pad, {0, channels});
            ASSERT_EQ(padded.size(), 2u);
            EXPECT_LE(relativeError(padded[0], expected), tolerance()) << channels;
            EXPECT_LE(relativeError(padded[1], at::reflection_pad2d(expected, pad)), tolerance())
                << channels;
        }
    }
}

// The joined convolution against the model and against the same graph fused without it.
TEST_P(LocalConvsJoinedGpu, JoinedLocalConvolutionGivesTheTwoConvolutionsOutput) {
    for (const char* sum : {kAdjacent, kSwapped}) {
        torch::jit::Module module = ffc(sum, "", 0.3);
        module.to(at::kCUDA, GetParam());
        const auto input = torch::randn({1, 8, 40, 34}, options());
        const auto reference = module.forward({input}).toTensor();
        torch::jit::Module apart = torch::jit::freeze(module);
        fuse(apart, false);
        torch::jit::Module joined = torch::jit::freeze(module);
        EXPECT_EQ(fuse(joined, true).joinedConvs, 1);
        const auto out = joined.forward({input}).toTensor();
        EXPECT_LE(relativeError(out, reference), tolerance()) << sum;
        EXPECT_LE(relativeError(out, apart.forward({input}).toTensor()), tolerance()) << sum;
    }
}

INSTANTIATE_TEST_SUITE_P(Precisions, LocalConvsJoinedGpu, ::testing::Values(at::kFloat, at::kHalf));

}  // namespace
}  // namespace pm::engine
