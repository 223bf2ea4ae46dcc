// The CPU rewrite of stride-2 transposed convolutions (convolution + pixel shuffle) must give the
// model's own output: it changes how fast LaMa runs on the CPU, never what it paints.
#include <gtest/gtest.h>

#include <string>

#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/script.h>

#include "core/engine/graph/transposed_conv_rewrite.h"

namespace pm::engine {
namespace {

// A decoder-like module: upsampling by transposed convolutions of the given geometry.
torch::jit::Module upsampler(int kernel, int padding, int outputPadding, bool bias) {
    torch::manual_seed(3);
    torch::jit::Module module("Upsampler");
    module.register_parameter("w1", torch::randn({6, 4, kernel, kernel}), false);
    if (bias) module.register_parameter("b1", torch::randn({4}), false);
    module.register_parameter("w2", torch::randn({4, 3, kernel, kernel}), false);
    const std::string geometry = std::to_string(padding) + "], [" +
                                 std::to_string(outputPadding) + "], 1, [1])";
    module.define(std::string(R"(
def forward(self, x):
    y = torch.conv_transpose2d(x, self.w1, )") + (bias ? "self.b1" : "None") + R"(, [2], [)" +
                  geometry + R"(
    y = torch.relu(y)
    return torch.conv_transpose2d(y, self.w2, None, [2], [)" + geometry + R"(
)");
    module.eval();
    return module;
}

int rewrite(torch::jit::Module& frozen) {
    int rewritten = 0;
    for (const auto& method : frozen.get_methods())
        rewritten += rewriteTransposedConvsAsSubpixel(method.graph());
    return rewritten;
}

void expectSameOutput(int kernel, int padding, int outputPadding, bool bias, int expected) {
    torch::jit::Module module = upsampler(kernel, padding, outputPadding, bias);
    const auto input = torch::randn({1, 6, 13, 17});
    const auto reference = module.forward({input}).toTensor();
    torch::jit::Module frozen = torch::jit::freeze(module);
    EXPECT_EQ(rewrite(frozen), expected);
    const auto output = frozen.forward({input}).toTensor();
    ASSERT_EQ(output.sizes(), reference.sizes());
    const double scale = reference.abs().max().item<double>();
    EXPECT_LE((output - reference).abs().max().item<double>(), 1e-5 * scale)
        << "kernel " << kernel << " padding " << padding << " output padding " << outputPadding;
}

TEST(TransposedConvRewrite, LamaUpsamplingGivesTheSameOutput) {
    expectSameOutput(3, 1, 1, true, 2);  // big-LaMa's decoder: exactly twice the size
    expectSameOutput(3, 1, 1, false, 2);
}

TEST(TransposedConvRewrite, OtherEvenGeometriesGiveTheSameOutput) {
    expectSameOutput(4, 1, 0, true, 2);  // the usual GAN upsampler
    expectSameOutput(2, 0, 0, false, 2);
    expectSameOutput(5, 2, 1, true, 2);
}

TEST(TransposedConvRewrite, OddOutputSizesAreLeftAsTheyAre) {
    expectSameOutput(3, 1, 0, true, 0);  // 2H - 1 rows: no pixel shuffle can make that
}

}  // namespace
}  // namespace pm::engine
