// The reflection pads that read a fused sum's output are written by the sum itself
// (graph/pad_fusion.cpp, photomend::relu_sum_cat_pad): in scripted and traced spellings alike, with
// the model's own output on the CPU (ATen ops) and, on a GPU, through the CUDA kernel.
#include <gtest/gtest.h>

#include <limits>
#include <set>
#include <string>

#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/cuda.h>
#include <torch/script.h>

#include "core/engine/graph/fused_ops.h"
#include "core/engine/graph/layout_fusion.h"
#include "core/engine/graph/reflect_targets.h"
#include "core/engine/graph/traced_ops.h"
#include "tests/engine/graph_counts.h"
#include "tests/engine/tensor_compare.h"

namespace pm::engine {
namespace {

using graph_counts::countNodes;

constexpr int64_t kOpen = std::numeric_limits<int64_t>::max();

// Two FFC blocks of LaMa in miniature (local 2 and global 6 channels; a biased relu'd 1x1
// convolution stands in for the spectral transform). The second block pads both channel groups of
// the first block's fused sum: those two pads (x_l's pad is taken twice and merged) go into it.
void addWeights(torch::jit::Module& module) {
    torch::manual_seed(16);
    for (const std::string k : {"1", "2"}) {
        module.register_parameter("w_ll" + k, torch::randn({2, 2, 3, 3}) * 0.3, false);
        module.register_parameter("b_ll" + k, torch::randn({2}) * 0.1, false);
        module.register_parameter("w_gl" + k, torch::randn({2, 6, 3, 3}) * 0.3, false);
        module.register_parameter("w_lg" + k, torch::randn({6, 2, 3, 3}) * 0.3, false);
        module.register_parameter("w_s1" + k, torch::randn({3, 6, 1, 1}) * 0.3, false);
        module.register_parameter("b_s1" + k, torch::randn({3}) * 0.1, false);
        module.register_parameter("w_s2" + k, torch::randn({6, 3, 1, 1}) * 0.3, false);
    }
}

// As torch.jit.script compiles the blocks.
std::string scriptedBlock() {
    return R"(
    xl = x[:, :2]
    xg = x[:, 2:]
    l = torch.conv2d(torch.reflection_pad2d(xl, [1, 1, 1, 1]), self.w_ll@, self.b_ll@) + torch.conv2d(torch.reflection_pad2d(xg, [1, 1, 1, 1]), self.w_gl@)
    s = torch.relu(torch.conv2d(xg, self.w_s1@, self.b_s1@))
    g = torch.conv2d(torch.reflection_pad2d(xl, [1, 1, 1, 1]), self.w_lg@) + torch.conv2d(s, self.w_s2@)
    x = x + torch.cat([torch.relu(l), torch.relu(g)], 1)
)";
}

// As a traced file's code reads: aten::slice with 0 and INT64_MAX for open ends (and, as older
// traces record it, behind a whole-batch slice of dim 0 in the second block), aten::pad,
// aten::_convolution.
std::string tracedBlock(const std::string& k) {
    const std::string local = k == "2" ? "torch.slice(torch.slice(x, 0, 0, 9223372036854775807, 1), 1, 0, 2, 1)"
                                       : "torch.slice(x, 1, 0, 2, 1)";
    return R"(
    xl = )" + local + R"(
    xg = torch.slice(x, 1, 2, 9223372036854775807, 1)
    ll = torch._convolution(torch.pad(xl, [1, 1, 1, 1], "reflect", None), self.w_ll@, self.b_ll@, [1, 1], [0, 0], [1, 1], False, [0, 0], 1, False, False, True, True)
    gl = torch._convolution(torch.pad(xg, [1, 1, 1, 1], "reflect", None), self.w_gl@, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1, False, False, True, True)
    s = torch.relu(torch._convolution(xg, self.w_s1@, self.b_s1@, [1, 1], [0, 0], [1, 1], False, [0, 0], 1, False, False, True, True))
    lg = torch._convolution(torch.pad(xl, [1, 1, 1, 1], "reflect", None), self.w_lg@, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1, False, False, True, True)
    g = torch.add(lg, torch._convolution(s, self.w_s2@, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1, False, False, True, True))
    x = torch.add(x, torch.cat([torch.relu(torch.add(ll, gl)), torch.relu(g)], 1))
)";
}

std::string withSuffix(std::string code, const std::string& k) {
    for (size_t at = code.find('@'); at != std::string::npos; at = code.find('@', at + 1))
        code.replace(at, 1, k);
    return code;
}

torch::jit::Module twoBlocks(bool traced) {
    torch::jit::Module module(traced ? "TracedBlocks" : "ScriptedBlocks");
    addWeights(module);
    std::string source = "\ndef forward(self, x):";
    for (const std::string k : {"1", "2"})
        source += withSuffix(traced ? tracedBlock(k) : scriptedBlock(), k);
    source += "    return x\n";
    module.define(source);
    module.eval();
    return module;
}

