// The copies around LaMa's Fourier units that the GPU path's rewrite removes, never changing a value:
// - the inverse FFT may overwrite its spectrum instead of ATen's copy of it
//   (photomend::irfft2_consuming, inverseFftConsumesSpectrum): only where the spectrum is the
//   unit's own, just made, and read by nothing else. A spectrum read elsewhere, or handed in by the
//   caller, must come back untouched;
// - the fp32 copy of the unit's fp16 input for rfftn is written by the 1x1 convolution's bias + relu
//   pass (photomend::conv1x1_widened, castsInPointwiseConvs): the same values as the cast.
#include <gtest/gtest.h>

#include <iostream>
#include <string>
#include <tuple>
#include <vector>

#include <ATen/Context.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/cuda.h>
#include <torch/script.h>

#include "core/engine/cuda_support.h"
#include "core/engine/graph/fused_ops.h"
#include "core/engine/graph/half_precision.h"
#include "core/engine/graph/layout_fusion.h"
#include "tests/engine/graph_counts.h"
#include "tests/engine/tensor_compare.h"

namespace pm::engine {
namespace {

using graph_counts::countNodes;

// LaMa's Fourier unit (spectrum -> channels, 1x1 convolution + relu, channels -> spectrum, inverse
// FFT); `tail` is what it returns, `fu` being the inverse FFT's output and `ff` the spectrum. With
// `convFirst`, x is first replaced by relu(conv1x1(x)), as in LaMa's spectral transform.
torch::jit::Module fourierUnit(const std::string& tail = "fu", bool convFirst = false) {
    torch::manual_seed(9);
    torch::jit::Module module("FourierUnit");
    module.register_parameter("w", torch::randn({6, 6, 1, 1}) * 0.3, false);
    module.register_parameter("b", torch::randn({6}) * 0.1, false);
    module.register_parameter("w0", torch::randn({3, 3, 1, 1}) * 0.5, false);
    module.register_parameter("b0", torch::randn({3}) * 0.1, false);
    const std::string head =
        convFirst ? "    x = torch.relu(torch.conv2d(x, self.w0, self.b0))\n" : "";
    module.define(R"(
def forward(self, x):
)" + head + R"(    b = x.size(0)
    h = x.size(2)
    w = x.size(3)
    ff = torch.fft_rfftn(x, None, [-2, -1], "ortho")
    ff = torch.stack([torch.real(ff), torch.imag(ff)], -1)
    ff = ff.permute(0, 1, 4, 2, 3).contiguous().view(b, -1, h, w // 2 + 1)
    ff = torch.relu(torch.conv2d(ff, self.w, self.b))
    ff = ff.view(b, -1, 2, h, w // 2 + 1).permute(0, 1, 3, 4, 2).contiguous()
    ff = torch.complex(ff[..., 0], ff[..., 1])
    fu = torch.fft_irfftn(ff, [h, w], [-2, -1], "ortho")
    return )" + tail + "\n");
    module.eval();
    return module;
}

LayoutFusionCounts fuse(torch::jit::Module& frozen, bool consume = true) {
    LayoutFusionOptions options;
    options.inverseFftConsumesSpectrum = consume;
    LayoutFusionCounts total;
    for (const auto& method : frozen.get_methods())
        total += fuseLayoutsAndPointwise(method.graph(), options);
    return total;
}

using tensor_compare::relativeError;

// A complex tensor's parts as a real tensor, to compare values.
at::Tensor asReal(const at::Tensor& t) { return t.is_complex() ? at::view_as_real(t) : t; }

using Irfft2 = at::Tensor(at::Tensor&, c10::IntArrayRef, c10::optional<c10::string_view>);

c10::TypedOperatorHandle<Irfft2> irfft2Consuming() {
    fused::registerOperators();
    return c10::Dispatcher::singleton()
        .findSchemaOrThrow(fused::kIrfft2Consuming, "")
        .typed<Irfft2>();
}

at::Tensor torchIrfft2(const at::Tensor& z, c10::IntArrayRef s,
                       c10::optional<c10::string_view> norm) {
    return at::fft_irfftn(z, s, std::vector<int64_t>{-2, -1}, norm);
}

TEST(InverseFftRewrite, FourierUnitsOwnSpectrumIsConsumedByItsInverseFft) {
    torch::jit::Module module = fourierUnit();
    const auto input = torch::randn({1, 3, 12, 10});
    const auto reference = module.forward({input}).toTensor();
    torch::jit::Module frozen = torch::jit::freeze(module);
    const auto counts = fuse(frozen);
    EXPECT_EQ(counts.spectra, 2);  // channels_to_spectrum made the spectrum the FFT consumes
    EXPECT_EQ(counts.consumedSpectra, 1);
    EXPECT_EQ(countNodes(frozen, fused::kIrfft2Consuming), 1);
    EXPECT_EQ(countNodes(frozen, "aten::fft_irfftn"), 0);
    EXPECT_LE(relativeError(frozen.forward({input}).toTensor(), reference), 1e-5);
    // Another size: s stays read off the input.
    const auto other = torch::randn({2, 3, 8, 15});
    EXPECT_LE(relativeError(frozen.forward({other}).toTensor(),
                            module.forward({other}).toTensor()),
              1e-5);
}

// The engine's fp16 path casts the spectrum to complex64 before the FFT (keepFftInFloat): a cast
// that hands back its input when it already is complex64, so the consumed tensor is still the unit's.
TEST(InverseFftRewrite, SpectrumIsConsumedThroughTheEnginesCast) {
    torch::jit::Module module = fourierUnit();
    const auto input = torch::randn({1, 3, 12, 10});
    const auto reference = module.forward({input}).toTensor();
    torch::jit::Module frozen = torch::jit::freeze(module);
    graph::keepFftInFloat(frozen, false);
    EXPECT_EQ(fuse(frozen).consumedSpectra, 1);
    EXPECT_EQ(countNodes(frozen, fused::kIrfft2Consuming), 1);
    EXPECT_LE(relativeError(frozen.forward({input}).toTensor(), reference), 1e-5);
}

// A spectrum with another reader (a statistic of it, or returned as well) keeps ATen's irfftn,
// which copies it: its reader must see it as made.
TEST(InverseFftRewrite, SpectrumReadElsewhereIsNotConsumed) {
    for (const std::string tail : {"fu + torch.real(ff).mean()", "(fu, ff)", "(fu, ff.abs())"}) {
        torch::jit::Module module = fourierUnit(tail);
        const auto input = torch::randn({1, 3, 12, 10});
        const auto reference = module.forward({input});
        torch::jit::Module frozen = torch::jit::freeze(module);
        EXPECT_EQ(fuse(frozen).consumedSpectra, 0) << tail;
        EXPECT_EQ(countNodes(frozen, fused::kIrfft2Consuming), 0) << tail;
        EXPECT_EQ(countNodes(frozen, "aten::fft_irfftn"), 1) << tail;
        const auto out = frozen.forward({input});
        if (reference.isTensor()) {
            EXPECT_LE(relativeError(out.toTensor(), reference.toTensor()), 1e-5) << tail;
        } else {
            const auto got = out.toTuple()->elements(), want = reference.toTuple()->elements();
            for (size_t i = 0; i < want.size(); ++i)
                EXPECT_LE(relativeError(asReal(got[i].toTensor()), asReal(want[i].toTensor())),
                          1e-5)
                    << tail << ", output " << i;
        }
    }
}

// The caller's tensor is never overwritten, nor a spectrum of unknown origin.
TEST(InverseFftRewrite, CallersSpectrumIsNotConsumed) {
    torch::jit::Module module("InverseOnly");
    module.define(R"(
def forward(self, z, y):
    a = torch.fft_irfftn(z, [8, 10], [-2, -1], "ortho")
    return a + torch.fft_irfftn(torch.fft_rfftn(y, None, [-2, -1], "backward"), [8, 10], [-2, -1], None)
)");
    module.eval();
    EXPECT_EQ(fuse(module).consumedSpectra, 0);
    EXPECT_EQ(countNodes(module, "aten::fft_irfftn"), 2);
}

TEST(InverseFftRewrite, SwitchedOffTheInverseFftCopiesAsBefore) {
    torch::jit::Module frozen = torch::jit::freeze(fourierUnit());
    const auto counts = fuse(frozen, false);
    EXPECT_EQ(counts.spectra, 2);
    EXPECT_EQ(counts.consumedSpectra, 0);
    EXPECT_EQ(countNodes(frozen, "aten::fft_irfftn"), 1);
    EXPECT_EQ(fuse(frozen).consumedSpectra, 1);  // and a second run with the switch on takes it
    EXPECT_EQ(fuse(frozen).total(), 0);          // a third changes nothing more
}

// On the CPU the operator is torch's irfftn, for every norm and both parities of the width.
TEST(Irfft2Consuming, CpuGivesTorchsIrfftn) {
    auto op = irfft2Consuming();
    torch::manual_seed(2);
    for (const auto& s : {std::vector<int64_t>{12, 10}, std::vector<int64_t>{9, 7}}) {
        for (const c10::optional<std::string> norm :
             {c10::optional<std::string>("ortho"), c10::optional<std::string>("forward"),
              c10::optional<std::string>("backward"), c10::optional<std::string>()}) {
            const auto z = torch::randn({2, 3, s[0], s[1] / 2 + 1}, torch::kComplexFloat);
            const c10::optional<c10::string_view> n =
                norm ? c10::optional<c10::string_view>(*norm) : c10::nullopt;
            const auto reference = torchIrfft2(z, s, n);
            at::Tensor consumed = z.clone();
            EXPECT_TRUE(at::equal(op.call(consumed, s, n), reference)) << norm.value_or("None");
        }
    }
}

using Conv1x1Widened = std::tuple<at::Tensor, at::Tensor>(const at::Tensor&, const at::Tensor&,
                                                           const c10::optional<at::Tensor>&, bool);
using Conv1x1 = at::Tensor(const at::Tensor&, const at::Tensor&, const c10::optional<at::Tensor>&,
                           bool);

// A 1x1 convolution with fp16 weights, with relu, whose result is also read in fp32 (the
// engine's cast before rfftn in the fp16 graph) by a second output: both stay as they were.
// With `between`, a statement run between the convolution and the cast.
torch::jit::Module castOfAConv(at::ScalarType type, const std::string& between = "") {
    torch::manual_seed(12);
    torch::jit::Module module("CastOfAConv");
    module.register_parameter("w", (torch::randn({6, 4, 1, 1}) * 0.3).to(type), false);
    module.register_parameter("b", (torch::randn({6}) * 0.1).to(type), false);
    module.define(R"(
def forward(self, x):
    y = torch.relu(torch.conv2d(x, self.w, self.b))
)" + (between.empty() ? "" : "    " + between + "\n") + R"(    return (y.to(6) * 2.0, y + 1.0)
)");
    module.eval();
    return module;
}

TEST(FftInputCast, HalfConvolutionsCastIsWrittenByItsBiasPass) {
    torch::jit::Module frozen = torch::jit::freeze(castOfAConv(at::kHalf));
    const auto counts = fuse(frozen);
    EXPECT_EQ(counts.conv1x1, 1);
    EXPECT_EQ(counts.widenedCasts, 1);
    EXPECT_EQ(countNodes(frozen, fused::kConv1x1Widened), 1);
    EXPECT_EQ(countNodes(frozen, fused::kConv1x1), 0);
    EXPECT_EQ(countNodes(frozen, "aten::to"), 0);
}

// A value changed in place after the convolution must be cast as it is then.
TEST(FftInputCast, ConvolutionWrittenInPlaceBeforeTheCastKeepsTheCast) {
    torch::jit::Module frozen = torch::jit::freeze(castOfAConv(at::kHalf, "y.mul_(3.0)"));
    EXPECT_EQ(fuse(frozen).widenedCasts, 0);
    EXPECT_EQ(countNodes(frozen, fused::kConv1x1), 1);  // the convolution itself was rewritten
    EXPECT_EQ(countNodes(frozen, "aten::to"), 1);
}

// With fp32 weights the cast hands back its input: nothing to write, nothing rewritten.
TEST(FftInputCast, FloatConvolutionIsLeftAlone) {
    torch::jit::Module module = castOfAConv(at::kFloat);
    const auto input = torch::randn({1, 4, 5, 7});
    const auto reference = module.forward({input}).toTuple()->elements();
    torch::jit::Module frozen = torch::jit::freeze(module);
    EXPECT_EQ(fuse(frozen).widenedCasts, 0);
    EXPECT_EQ(countNodes(frozen, "aten::to"), 1);
    const auto out = frozen.forward({input}).toTuple()->elements();
    for (size_t i = 0; i < 2; ++i)
        EXPECT_LE(relativeError(out[i].toTensor(), reference[i].toTensor()), 1e-5);
}

TEST(FftInputCast, SwitchedOffTheCastStaysAPass) {
    torch::jit::Module frozen = torch::jit::freeze(castOfAConv(at::kHalf));
    LayoutFusionOptions options;
    options.castsInPointwiseConvs = false;
    EXPECT_EQ(fuseLayoutsAndPointwise(frozen.get_method("forward").graph(), options).widenedCasts, 0);
    EXPECT_EQ(countNodes(frozen, "aten::to"), 1);
}

// On the CPU the operator is conv1x1 and a cast (fp32 here: libtorch 1.13 has no fp16 products on
// the CPU).
TEST(FftInputCast, CpuOperatorGivesTheConvolutionAndItsCast) {
    fused::registerOperators();
    auto widened = c10::Dispatcher::singleton()
                       .findSchemaOrThrow(fused::kConv1x1Widened, "")
                       .typed<Conv1x1Widened>();
    auto conv = c10::Dispatcher::singleton().findSchemaOrThrow(fused::kConv1x1, "").typed<Conv1x1>();
    torch::manual_seed(13);
    const auto x = torch::randn({1, 4, 5, 7}), w = torch::randn({6, 4, 1, 1}),
               b = torch::randn({6});
    const auto [y, y32] = widened.call(x, w, b, true);
    const auto reference = conv.call(x, w, b, true);
    EXPECT_TRUE(at::equal(y, reference));
    EXPECT_EQ(y32.scalar_type(), at::kFloat);
    EXPECT_TRUE(at::equal(y32, reference));
}

// On a GPU: cuFFT's C2R on the spectrum itself against ATen's irfftn (the same cuFFT plan on a copy),
// eagerly and replayed from a CUDA graph; and LaMa's Fourier unit rewritten against the model.
// cuDNN's TF32 off: else the fp32 reference's convolutions are themselves 1e-4 off.
class Irfft2ConsumingGpu : public ::testing::Test {
protected:
    void SetUp() override {
        if (!torch::cuda::is_available() || !fused::haveConsumingInverseFft())
            GTEST_SKIP() << "needs a GPU and cuFFT at build time";
        tf32_ = at::globalContext().allowTF32CuDNN();
        at::globalContext().setAllowTF32CuDNN(false);
    }
    void TearDown() override { at::globalContext().setAllowTF32CuDNN(tf32_); }

private:
    bool tf32_ = true;
};

TEST_F(Irfft2ConsumingGpu, GivesTorchsIrfftnOnTheSpectrum) {
    auto op = irfft2Consuming();
    torch::manual_seed(4);
    const auto options = at::TensorOptions(at::kCUDA).dtype(at::kComplexFloat);
    struct Case {
        std::vector<int64_t> zSizes, s;
    };
    // The last: big-LaMa's Fourier unit at 1024² (192 channels at 128², 12.8 MB).
    for (const Case& c : {Case{{2, 6, 40, 21}, {40, 40}}, Case{{1, 3, 30, 18}, {30, 35}},
                          Case{{1, 192, 128, 65}, {128, 128}}}) {
        for (const char* norm : {"ortho", "forward", "backward"}) {
            const auto z = torch::randn(c.zSizes, options);
            const auto reference = torchIrfft2(z, c.s, c10::string_view(norm));
            at::Tensor consumed = z.clone();
            const auto out = op.call(consumed, c.s, c10::string_view(norm));
            ASSERT_EQ(out.sizes(), reference.sizes());
            EXPECT_EQ(out.scalar_type(), at::kFloat);
            // The same plan as ATen's: equal, or within fp32 rounding.
            EXPECT_LE(relativeError(out, reference), 1e-6) << norm << " " << c.s[0] << "x" << c.s[1];
            if (!at::equal(out, reference))
                std::cout << "[ note ] not bit-identical to ATen's irfftn at " << c.s[0] << "x"
                          << c.s[1] << " " << norm << "\n";
        }
    }
}

TEST_F(Irfft2ConsumingGpu, CapturedAndReplayedGivesTorchsIrfftn) {
    if (!cuda::Graph::supported()) GTEST_SKIP() << "no CUDA graphs in this build";
    auto op = irfft2Consuming();
    torch::manual_seed(5);
    const std::vector<int64_t> s{64, 64};
    const auto options = at::TensorOptions(at::kCUDA).dtype(at::kComplexFloat);
    const auto spectrum = torch::randn({1, 24, 64, 33}, options);  // the graph's input
    {
        at::Tensor z = spectrum.clone();  // first call outside the capture: it makes the plan
        op.call(z, s, c10::string_view("forward"));
    }
    at::Tensor out;
    cuda::Graph graph;
    std::string whyNot;
    ASSERT_TRUE(graph.capture(
        [&] {
            at::Tensor z = spectrum.clone();  // the unit's own spectrum, made inside the graph
            out = op.call(z, s, c10::string_view("forward"));
        },
        &whyNot))
        << whyNot;
    for (int i = 0; i < 3; ++i) {
        const auto values = torch::randn(spectrum.sizes(), options);
        spectrum.copy_(values);
        graph.replay();
        cuda::synchronize();
        EXPECT_LE(relativeError(out, torchIrfft2(values, s, c10::string_view("forward"))), 1e-6)
            << "replay " << i;
        EXPECT_TRUE(at::equal(spectrum, values)) << "the graph's input was not touched";
    }
}

TEST_F(Irfft2ConsumingGpu, FourierUnitRewrittenGivesTheModelsOutput) {
    for (const std::string tail : {"fu", "fu + torch.real(ff).mean()"}) {
        torch::jit::Module module = fourierUnit(tail);
        module.to(at::kCUDA);
        const auto input = torch::randn({1, 3, 40, 34}, at::TensorOptions(at::kCUDA));
        const auto reference = module.forward({input}).toTensor();
        torch::jit::Module frozen = torch::jit::freeze(module);
        EXPECT_EQ(fuse(frozen).consumedSpectra, tail == "fu" ? 1 : 0) << tail;
        // Twice: the second call uses the plan the first made.
        for (int i = 0; i < 2; ++i)
            EXPECT_LE(relativeError(frozen.forward({input}).toTensor(), reference), 1e-5) << tail;
    }
}

// fp16 on the card: the widened output is exactly y.to(float) of the fp16 result, for pixel pairs
// (even H * W) and single pixels (odd), with and without bias and relu.
TEST_F(Irfft2ConsumingGpu, WidenedConvolutionGivesTheConvolutionAndExactlyItsCast) {
    if (!fused::haveCudaKernels()) GTEST_SKIP() << "needs the fused CUDA kernels";
    auto widened = c10::Dispatcher::singleton()
                       .findSchemaOrThrow(fused::kConv1x1Widened, "")
                       .typed<Conv1x1Widened>();
    auto conv = c10::Dispatcher::singleton().findSchemaOrThrow(fused::kConv1x1, "").typed<Conv1x1>();
    const auto half = at::TensorOptions(at::kCUDA).dtype(at::kHalf);
    torch::manual_seed(14);
    for (const std::vector<int64_t> sizes : {std::vector<int64_t>{1, 16, 12, 10},
                                             std::vector<int64_t>{2, 16, 9, 7}}) {
        for (const bool withBias : {true, false}) {
            for (const bool relu : {true, false}) {
                const auto x = torch::randn(sizes, half), w = torch::randn({24, 16, 1, 1}, half) * 0.3;
                const c10::optional<at::Tensor> b =
                    withBias ? c10::optional<at::Tensor>(torch::randn({24}, half)) : c10::nullopt;
                const auto [y, y32] = widened.call(x, w, b, relu);
                const auto reference = conv.call(x, w, b, relu);
                EXPECT_TRUE(at::equal(y, reference)) << sizes[2] << "x" << sizes[3];
                EXPECT_EQ(y32.scalar_type(), at::kFloat);
                EXPECT_TRUE(at::equal(y32, reference.to(at::kFloat)))
                    << sizes[2] << "x" << sizes[3] << " bias " << withBias << " relu " << relu;
            }
        }
    }
}

// The engine's fp16 Fourier unit (halfCopy: fp16 weights, FFTs in fp32) with both copies removed
// gives exactly what it gives with both left: the same values reach the same FFTs.
TEST_F(Irfft2ConsumingGpu, HalfFourierUnitWithoutItsCopiesGivesTheSameOutput) {
    if (!fused::haveCudaKernels()) GTEST_SKIP() << "needs the fused CUDA kernels";
    const auto input = torch::randn({1, 3, 40, 34}, at::TensorOptions(at::kCUDA).dtype(at::kHalf));
    at::Tensor outputs[2];
    for (const bool removed : {false, true}) {
        torch::jit::Module frozen = torch::jit::freeze(fourierUnit("x + fu", true));
        frozen.to(at::kCUDA);
        torch::jit::Module half = graph::halfCopy(frozen, at::kCUDA);
        LayoutFusionOptions options;
        options.inverseFftConsumesSpectrum = removed;
        options.castsInPointwiseConvs = removed;
        const auto counts = fuseLayoutsAndPointwise(half.get_method("forward").graph(), options);
        EXPECT_EQ(counts.consumedSpectra, removed ? 1 : 0);
        EXPECT_EQ(counts.widenedCasts, removed ? 1 : 0);
        outputs[removed] = half.forward({input}).toTensor();
    }
    EXPECT_EQ(outputs[1].scalar_type(), at::kHalf);
    EXPECT_TRUE(at::equal(outputs[0], outputs[1]));
}

}  // namespace
}  // namespace pm::engine
