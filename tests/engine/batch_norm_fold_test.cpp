// Folding a decoder's batch norms into its transposed convolutions must keep the model's output.
#include <gtest/gtest.h>

#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/script.h>

#include "core/engine/graph/batch_norm_fold.h"

namespace pm::engine {
namespace {

// big-LaMa's upsampling step: conv_transpose2d -> BatchNorm2d (with its dim() check) -> relu.
torch::jit::Module upsampling(bool bias) {
    torch::manual_seed(8);
    torch::jit::Module module("Up");
    module.register_parameter("w", torch::randn({6, 4, 3, 3}), false);
    module.register_parameter("b", torch::randn({4}), false);
    module.register_parameter("gamma", torch::rand({4}) + 0.5, false);
    module.register_parameter("beta", torch::randn({4}), false);
    module.register_buffer("mean", torch::randn({4}));
    module.register_buffer("var", torch::rand({4}) + 0.1);
    module.define(std::string(R"(
def forward(self, x):
    y = torch.conv_transpose2d(x, self.w, )") + (bias ? "self.b" : "None") + R"(, [2], [1], [1])
    assert y.dim() == 4
    y = torch.batch_norm(y, self.gamma, self.beta, self.mean, self.var, False, 0.1, 1e-5, False)
    return torch.relu(y)
)");
    module.eval();
    return module;
}

void expectFoldedWithSameOutput(bool bias) {
    torch::jit::Module module = upsampling(bias);
    const auto input = torch::randn({1, 6, 9, 7});
    const auto reference = module.forward({input}).toTensor();
    torch::jit::Module frozen = torch::jit::freeze(module);
    EXPECT_EQ(foldBatchNormIntoTransposedConv(frozen.get_method("forward").graph()), 1);
    for (const auto* node : frozen.get_method("forward").graph()->nodes())
        EXPECT_NE(node->kind(), c10::aten::batch_norm);
    const auto output = frozen.forward({input}).toTensor();
    ASSERT_EQ(output.sizes(), reference.sizes());
    EXPECT_LE((output - reference).abs().max().item<double>(),
              1e-5 * reference.abs().max().item<double>());
}

TEST(BatchNormFold, TransposedConvolutionTakesTheBatchNorm) {
    expectFoldedWithSameOutput(false);
    expectFoldedWithSameOutput(true);
}

}  // namespace
}  // namespace pm::engine
