// A model made with torch.jit.trace (IOPaint's big-lama.pt is one) must get every rewrite that the
// same network made with torch.jit.script gets, and still paint the same. The traced model here is
// written as a traced file's code reads once loaded (its serialized code is TorchScript too):
// aten::_convolution in torch 2.x's 13-argument and torch 1.x's 12-argument forms, aten::pad
// (2.x) and aten::reflection_pad2d (1.x), batch norms with cudnn_enabled, and the Fourier unit's
// sizes as tensors: aten::size -> prim::NumToTensor -> floor division by a 0-dim constant made on
// the CPU (here a buffer, which freezing makes a constant, as trace's CONSTANTS.c0) -> aten::Int.
#include <gtest/gtest.h>

#include <string>

#include <torch/csrc/jit/frontend/resolver.h>
#include <torch/csrc/jit/frontend/sugared_value.h>
#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/script.h>

#include "core/engine/graph/batch_norm_fold.h"
#include "core/engine/graph/half_precision.h"
#include "core/engine/graph/layout_fusion.h"
#include "core/engine/graph/traced_ops.h"
#include "core/engine/graph/transposed_conv_rewrite.h"
#include "tests/engine/graph_counts.h"
#include "tests/engine/tensor_compare.h"

namespace pm::engine {
namespace {

using graph_counts::countNodes;

// big-LaMa in miniature: a reflection-padded 7x7 stem, a stride-2 convolution, one FFC block (local
// 4 and global 12 channels, a spectral transform with a Fourier unit), a transposed convolution
// back up, a reflection-padded 7x7 convolution to 3 channels. Batch norms after each.
void addWeights(torch::jit::Module& module) {
    torch::manual_seed(16);
    auto conv = [&](const std::string& name, std::vector<int64_t> shape) {
        module.register_parameter(name, torch::randn(shape) * 0.3, false);
    };
    auto bn = [&](const std::string& name, int64_t channels) {
        module.register_parameter(name + "_g", torch::rand({channels}) + 0.5, false);
        module.register_parameter(name + "_b", torch::randn({channels}) * 0.1, false);
        module.register_buffer(name + "_m", torch::randn({channels}) * 0.1);
        module.register_buffer(name + "_v", torch::rand({channels}) + 0.5);
    };
    conv("w_in", {8, 4, 7, 7}), bn("bn_in", 8);
    conv("w_down", {16, 8, 3, 3}), bn("bn_down", 16);
    conv("w_ll", {4, 4, 3, 3}), conv("w_gl", {4, 12, 3, 3}), conv("w_lg", {12, 4, 3, 3});
    bn("bn_l", 4), bn("bn_g", 12);
    conv("w_s1", {6, 12, 1, 1}), bn("bn_s1", 6);
    conv("w_fu", {12, 12, 1, 1}), bn("bn_fu", 12);
    conv("w_s2", {12, 6, 1, 1});
    conv("w_up", {16, 8, 3, 3}), bn("bn_up", 8);
    conv("w_out", {3, 8, 7, 7});
    module.register_parameter("b_out", torch::randn({3}) * 0.1, false);
    module.register_buffer("two", torch::tensor(2, torch::kLong));  // trace's CONSTANTS.c0
}

// The network as torch.jit.script compiles it (the project's twin, bench/gpu/make_lama_like.py).
const char* kScripted = R"(
def forward(self, image, mask):
    x = torch.cat([image * (1 - mask), mask], 1)
    x = torch.relu(torch.batch_norm(torch.conv2d(torch.reflection_pad2d(x, [3, 3, 3, 3]), self.w_in), self.bn_in_g, self.bn_in_b, self.bn_in_m, self.bn_in_v, False, 0.1, 1e-5, False))
    x = torch.relu(torch.batch_norm(torch.conv2d(x, self.w_down, None, [2, 2], [1, 1]), self.bn_down_g, self.bn_down_b, self.bn_down_m, self.bn_down_v, False, 0.1, 1e-5, False))
    xl = x[:, :4]
    xg = x[:, 4:]
    l = torch.conv2d(torch.reflection_pad2d(xl, [1, 1, 1, 1]), self.w_ll) + torch.conv2d(torch.reflection_pad2d(xg, [1, 1, 1, 1]), self.w_gl)
    l = torch.relu(torch.batch_norm(l, self.bn_l_g, self.bn_l_b, self.bn_l_m, self.bn_l_v, False, 0.1, 1e-5, False))
    s = torch.relu(torch.batch_norm(torch.conv2d(xg, self.w_s1), self.bn_s1_g, self.bn_s1_b, self.bn_s1_m, self.bn_s1_v, False, 0.1, 1e-5, False))
    b = s.size(0)
    h = s.size(2)
    w = s.size(3)
    ff = torch.fft_rfftn(s, None, [-2, -1], "ortho")
    ff = torch.stack([torch.real(ff), torch.imag(ff)], -1)
    ff = ff.permute(0, 1, 4, 2, 3).contiguous().view(b, -1, h, w // 2 + 1)
    ff = torch.relu(torch.batch_norm(torch.conv2d(ff, self.w_fu), self.bn_fu_g, self.bn_fu_b, self.bn_fu_m, self.bn_fu_v, False, 0.1, 1e-5, False))
    ff = ff.view(b, -1, 2, h, w // 2 + 1).permute(0, 1, 3, 4, 2).contiguous()
    ff = torch.complex(ff[..., 0], ff[..., 1])
    fu = torch.fft_irfftn(ff, [h, w], [-2, -1], "ortho")
    g = torch.conv2d(torch.reflection_pad2d(xl, [1, 1, 1, 1]), self.w_lg) + torch.conv2d(s + fu, self.w_s2)
    g = torch.relu(torch.batch_norm(g, self.bn_g_g, self.bn_g_b, self.bn_g_m, self.bn_g_v, False, 0.1, 1e-5, False))
    x = x + torch.cat([l, g], 1)
    x = torch.relu(torch.batch_norm(torch.conv_transpose2d(x, self.w_up, None, [2, 2], [1, 1], [1, 1]), self.bn_up_g, self.bn_up_b, self.bn_up_m, self.bn_up_v, False, 0.1, 1e-5, False))
    return torch.sigmoid(torch.conv2d(torch.reflection_pad2d(x, [3, 3, 3, 3]), self.w_out, self.b_out))
)";

// The same network as torch.jit.trace records it: 2.x spellings in the stem and the FFC block,
// 1.x ones (12-argument _convolution, reflection_pad2d) in the down and up steps.
const char* kTraced = R"(
def forward(self, image, mask):
    x = torch.cat([torch.mul(image, torch.rsub(mask, 1)), mask], 1)
    x = torch._convolution(torch.pad(x, [3, 3, 3, 3], "reflect", None), self.w_in, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1, False, False, True, True)
    x = torch.relu_(torch.batch_norm(x, self.bn_in_g, self.bn_in_b, self.bn_in_m, self.bn_in_v, False, 0.1, 1e-05, True))
    x = torch._convolution(x, self.w_down, None, [2, 2], [1, 1], [1, 1], False, [0, 0], 1, False, False, True)
    x = torch.relu_(torch.batch_norm(x, self.bn_down_g, self.bn_down_b, self.bn_down_m, self.bn_down_v, False, 0.1, 1e-05, True))
    xl = torch.slice(x, 1, 0, 4, 1)
    xg = torch.slice(x, 1, 4, 9223372036854775807, 1)
    ll = torch._convolution(torch.pad(xl, [1, 1, 1, 1], "reflect", None), self.w_ll, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1, False, False, True, True)
    gl = torch._convolution(torch.pad(xg, [1, 1, 1, 1], "reflect", None), self.w_gl, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1, False, False, True, True)
    l = torch.relu(torch.batch_norm(torch.add(ll, gl), self.bn_l_g, self.bn_l_b, self.bn_l_m, self.bn_l_v, False, 0.1, 1e-05, True))
    s = torch._convolution(xg, self.w_s1, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1, False, False, True, True)
    s = torch.relu_(torch.batch_norm(s, self.bn_s1_g, self.bn_s1_b, self.bn_s1_m, self.bn_s1_v, False, 0.1, 1e-05, True))
    b = prim.NumToTensor(torch.size(s, 0))
    h = prim.NumToTensor(torch.size(s, 2))
    w = prim.NumToTensor(torch.size(s, 3))
    ff = torch.fft_rfftn(s, None, [-2, -1], "ortho")
    ff = torch.stack([torch.real(ff), torch.imag(ff)], -1)
    half = torch.add(torch.floor_divide(w, self.two), 1, 1)
    ff = torch.view(torch.contiguous(torch.permute(ff, [0, 1, 4, 2, 3])), [int(b), -1, int(h), int(half)])
    ff = torch._convolution(ff, self.w_fu, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1, False, False, True, True)
    ff = torch.relu(torch.batch_norm(ff, self.bn_fu_g, self.bn_fu_b, self.bn_fu_m, self.bn_fu_v, False, 0.1, 1e-05, True))
    half2 = torch.add(torch.div(w, 2, rounding_mode="floor"), 1, 1)
    ff = torch.contiguous(torch.permute(torch.view(ff, [int(b), -1, 2, int(h), int(half2)]), [0, 1, 3, 4, 2]))
    ff = torch.complex(torch.select(ff, 4, 0), torch.select(ff, 4, 1))
    fu = torch.fft_irfftn(ff, [int(h), int(w)], [-2, -1], "ortho")
    g = torch.add(torch._convolution(torch.pad(xl, [1, 1, 1, 1], "reflect", None), self.w_lg, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1, False, False, True, True),
                  torch._convolution(torch.add(s, fu), self.w_s2, None, [1, 1], [0, 0], [1, 1], False, [0, 0], 1, False, False, True, True))
    g = torch.relu(torch.batch_norm(g, self.bn_g_g, self.bn_g_b, self.bn_g_m, self.bn_g_v, False, 0.1, 1e-05, True))
    x = torch.add(x, torch.cat([l, g], 1))
    x = torch._convolution(x, self.w_up, None, [2, 2], [1, 1], [1, 1], True, [1, 1], 1, False, False, True)
    x = torch.relu_(torch.batch_norm(x, self.bn_up_g, self.bn_up_b, self.bn_up_m, self.bn_up_v, False, 0.1, 1e-05, True))
    x = torch.reflection_pad2d(x, [3, 3, 3, 3])
    return torch.sigmoid(torch._convolution(x, self.w_out, self.b_out, [1, 1], [0, 0], [1, 1], False, [0, 0], 1, False, False, True, True))
)";

// A traced file's code calls prim::NumToTensor as ops.prim.NumToTensor, which its importer
// resolves; here `prim` names the builtin namespace.
struct TracedCodeResolver : torch::jit::Resolver {
    std::shared_ptr<torch::jit::SugaredValue> resolveValue(const std::string& name,
                                                           torch::jit::GraphFunction& function,
                                                           const torch::jit::SourceRange& loc) override {
        if (name == "prim") return std::make_shared<torch::jit::BuiltinModule>("prim");
        return torch::jit::nativeResolver()->resolveValue(name, function, loc);
    }
};

torch::jit::Module miniLama(const char* source) {
    torch::jit::Module module("MiniLama");
    addWeights(module);
    module.define(source, std::make_shared<TracedCodeResolver>());
    module.eval();
    return module;
}

// What the engine's GPU path does to a model after loading it, with every count.
struct Rewritten {
    torch::jit::Module module;
    TracedOpCounts traced;
    int foldedAfterSums = 0, foldedIntoTransposed = 0;
    LayoutFusionCounts layout;
};

Rewritten rewriteLikeTheEngine(const torch::jit::Module& model,
                               const LayoutFusionOptions& options = {}) {
    Rewritten out{torch::jit::freeze_module(model)};
    out.traced = optimizeFrozen(out.module);
    auto graph = out.module.get_method("forward").graph();
    std::string whyNot;
    out.foldedAfterSums = foldBatchNormAfterConvSum(graph, &whyNot);
    out.foldedIntoTransposed = foldBatchNormIntoTransposedConv(graph);
    out.layout = fuseLayoutsAndPointwise(graph, options);
    return out;
}

std::vector<c10::IValue> inputs() {
    torch::manual_seed(3);
    return {torch::rand({1, 3, 24, 20}), (torch::rand({1, 1, 24, 20}) > 0.7).to(torch::kFloat)};
}

using tensor_compare::relativeError;

TEST(TracedOps, BothSpellingsComputeTheSameNetwork) {
    const auto scripted = miniLama(kScripted).forward(inputs()).toTensor();
    const auto traced = miniLama(kTraced).forward(inputs()).toTensor();
    EXPECT_LE(relativeError(traced, scripted), 1e-5);
}

TEST(TracedOps, TracedSpellingBecomesTheScriptedOne) {
    const Rewritten traced = rewriteLikeTheEngine(miniLama(kTraced));
    EXPECT_EQ(traced.traced.convolutions, 9);  // both 12- and 13-argument forms
    EXPECT_EQ(traced.traced.transposedConvolutions, 1);
    // (w // 2 + 1) twice at least; int(NumToTensor(size)) libtorch 1.13's compiler already undoes.
    EXPECT_GE(traced.traced.sizeInts, 2);
    EXPECT_EQ(countNodes(traced.module, "aten::_convolution"), 0);
    EXPECT_EQ(countNodes(traced.module, "aten::Int"), 0);
    EXPECT_EQ(countNodes(traced.module, "prim::NumToTensor"), 0);
    EXPECT_EQ(countNodes(traced.module, "aten::floor_divide"), 0);
}

TEST(TracedOps, TracedModelGetsEveryRewriteTheScriptedOneGets) {
    const Rewritten scripted = rewriteLikeTheEngine(miniLama(kScripted));
    const Rewritten traced = rewriteLikeTheEngine(miniLama(kTraced));
    EXPECT_EQ(scripted.traced.total(), 0);
    // Freezing folds the batch norms right after a convolution (stem, down, 1x1s): none is left
    // but the two after conv sums and the one after the transposed convolution, which ours fold.
    EXPECT_EQ(countNodes(traced.module, "aten::batch_norm"), 0);
    EXPECT_EQ(countNodes(scripted.module, "aten::batch_norm"), 0);
    EXPECT_EQ(traced.foldedAfterSums, 2);
    EXPECT_EQ(traced.foldedAfterSums, scripted.foldedAfterSums);
    EXPECT_EQ(traced.foldedIntoTransposed, 1);
    EXPECT_EQ(traced.foldedIntoTransposed, scripted.foldedIntoTransposed);
    EXPECT_EQ(traced.layout.describe(), scripted.layout.describe());
    EXPECT_EQ(traced.layout.pads, 4);  // the stem's, x_l's (merged), x_g's, the last layer's
    EXPECT_GE(traced.layout.sums, 2);
    EXPECT_EQ(traced.layout.conv1x1, scripted.layout.conv1x1);
    EXPECT_EQ(traced.layout.spectra, 2);
    EXPECT_EQ(traced.layout.convTaps, 1);  // the 8 -> 3 last layer
    EXPECT_EQ(traced.layout.biasReluPads, 1);  // the transposed convolution's, in that pad
}

// l2l(x_l) + g2l(x_g) as one convolution (engine_bench --switch local_convs_joined=1) in both
// spellings: the traced x[:, 4:] slices to INT64_MAX, the scripted one to None.
TEST(TracedOps, BothSpellingsGetTheJoinedLocalConvolution) {
    LayoutFusionOptions options;
    options.localConvsJoined = true;
    for (const char* source : {kScripted, kTraced}) {
        torch::jit::Module model = miniLama(source);
        const auto reference = model.forward(inputs()).toTensor();
        Rewritten rewritten = rewriteLikeTheEngine(model, options);
        EXPECT_EQ(rewritten.layout.joinedConvs, 1) << (source == kTraced ? "traced" : "scripted");
        EXPECT_LE(relativeError(rewritten.module.forward(inputs()).toTensor(), reference), 1e-4);
    }
}

// The Fourier unit's inverse FFT overwrites its spectrum (irfft2_consuming) in both spellings: the
// traced s = [int(h), int(w)] of sizes as tensors, the scripted [h, w]. Nothing else reads it.
TEST(TracedOps, BothSpellingsLetTheInverseFftConsumeItsSpectrum) {
    for (const char* source : {kScripted, kTraced}) {
        const char* spelling = source == kTraced ? "traced" : "scripted";
        torch::jit::Module model = miniLama(source);
        const auto reference = model.forward(inputs()).toTensor();
        Rewritten rewritten = rewriteLikeTheEngine(model);
        EXPECT_EQ(rewritten.layout.consumedSpectra, 1) << spelling;
        EXPECT_EQ(countNodes(rewritten.module, "photomend::irfft2_consuming"), 1) << spelling;
        EXPECT_EQ(countNodes(rewritten.module, "aten::fft_irfftn"), 0) << spelling;
        EXPECT_LE(relativeError(rewritten.module.forward(inputs()).toTensor(), reference), 1e-4)
            << spelling;
    }
}

// What copies the engine's fp16 graph keeps around the Fourier unit, in both spellings: only the
// cast of the spectrum to complex64 before the inverse FFT, which hands back its input. The fp32
// copy of the unit's fp16 input for rfftn is written by the 1x1 convolution that makes it
// (conv1x1_widened); no contiguous or clone; the inverse FFT consumes the spectrum, so no hidden
// copy inside it either.
TEST(TracedOps, Fp16FourierUnitKeepsNoCopy) {
    for (const char* source : {kScripted, kTraced}) {
        const char* spelling = source == kTraced ? "traced" : "scripted";
        torch::jit::Module frozen = torch::jit::freeze_module(miniLama(source));
        optimizeFrozen(frozen);
        std::string whyNot;
        foldBatchNormAfterConvSum(frozen.get_method("forward").graph(), &whyNot);
        foldBatchNormIntoTransposedConv(frozen.get_method("forward").graph());
        torch::jit::Module half = graph::halfCopy(frozen, torch::kCPU);  // as on the GPU
        const auto counts = fuseLayoutsAndPointwise(half.get_method("forward").graph());
        EXPECT_EQ(counts.consumedSpectra, 1) << spelling;
        EXPECT_EQ(counts.widenedCasts, 1) << spelling;
        EXPECT_EQ(countNodes(half, "photomend::conv1x1_widened"), 1) << spelling;
        EXPECT_EQ(countNodes(half, "aten::to"), 1) << spelling;
        EXPECT_EQ(countNodes(half, "aten::contiguous"), 0) << spelling;
        EXPECT_EQ(countNodes(half, "aten::clone"), 0) << spelling;
        EXPECT_EQ(countNodes(half, "aten::fft_irfftn"), 0) << spelling;
        EXPECT_EQ(countNodes(half, "photomend::add_widened"), 1) << spelling;  // no cast back
    }
}

TEST(TracedOps, RewrittenTracedModelPaintsWhatTheModelPaints) {
    torch::jit::Module model = miniLama(kTraced);
    const auto reference = model.forward(inputs()).toTensor();
    Rewritten traced = rewriteLikeTheEngine(model);
    ASSERT_GT(traced.layout.total(), 0);
    const auto output = traced.module.forward(inputs()).toTensor();
    ASSERT_EQ(output.sizes(), reference.sizes());
    EXPECT_LE(relativeError(output, reference), 1e-4);
    // Another size: the sizes stay read off the input, not frozen at the first one's.
    const std::vector<c10::IValue> other{torch::rand({1, 3, 16, 32}), torch::ones({1, 1, 16, 32})};
    EXPECT_LE(relativeError(traced.module.forward(other).toTensor(), model.forward(other).toTensor()),
              1e-4);
}

TEST(TracedOps, CpuTransposedConvRewriteReadsTracedGraphs) {
    torch::jit::Module frozen = torch::jit::freeze_module(miniLama(kTraced));
    optimizeFrozen(frozen);
    EXPECT_EQ(rewriteTransposedConvsAsSubpixel(frozen.get_method("forward").graph()), 1);
}

}  // namespace
}  // namespace pm::engine