// Frozen and respelled as the engine does (traced_ops.h), then the layout fusion.
LayoutFusionCounts rewrite(torch::jit::Module& frozen, bool padsInSums = true) {
    optimizeFrozen(frozen);
    LayoutFusionOptions options;
    options.padsInSums = padsInSums;
    return fuseLayoutsAndPointwise(frozen.get_method("forward").graph(), options);
}

using tensor_compare::relativeError;

class PadsInSums : public ::testing::TestWithParam<bool> {};  // traced spelling or scripted

TEST_P(PadsInSums, SecondBlocksPadsAreWrittenByTheFirstBlocksSum) {
    torch::jit::Module model = twoBlocks(GetParam());
    torch::manual_seed(3);
    const auto x = torch::randn({1, 8, 12, 10});
    const auto reference = model.forward({x}).toTensor();
    torch::jit::Module frozen = torch::jit::freeze_module(model);
    const auto counts = rewrite(frozen);
    EXPECT_EQ(counts.pads, 4);  // per block: x_l's two pads merged, x_g's
    EXPECT_EQ(counts.sums, 4);
    EXPECT_EQ(counts.padsInSums, 2);
    EXPECT_EQ(countNodes(frozen, fused::kReluSumCatPad), 1);
    EXPECT_EQ(countNodes(frozen, fused::kReluSumCat), 1);  // the second block's sum: nothing pads it
    EXPECT_EQ(countNodes(frozen, fused::kReflectPad), 2);  // the first block's: the input is no sum
    const auto output = frozen.forward({x}).toTensor();
    ASSERT_EQ(output.sizes(), reference.sizes());
    EXPECT_LE(relativeError(output, reference), 1e-5);
    // Another size: the pads reflect whatever the sum's size is.
    const auto other = torch::randn({1, 8, 7, 16});
    EXPECT_LE(relativeError(frozen.forward({other}).toTensor(), model.forward({other}).toTensor()),
              1e-5);
}

TEST_P(PadsInSums, SwitchedOffThePadsStayApart) {
    torch::jit::Module frozen = torch::jit::freeze_module(twoBlocks(GetParam()));
    const auto counts = rewrite(frozen, false);
    EXPECT_EQ(counts.padsInSums, 0);
    EXPECT_EQ(countNodes(frozen, fused::kReluSumCatPad), 0);
    EXPECT_EQ(countNodes(frozen, fused::kReflectPad), 4);
}

TEST_P(PadsInSums, RunningTwiceChangesNothingMore) {
    torch::jit::Module frozen = torch::jit::freeze_module(twoBlocks(GetParam()));
    rewrite(frozen);
    const auto again = rewrite(frozen);
    EXPECT_EQ(again.total(), 0) << again.describe();
    EXPECT_EQ(countNodes(frozen, fused::kReluSumCatPad), 1);
}

