// The GPU path's rewrite of pads and sums (layout_fusion.h) changes how fast LaMa-like networks run,
// never what they paint: the rewritten graph must give the model's own output, on the CPU (where the
// fused operators run as ATen ops) and, on a GPU, through the CUDA kernels in fp32 and fp16.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/cuda.h>
#include <torch/script.h>

#include "core/engine/graph/fused_ops.h"
#include "core/engine/graph/layout_fusion.h"
#include "tests/engine/fused_kernels_gpu_fixture.h"
#include "tests/engine/graph_counts.h"
#include "tests/engine/tensor_compare.h"

namespace pm::engine {
namespace {

using graph_counts::countNodes;

// One FFC block of LaMa in miniature: local and global channels, reflection-padded 3x3
// convolutions between them (x_l padded once for two of them), 1x1 convolutions (one with bias and
// relu) standing in for the spectral branch, relu of the sums, the concatenation and the residual addition.
torch::jit::Module ffcBlock() {
    torch::manual_seed(5);
    torch::jit::Module module("FfcBlock");
    module.register_parameter("w_ll", torch::randn({2, 2, 3, 3}), false);
    module.register_parameter("b_ll", torch::randn({2}), false);
    module.register_parameter("w_gl", torch::randn({2, 6, 3, 3}), false);
    module.register_parameter("w_lg", torch::randn({6, 2, 3, 3}), false);
    module.register_parameter("w_s1", torch::randn({3, 6, 1, 1}), false);
    module.register_parameter("b_s1", torch::randn({3}), false);
    module.register_parameter("w_s2", torch::randn({6, 3, 1, 1}), false);
    module.define(R"(
def forward(self, x):
    xl = x[:, :2]
    xg = x[:, 2:]
    l = torch.conv2d(torch.reflection_pad2d(xl, [1, 1, 1, 1]), self.w_ll, self.b_ll) + torch.conv2d(torch.reflection_pad2d(xg, [1, 1, 1, 1]), self.w_gl)
    assert l.dim() == 4, "BatchNorm2d's check, which frozen graphs keep"
    s = torch.relu(torch.conv2d(xg, self.w_s1, self.b_s1))
    g = torch.conv2d(torch.reflection_pad2d(xl, [1, 1, 1, 1]), self.w_lg) + torch.conv2d(s, self.w_s2)
    y = torch.cat([torch.relu(l), torch.relu(g)], 1)
    return x + y
)");
    module.eval();
    return module;
}

// Nothing here may be fused: the pad is also returned, the sum is also read by the second output.
torch::jit::Module sharedValues() {
    torch::manual_seed(6);
    torch::jit::Module module("Shared");
    module.register_parameter("w", torch::randn({3, 3, 3, 3}), false);
    module.define(R"(
def forward(self, x):
    p = torch.reflection_pad2d(x, [1, 1, 1, 1])
    s = torch.conv2d(p, self.w) + x
    return torch.relu(s) + s + p[:, :, 1:-1, 1:-1]
)");
    module.eval();
    return module;
}

// The layers around the FFC blocks: a biased 3x3 convolution and a biased transposed convolution,
// each followed by a relu (batch norms already folded into their bias).
torch::jit::Module encoderDecoder() {
    torch::manual_seed(7);
    torch::jit::Module module("EncoderDecoder");
    module.register_parameter("w1", torch::randn({8, 4, 3, 3}), false);
    module.register_parameter("b1", torch::randn({8}), false);
    module.register_parameter("w2", torch::randn({8, 6, 3, 3}), false);
    module.register_parameter("b2", torch::randn({6}), false);
    module.define(R"(
def forward(self, x):
    y = torch.relu(torch.conv2d(x, self.w1, self.b1, [2, 2], [1, 1]))
    return torch.relu_(torch.conv_transpose2d(y, self.w2, self.b2, [2], [1], [1]))
)");
    module.eval();
    return module;
}

// LaMa's decoder end: the last transposed convolution (its batch norm folded into its bias), relu,
// reflection pad and the 7x7 last layer. With `alsoRead`, the relu's result is read once more.
torch::jit::Module decoderEnd(bool alsoRead = false) {
    torch::manual_seed(11);
    torch::jit::Module module("DecoderEnd");
    module.register_parameter("w_up", torch::randn({8, 16, 3, 3}) * 0.2, false);
    module.register_parameter("b_up", torch::randn({16}) * 0.5, false);
    module.register_parameter("w_out", torch::randn({3, 16, 7, 7}) * 0.05, false);
    module.register_parameter("b_out", torch::randn({3}), false);
    const std::string also = alsoRead ? " + y.mean()" : "";
    module.define(R"(
def forward(self, x):
    y = torch.relu(torch.conv_transpose2d(x, self.w_up, self.b_up, [2, 2], [1, 1], [1, 1]))
    return torch.sigmoid(torch.conv2d(torch.reflection_pad2d(y, [3, 3, 3, 3]), self.w_out, self.b_out)))" +
                  also + "\n");
    module.eval();
    return module;
}

// LaMa's Fourier unit as written in LaMa: spectrum -> channels, a 1x1 convolution with relu,
// channels -> spectrum.
torch::jit::Module fourierUnit() {
    torch::manual_seed(9);
    torch::jit::Module module("FourierUnit");
    module.register_parameter("w", torch::randn({6, 6, 1, 1}) * 0.3, false);
    module.register_parameter("b", torch::randn({6}) * 0.1, false);
    module.define(R"(
def forward(self, x):
    b = x.size(0)
    h = x.size(2)
    w = x.size(3)
    ff = torch.fft_rfftn(x, None, [-2, -1], "ortho")
    ff = torch.stack([torch.real(ff), torch.imag(ff)], -1)
    ff = ff.permute(0, 1, 4, 2, 3).contiguous().view(b, -1, h, w // 2 + 1)
    ff = torch.relu(torch.conv2d(ff, self.w, self.b))
    ff = ff.view(b, -1, 2, h, w // 2 + 1).permute(0, 1, 3, 4, 2).contiguous()
    ff = torch.complex(ff[..., 0], ff[..., 1])
    return torch.fft_irfftn(ff, [h, w], [-2, -1], "ortho")
)");
    module.eval();
    return module;
}

LayoutFusionCounts fuse(torch::jit::Module& frozen) {
    LayoutFusionCounts total;
    for (const auto& method : frozen.get_methods()) total += fuseLayoutsAndPointwise(method.graph());
    return total;
}

using tensor_compare::relativeError;

TEST(LayoutFusion, FfcBlockBecomesOnePadPerInputAndOneFusedSum) {
    torch::jit::Module module = ffcBlock();
    const auto input = torch::randn({1, 8, 11, 9});
    const auto reference = module.forward({input}).toTensor();
    torch::jit::Module frozen = torch::jit::freeze(module);
    const auto counts = fuse(frozen);
    EXPECT_EQ(counts.pads, 2);  // x_l's two pads merged, x_g's
    EXPECT_EQ(counts.sums, 2);
    EXPECT_EQ(counts.concats, 1);
    EXPECT_EQ(counts.residuals, 1);
    EXPECT_EQ(counts.conv1x1, 2);
    EXPECT_EQ(countNodes(frozen, "aten::reflection_pad2d"), 0);
    EXPECT_EQ(countNodes(frozen, "aten::cat"), 0);
    EXPECT_EQ(countNodes(frozen, "aten::relu"), 0);
    EXPECT_EQ(countNodes(frozen, "aten::conv2d"), 3);  // the 3x3 ones stay with cuDNN
    EXPECT_EQ(countNodes(frozen, fused::kReluSumCat), 1);
    const auto output = frozen.forward({input}).toTensor();
    ASSERT_EQ(output.sizes(), reference.sizes());
    EXPECT_TRUE(output.is_contiguous());  // NCHW out, as the model gave
    EXPECT_LE(relativeError(output, reference), 1e-5);
}

TEST(LayoutFusion, ConvolutionBiasAndReluBecomeOnePass) {
    torch::jit::Module module = encoderDecoder();
    const auto input = torch::randn({1, 4, 10, 12});
    const auto reference = module.forward({input}).toTensor();
    torch::jit::Module frozen = torch::jit::freeze(module);
    EXPECT_EQ(fuse(frozen).biasRelus, 2);
    EXPECT_EQ(countNodes(frozen, fused::kBiasRelu), 2);
    EXPECT_LE(relativeError(frozen.forward({input}).toTensor(), reference), 1e-5);
}

// LaMa's first layer in miniature: image and mask (4 channels), a reflection pad of 3, a 7x7
// convolution with bias and the relu after it.
torch::jit::Module firstLayer() {
    torch::manual_seed(9);
    torch::jit::Module module("FirstLayer");
    module.register_parameter("w", torch::randn({8, 4, 7, 7}) / 14, false);
    module.register_parameter("b", torch::randn({8}), false);
    module.define(R"(
def forward(self, x):
    return torch.relu(torch.conv2d(torch.reflection_pad2d(x, [3, 3, 3, 3]), self.w, self.b))
)");
    module.eval();
    return module;
}

LayoutFusionCounts fuseWidening(torch::jit::Module& frozen) {
    LayoutFusionOptions options;
    options.widenNarrowInputs = true;
    return fuseLayoutsAndPointwise(frozen.get_method("forward").graph(), options);
}

TEST(LayoutFusion, AFourChannelInputIsWidenedToEightWithTheSameOutput) {
    torch::jit::Module module = firstLayer();
    torch::jit::Module frozen = torch::jit::freeze(module);
    EXPECT_EQ(fuseWidening(frozen).widenedInputs, 1);
    EXPECT_EQ(countNodes(frozen, "aten::constant_pad_nd"), 1);
    for (const auto& input : {torch::randn({1, 4, 9, 7}), torch::randn({2, 4, 16, 21})})
        EXPECT_LE(relativeError(frozen.forward({input}).toTensor(),
                                module.forward({input}).toTensor()),
                  1e-5);
    EXPECT_EQ(fuseWidening(frozen).widenedInputs, 0) << "already 8 channels: nothing more";
}

LayoutFusionCounts fuseWithBiasReluInPads(torch::jit::Module& frozen, bool on) {
    LayoutFusionOptions options;
    options.biasReluInPads = on;
    return fuseLayoutsAndPointwise(frozen.get_method("forward").graph(), options);
}

TEST(LayoutFusion, DecoderBiasAndReluAreAppliedByTheLastLayersPad) {
    torch::jit::Module module = decoderEnd();
    torch::jit::Module frozen = torch::jit::freeze(module);
    const auto counts = fuseWithBiasReluInPads(frozen, true);
    EXPECT_EQ(counts.biasReluPads, 1);
    EXPECT_EQ(counts.convTaps, 1);  // the last layer still finds its pad
    EXPECT_EQ(countNodes(frozen, fused::kBiasReluReflectPad), 1);
    EXPECT_EQ(countNodes(frozen, fused::kBiasRelu), 0);
    EXPECT_EQ(countNodes(frozen, fused::kReflectPad), 0);
    for (const auto& input : {torch::randn({1, 8, 9, 7}), torch::randn({1, 8, 6, 11})})
        EXPECT_LE(relativeError(frozen.forward({input}).toTensor(),
                                module.forward({input}).toTensor()),
                  1e-5);
}

TEST(LayoutFusion, SwitchedOffTheDecoderBiasAndReluStayAPass) {
    torch::jit::Module frozen = torch::jit::freeze(decoderEnd());
    EXPECT_EQ(fuseWithBiasReluInPads(frozen, false).biasReluPads, 0);
    EXPECT_EQ(countNodes(frozen, fused::kBiasRelu), 1);
    EXPECT_EQ(countNodes(frozen, fused::kReflectPad), 1);
}

TEST(LayoutFusion, ARelusResultReadElsewhereKeepsItsOwnPass) {
    torch::jit::Module module = decoderEnd(true);
    torch::jit::Module frozen = torch::jit::freeze(module);
    EXPECT_EQ(fuseWithBiasReluInPads(frozen, true).biasReluPads, 0);
    EXPECT_EQ(countNodes(frozen, fused::kBiasRelu), 1);
    const auto input = torch::randn({1, 8, 9, 7});
    EXPECT_LE(relativeError(frozen.forward({input}).toTensor(), module.forward({input}).toTensor()),
              1e-5);
}

TEST(LayoutFusion, FourierUnitReshufflesBecomeOnePassEach) {
    torch::jit::Module module = fourierUnit();
    const auto input = torch::randn({1, 3, 12, 10});
    const auto reference = module.forward({input}).toTensor();
    torch::jit::Module frozen = torch::jit::freeze(module);
    const auto counts = fuse(frozen);
    EXPECT_EQ(counts.spectra, 2);
    EXPECT_EQ(counts.conv1x1, 1);
    EXPECT_EQ(countNodes(frozen, "aten::stack"), 0);
    EXPECT_EQ(countNodes(frozen, "aten::complex"), 0);
    // The FFTs' "ortho" scaling moved into the reshuffles, the convolution's bias and relu too.
    for (auto* node : frozen.get_method("forward").graph()->nodes()) {
        if (node->kind() == c10::Symbol::fromQualString("aten::fft_rfftn"))
            EXPECT_EQ(torch::jit::toIValue(node->input(3))->toStringRef(), "backward");
        if (node->kind() == c10::Symbol::fromQualString("aten::fft_irfftn"))
            EXPECT_EQ(torch::jit::toIValue(node->input(3))->toStringRef(), "forward");
        if (node->kind() == c10::Symbol::fromQualString(fused::kConv1x1))
            EXPECT_FALSE(torch::jit::toIValue(node->input(3))->toBool());
    }
    EXPECT_LE(relativeError(frozen.forward({input}).toTensor(), reference), 1e-5);
}

// LaMa's last layer in miniature: reflection pad, a 7x7 convolution to 3 channels, sigmoid.
torch::jit::Module lastLayer() {
    torch::manual_seed(10);
    torch::jit::Module module("LastLayer");
    module.register_parameter("w", torch::randn({3, 16, 7, 7}) * 0.05, false);
    module.register_parameter("b", torch::randn({3}), false);
    module.define(R"(
def forward(self, x):
    return torch.sigmoid(torch.conv2d(torch.reflection_pad2d(x, [3, 3, 3, 3]), self.w, self.b))
)");
    module.eval();
    return module;
}

TEST(LayoutFusion, SmallLastConvolutionBecomesTaps) {
    torch::jit::Module module = lastLayer();
    const auto input = torch::randn({1, 16, 13, 11});
    const auto reference = module.forward({input}).toTensor();
    torch::jit::Module frozen = torch::jit::freeze(module);
    EXPECT_EQ(fuse(frozen).convTaps, 1);
    EXPECT_EQ(countNodes(frozen, "aten::conv2d"), 0);
    EXPECT_LE(relativeError(frozen.forward({input}).toTensor(), reference), 1e-5);
}

// The Fourier unit's residual sum in the fp16 engine: x + irfftn(...).to(half).
torch::jit::Module sumOfCast() {
    torch::jit::Module module("SumOfCast");
    module.define(R"(
def forward(self, x, y):
    return x + y.to(5)  # 5: torch.float16
)");
    return module;
}

TEST(LayoutFusion, SumOfAnFp32CastBecomesOnePass) {
    torch::jit::Module module = sumOfCast();
    const auto x = torch::randn({1, 4, 6, 5}).to(at::kHalf), y = torch::randn({1, 4, 6, 5});
    const auto reference = module.forward({x, y}).toTensor();
    EXPECT_EQ(fuse(module).widenedSums, 1);
    EXPECT_EQ(countNodes(module, fused::kAddWidened), 1);
    EXPECT_TRUE(at::equal(module.forward({x, y}).toTensor(), reference));
}

TEST(LayoutFusion, RunningTwiceChangesNothingMore) {
    torch::jit::Module frozen = torch::jit::freeze(ffcBlock());
    fuse(frozen);
    const auto again = fuse(frozen);
    EXPECT_EQ(again.total(), 0);
}

TEST(LayoutFusion, ValuesReadElsewhereAreLeftAsTheyAre) {
    torch::jit::Module module = sharedValues();
    const auto input = torch::randn({1, 3, 7, 6});
    const auto reference = module.forward({input}).toTensor();
    torch::jit::Module frozen = torch::jit::freeze(module);
    const auto counts = fuse(frozen);
    // Only the convolution's weight layout may change: no value read elsewhere is rewritten.
    EXPECT_EQ(counts.total() - counts.channelsLastWeights, 0);
    EXPECT_LE(relativeError(frozen.forward({input}).toTensor(), reference), 1e-6);
}

class LayoutFusionGpu : public FusedKernelsGpuTest {};

TEST_P(LayoutFusionGpu, PadWritesChannelsLastFromEitherLayout) {
    auto pad = c10::Dispatcher::singleton()
                   .findSchemaOrThrow(fused::kReflectPad, "")
                   .typed<at::Tensor(const at::Tensor&, c10::IntArrayRef)>();
    const std::vector<int64_t> amounts{3, 1, 2, 0};
    for (const int64_t channels : {37, 64}) {  // 64: 16-byte moves between channels-last pixels
        const auto x = torch::randn({2, channels, 9, 13}, options());
        const auto reference = at::reflection_pad2d(x, amounts);
        for (const auto& in : {x, x.contiguous(at::MemoryFormat::ChannelsLast)}) {
            const auto out = pad.call(in, amounts);
            EXPECT_TRUE(out.is_contiguous(at::MemoryFormat::ChannelsLast));
            EXPECT_TRUE(at::equal(out, reference))
                << channels << " channels, input channels last: " << !in.is_contiguous();
        }
    }
}

TEST_P(LayoutFusionGpu, SumReadsBothLayoutsAndWritesItsChannelsOfTheConcatenation) {
    auto sum = c10::Dispatcher::singleton()
                   .findSchemaOrThrow(fused::kReluSumCat, "")
                   .typed<at::Tensor(at::TensorList, at::TensorList, at::TensorList,
                                     const c10::optional<at::Tensor>&)>();
    const auto cl = at::MemoryFormat::ChannelsLast;
    const auto a1 = torch::randn({1, 37, 5, 13}, options()).contiguous(cl);
    const auto b1 = torch::randn({1, 37, 5, 13}, options());
    const auto a2 = torch::randn({1, 6, 5, 13}, options());
    const auto b2 = torch::randn({1, 6, 5, 13}, options()).contiguous(cl);
    const auto bias1 = torch::randn({37}, options());
    const auto none = at::empty({0}, options());
    const auto residual = torch::randn({1, 43, 5, 13}, options());
    const auto out = sum.call({a1, a2}, {b1, b2}, {bias1, none}, residual);
    const auto expected =
        residual.to(at::kFloat) +
        at::cat({at::relu(a1.to(at::kFloat) + b1.to(at::kFloat) +
                          bias1.to(at::kFloat).reshape({1, -1, 1, 1})),
                 at::relu(a2.to(at::kFloat) + b2.to(at::kFloat))},
                1);
    EXPECT_TRUE(out.is_contiguous());
    EXPECT_LE(relativeError(out, expected), tolerance());
}

TEST_P(LayoutFusionGpu, FusedFfcBlockGivesTheModelsOutput) {
    torch::jit::Module module = ffcBlock();
    module.to(at::kCUDA, GetParam());
    const auto input = torch::randn({1, 8, 40, 33}, options());
    const auto reference = module.forward({input}).toTensor();
    torch::jit::Module frozen = torch::jit::freeze(module);
    EXPECT_EQ(fuse(frozen).sums, 2);
    EXPECT_LE(relativeError(frozen.forward({input}).toTensor(), reference), tolerance());
}

TEST_P(LayoutFusionGpu, FusedEncoderDecoderGivesTheModelsOutput) {
    torch::jit::Module module = encoderDecoder();
    module.to(at::kCUDA, GetParam());
    for (const auto format : {at::MemoryFormat::Contiguous, at::MemoryFormat::ChannelsLast}) {
        const auto input = torch::randn({1, 4, 30, 26}, options()).contiguous(format);
        const auto reference = module.forward({input}).toTensor();
        torch::jit::Module frozen = torch::jit::freeze(module);
        EXPECT_EQ(fuse(frozen).biasRelus, 2);
        EXPECT_LE(relativeError(frozen.forward({input}).toTensor(), reference), tolerance());
    }
}

TEST_P(LayoutFusionGpu, SmallLastConvolutionAsTapsGivesTheModelsOutput) {
    torch::jit::Module module = lastLayer();
    module.to(at::kCUDA, GetParam());
    const auto input = torch::randn({1, 16, 70, 45}, options());
    const auto reference = module.forward({input}).toTensor();
    torch::jit::Module frozen = torch::jit::freeze(module);
    EXPECT_EQ(fuse(frozen).convTaps, 1);
    // fp16: each tap's partial sum is rounded once more than in cuDNN.
    EXPECT_LE(relativeError(frozen.forward({input}).toTensor(), reference),
              GetParam() == at::kHalf ? 5e-3 : 1e-5);
}

// relu(x + bias) padded in one pass (16-byte channel groups, channels last) or, for any other
// input, in two: the same values as the two passes, x left as it was.
TEST_P(LayoutFusionGpu, BiasReluPadGivesTheTwoPassesValues) {
    using Op = at::Tensor(const at::Tensor&, const at::Tensor&, c10::IntArrayRef);
    auto op = c10::Dispatcher::singleton()
                  .findSchemaOrThrow(fused::kBiasReluReflectPad, "")
                  .typed<Op>();
    const std::vector<int64_t> amounts{3, 3, 3, 3};
    for (const int64_t channels : {64, 37}) {
        const auto x = torch::randn({1, channels, 12, 17}, options());
        const auto bias = torch::randn({channels}, options());
        const auto summed = (x.to(at::kFloat) + bias.to(at::kFloat).reshape({1, -1, 1, 1}));
        const auto reference = at::reflection_pad2d(at::relu(summed).to(GetParam()), amounts);
        for (const auto& in : {x, x.contiguous(at::MemoryFormat::ChannelsLast)}) {
            const auto before = in.clone();
            const auto out = op.call(in, bias, amounts);
            EXPECT_TRUE(out.is_contiguous(at::MemoryFormat::ChannelsLast));
            EXPECT_TRUE(at::equal(out, reference))
                << channels << " channels, input channels last: " << !in.is_contiguous();
            EXPECT_TRUE(at::equal(in, before));
        }
    }
}

TEST_P(LayoutFusionGpu, DecoderEndWithItsBiasReluInThePadGivesTheModelsOutput) {
    torch::jit::Module module = decoderEnd();
    module.to(at::kCUDA, GetParam());
    for (const auto format : {at::MemoryFormat::Contiguous, at::MemoryFormat::ChannelsLast}) {
        const auto input = torch::randn({1, 8, 40, 36}, options()).contiguous(format);
        const auto reference = module.forward({input}).toTensor();
        torch::jit::Module frozen = torch::jit::freeze(module);
        EXPECT_EQ(fuse(frozen).biasReluPads, 1);
        EXPECT_LE(relativeError(frozen.forward({input}).toTensor(), reference),
                  GetParam() == at::kHalf ? 5e-3 : 1e-5);  // the taps' fp16 rounding, as above
    }
}

TEST_P(LayoutFusionGpu, SumOfAnFp32CastGivesTheModelsOutput) {
    torch::jit::Module module = sumOfCast();
    const auto x = torch::randn({1, 4, 30, 25}, options().dtype(at::kHalf));
    const auto y = torch::randn({1, 4, 30, 25}, options().dtype(at::kFloat));
    const auto reference = module.forward({x, y}).toTensor();
    EXPECT_EQ(fuse(module).widenedSums, 1);
    const auto out = module.forward({x, y}).toTensor();
    EXPECT_EQ(out.scalar_type(), at::kHalf);
    EXPECT_LE(relativeError(out, reference), 2e-3);  // one rounding instead of two
}

TEST_P(LayoutFusionGpu, FusedFourierUnitGivesTheModelsOutput) {
    // In fp16 the engine keeps FFTs in fp32 (its own casts); the unit as written runs in fp32.
    if (GetParam() == at::kHalf) GTEST_SKIP() << "FFTs stay in fp32";
    torch::jit::Module module = fourierUnit();
    module.to(at::kCUDA, GetParam());
    const auto input = torch::randn({1, 3, 40, 34}, options());
    const auto reference = module.forward({input}).toTensor();
    torch::jit::Module frozen = torch::jit::freeze(module);
    EXPECT_EQ(fuse(frozen).spectra, 2);
    EXPECT_LE(relativeError(frozen.forward({input}).toTensor(), reference), tolerance());
}

// The last layer's convolution as one product and a sum over its taps (conv_taps), and as the
// direct tensor-core kernel: widths and heights that are not multiples of any block size, two
// images, kernels that are not square and the most output channels the sum takes.
TEST_P(LayoutFusionGpu, TapsGiveTheConvolutionForEveryShapeTheSumTakes) {
    auto convTaps = c10::Dispatcher::singleton()
                        .findSchemaOrThrow(fused::kConvTaps, "")
                        .typed<at::Tensor(const at::Tensor&, const at::Tensor&,
                                          const c10::optional<at::Tensor>&, c10::IntArrayRef)>();
    struct Case {
        int64_t k, r, s, c, h, w;
    };
    for (const Case& t : {Case{3, 7, 7, 64, 9, 300}, Case{8, 3, 5, 16, 5, 131},
                          Case{3, 7, 7, 32, 45, 75}, Case{5, 1, 9, 16, 17, 65}}) {
        for (const int64_t direct : {0, 1}) {
            const auto x = torch::randn({2, t.c, t.h, t.w}, options())
                               .contiguous(at::MemoryFormat::ChannelsLast);
            const auto weight =
                torch::randn({t.k, t.c, t.r, t.s}, options()) / std::sqrt(double(t.c * t.r * t.s));
            const auto bias = torch::randn({t.k}, options());
            // As smallConvsAsTaps lays them out: column (tap, output channel), padded to 8.
            auto taps = weight.permute({1, 2, 3, 0}).reshape({t.c, -1});
            taps = at::constant_pad_nd(taps, {0, (8 - taps.size(1) % 8) % 8}).contiguous();
            const auto out = convTaps.call(x, taps, bias, {t.k, t.r, t.s, direct});
            const auto expected =
                at::conv2d(x.to(at::kFloat), weight.to(at::kFloat), bias.to(at::kFloat));
            ASSERT_EQ(out.sizes(), expected.sizes()) << t.k << " channels";
            EXPECT_LE(relativeError(out, expected), GetParam() == at::kHalf ? 5e-3 : 1e-5)
                << t.k << " output channels, " << t.r << "x" << t.s << ", width " << t.w
                << (direct ? ", tensor-core kernel" : ", product and tap sum");
        }
    }
}

TEST_P(LayoutFusionGpu, AWidenedFourChannelInputGivesTheModelsOutput) {
    torch::jit::Module module = firstLayer();
    module.to(at::kCUDA, GetParam());
    const auto input = torch::randn({1, 4, 40, 36}, options());
    const auto reference = module.forward({input}).toTensor();
    torch::jit::Module frozen = torch::jit::freeze(module);
    EXPECT_EQ(fuseWidening(frozen).widenedInputs, 1);
    EXPECT_LE(relativeError(frozen.forward({input}).toTensor(), reference), tolerance());
}

INSTANTIATE_TEST_SUITE_P(Precisions, LayoutFusionGpu, ::testing::Values(at::kFloat, at::kHalf));

}  // namespace
}  // namespace pm::engine
