#include "core/engine/batch_norm_fold.h"

#include <algorithm>

#include <torch/csrc/jit/ir/ir.h>
#include <ATen/ATen.h>

#include "core/engine/graph_constants.h"

namespace pm::engine {
namespace {

using graph::constantInt;
using graph::constantScalar;
using graph::constantTensor;
using graph::isNone;
using graph::onlyShapeReadsBesides;
using torch::jit::Node;

bool foldOne(Node* bn) {
    if (bn->kind() != c10::aten::batch_norm || bn->inputs().size() != 9) return false;
    Node* conv = bn->input(0)->node();
    if (conv->kind() != c10::aten::conv_transpose2d || conv->inputs().size() != 8) return false;
    const auto groups = constantInt(conv->input(6));
    const auto weight = constantTensor(conv->input(1));
    if (!groups || *groups != 1 || !weight || weight->dim() != 4) return false;
    const bool hasBias = !isNone(conv->input(2));
    const auto bias = hasBias ? constantTensor(conv->input(2)) : c10::nullopt;
    if (hasBias && !bias) return false;
    if (!onlyShapeReadsBesides(conv->output(), bn)) return false;
    const auto gamma = constantTensor(bn->input(1)), beta = constantTensor(bn->input(2));
    const auto mean = constantTensor(bn->input(3)), var = constantTensor(bn->input(4));
    const auto training = constantScalar(bn->input(5));
    const auto eps = constantScalar(bn->input(7));
    if (!gamma || !beta || !mean || !var || !training || !training->isBool() ||
        training->toBool() || !eps || !eps->isDouble() || gamma->numel() != weight->size(1))
        return false;
    // Transposed convolution weights are [in, out, kH, kW]: the output channel is dimension 1.
    const at::Tensor scale = *gamma * at::rsqrt(*var + eps->toDouble());
    const at::Tensor shift = *beta - *mean * scale;
    const at::Tensor folded = *weight * scale.reshape({1, -1, 1, 1});
    const at::Tensor foldedBias = hasBias ? *bias * scale + shift : shift;
    auto* graph = conv->owningGraph();
    torch::jit::WithInsertPoint before(conv);
    conv->replaceInput(1, graph->insertConstant(folded));
    conv->replaceInput(2, graph->insertConstant(foldedBias));
    bn->output()->replaceAllUsesWith(conv->output());
    bn->destroy();
    return true;
}

int foldBlock(torch::jit::Block* block) {
    int folded = 0;
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
        Node* node = *it++;
        for (auto* inner : node->blocks()) folded += foldBlock(inner);
        if (foldOne(node)) ++folded;
    }
    return folded;
}

}  // namespace

int foldBatchNormIntoTransposedConv(const std::shared_ptr<torch::jit::Graph>& graph) {
    at::NoGradGuard noGrad;
    return foldBlock(graph->block());
}

}  // namespace pm::engine