INSTANTIATE_TEST_SUITE_P(Spellings, PadsInSums, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Traced" : "Scripted"; });

// Every padded position is written exactly once, from the source index it reflects.
TEST(ReflectTargets, EveryPaddedPositionComesFromTheIndexItReflects) {
    for (int n = 2; n <= 9; ++n)
        for (int before = 0; before < n; ++before)
            for (int after = 0; after < n; ++after) {
                std::multiset<int> written;
                for (int i = 0; i < n; ++i) {
                    int targets[3];
                    const int count = kernels::reflectTargets(i, n, before, after, targets);
                    for (int t = 0; t < count; ++t) {
                        const int o = targets[t];
                        ASSERT_GE(o, 0);
                        ASSERT_LT(o, n + before + after);
                        // F.pad's reflection: a mirror at the first and the last index.
                        const int source = o < before        ? before - o
                                           : o >= before + n ? 2 * (n - 1) - (o - before)
                                                             : o - before;
                        EXPECT_EQ(source, i) << "n " << n << " pads " << before << "," << after;
                        written.insert(o);
                    }
                }
                EXPECT_EQ(static_cast<int>(written.size()), n + before + after);
                EXPECT_EQ(std::set<int>(written.begin(), written.end()).size(), written.size());
            }
}

using SumPadOp = std::vector<at::Tensor>(at::TensorList, at::TensorList, at::TensorList,
                                         const c10::optional<at::Tensor>&, c10::IntArrayRef,
                                         c10::IntArrayRef);

c10::TypedOperatorHandle<SumPadOp> sumPadOp() {
    fused::registerOperators();
    return c10::Dispatcher::singleton().findSchemaOrThrow(fused::kReluSumCatPad, "").typed<SumPadOp>();
}

// [relu(cat(a + b + bias)) + residual, reflection pads of its channel ranges], in fp32.
std::vector<at::Tensor> expectedSumPads(const std::vector<at::Tensor>& a,
                                        const std::vector<at::Tensor>& b,
                                        const std::vector<at::Tensor>& bias,
                                        const at::Tensor& residual, std::vector<int64_t> pad,
                                        std::vector<int64_t> ranges) {
    std::vector<at::Tensor> parts;
    for (size_t i = 0; i < a.size(); ++i) {
        at::Tensor sum = a[i].to(at::kFloat) + b[i].to(at::kFloat);
        if (bias[i].numel() > 0) sum = sum + bias[i].to(at::kFloat).reshape({1, -1, 1, 1});
        parts.push_back(at::relu(sum));
    }
    std::vector<at::Tensor> out{at::cat(parts, 1) + residual.to(at::kFloat)};
    for (size_t i = 0; i < ranges.size(); i += 2)
        out.push_back(at::reflection_pad2d(out[0].slice(1, ranges[i], ranges[i + 1]), pad));
    return out;
}

TEST(ReluSumCatPad, CpuGivesTheSumAndThePadsOfItsRanges) {
    torch::manual_seed(8);
    const auto a = torch::randn({2, 6, 5, 7}), b = torch::randn({2, 6, 5, 7});
    const auto a2 = torch::randn({2, 4, 5, 7}), b2 = torch::randn({2, 4, 5, 7});
    const auto bias = torch::randn({6}), none = at::empty({0});
    const auto residual = torch::randn({2, 10, 5, 7});
    const std::vector<int64_t> pad{1, 2, 3, 0}, ranges{0, 3, 6, kOpen};
    const auto out = sumPadOp().call({a, a2}, {b, b2}, {bias, none}, residual, pad, ranges);
    const auto expected = expectedSumPads({a, a2}, {b, b2}, {bias, none}, residual, pad, ranges);
    ASSERT_EQ(out.size(), 3u);
    for (size_t i = 0; i < out.size(); ++i) {
        ASSERT_EQ(out[i].sizes(), expected[i].sizes()) << i;
        EXPECT_LE(relativeError(out[i], expected[i]), 1e-6) << i;
    }
    EXPECT_EQ(out[2].size(1), 4);  // an open end stops at the last channel
    EXPECT_TRUE(out[1].is_contiguous(at::MemoryFormat::ChannelsLast));
}

class ReluSumCatPadGpu : public ::testing::TestWithParam<at::ScalarType> {
protected:
    void SetUp() override {
        if (!torch::cuda::is_available() || !fused::haveCudaKernels())
            GTEST_SKIP() << "needs a GPU and the fused CUDA kernels";
    }
    at::TensorOptions options() const { return at::TensorOptions(at::kCUDA).dtype(GetParam()); }
    double tolerance() const { return GetParam() == at::kHalf ? 2e-3 : 1e-6; }
};

// The kernel (even channel ranges) and its fallback (odd ones), with either layout, several parts,
// a residual and uneven pads, against the sum and pads done apart in fp32.
TEST_P(ReluSumCatPadGpu, KernelWritesTheSumAndEveryReflectedPosition) {
    torch::manual_seed(9);
    const auto cl = at::MemoryFormat::ChannelsLast;
    const auto a1 = torch::randn({1, 64, 9, 14}, options()).contiguous(cl);
    const auto b1 = torch::randn({1, 64, 9, 14}, options());
    const auto a2 = torch::randn({1, 6, 9, 14}, options());
    const auto b2 = torch::randn({1, 6, 9, 14}, options()).contiguous(cl);
    const auto bias1 = torch::randn({64}, options()), none = at::empty({0}, options());
    const auto residual = torch::randn({1, 70, 9, 14}, options());
    const std::vector<int64_t> pad{1, 1, 1, 1}, uneven{3, 1, 2, 0};
    for (const auto& [amounts, ranges] :
         {std::pair{pad, std::vector<int64_t>{0, 16, 16, kOpen}},  // LaMa's: l and g
          std::pair{uneven, std::vector<int64_t>{0, 2, 60, 70, 10, 40}},
          std::pair{pad, std::vector<int64_t>{1, 3}}}) {  // odd: the fallback
        const auto out =
            sumPadOp().call({a1, a2}, {b1, b2}, {bias1, none}, residual, amounts, ranges);
        const auto expected =
            expectedSumPads({a1, a2}, {b1, b2}, {bias1, none}, residual, amounts, ranges);
        ASSERT_EQ(out.size(), expected.size());
        EXPECT_TRUE(out[0].is_contiguous());
        for (size_t i = 0; i < out.size(); ++i) {
            ASSERT_EQ(out[i].sizes(), expected[i].sizes()) << i;
            EXPECT_LE(relativeError(out[i], expected[i]), tolerance())
                << "output " << i << " of ranges starting " << ranges[0];
            if (i > 0) EXPECT_TRUE(out[i].is_contiguous(cl));
        }
        // The padded copies hold exactly the sum's rounded values.
        for (size_t i = 1; i < out.size(); ++i)
            EXPECT_TRUE(at::equal(out[i], at::reflection_pad2d(out[0].slice(1, ranges[2 * i - 2],
                                                                            ranges[2 * i - 1]),
                                                               amounts)))
                << i;
    }
}

INSTANTIATE_TEST_SUITE_P(Precisions, ReluSumCatPadGpu, ::testing::Values(at::kFloat, at::kHalf));

}  // namespace
}  // namespace pm::engine
