#include "core/engine/graph/batch_norm_fold.h"

#include <string>
#include <vector>

#include <torch/csrc/jit/ir/ir.h>
#include <ATen/ATen.h>

#include "core/engine/graph/graph_constants.h"

namespace pm::engine {
namespace {

using graph::constantInt;
using graph::constantScalar;
using graph::constantTensor;
using graph::isNone;
using graph::onlyShapeReadsBesides;
using torch::jit::Node;

// An inference batch norm as y = x * scale + shift per channel.
struct Affine {
    at::Tensor scale, shift;
};

// The affine form of an inference batch norm with constant statistics; else why not.
const char* inferenceAffine(Node* bn, Affine* affine) {
    const auto gamma = constantTensor(bn->input(1)), beta = constantTensor(bn->input(2));
    const auto mean = constantTensor(bn->input(3)), var = constantTensor(bn->input(4));
    const auto training = constantScalar(bn->input(5));
    const auto eps = constantScalar(bn->input(7));
    if (!gamma || !beta || !mean || !var) return "batch norm parameters are not constants";
    if (!training || !training->isBool() || training->toBool() || !eps || !eps->isDouble())
        return "batch norm training flag or eps";
    affine->scale = *gamma * at::rsqrt(*var + eps->toDouble());
    affine->shift = *beta - *mean * affine->scale;
    return nullptr;
}

bool foldIntoTransposedConv(Node* bn) {
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
    Affine affine;
    if (inferenceAffine(bn, &affine) || affine.scale.numel() != weight->size(1)) return false;
    // Transposed convolution weights are [in, out, kH, kW]: the output channel is dimension 1.
    const at::Tensor folded = *weight * affine.scale.reshape({1, -1, 1, 1});
    const at::Tensor foldedBias = hasBias ? *bias * affine.scale + affine.shift : affine.shift;
    auto* graph = conv->owningGraph();
    torch::jit::WithInsertPoint before(conv);
    conv->replaceInput(1, graph->insertConstant(folded));
    conv->replaceInput(2, graph->insertConstant(foldedBias));
    bn->output()->replaceAllUsesWith(conv->output());
    bn->destroy();
    return true;
}

// A convolution with constant weights whose output only one node reads; else why not.
const char* notFoldableConv(Node* node, int64_t channels) {
    if (node->kind() != c10::aten::conv2d) return "not a conv2d";
    if (node->output()->uses().size() != 1) return "conv output read twice";
    const auto weight = constantTensor(node->input(1));
    if (!weight || weight->dim() != 4 || weight->size(0) != channels) return "conv weight";
    if (!isNone(node->input(2)) && !constantTensor(node->input(2))) return "conv bias";
    return nullptr;
}

// Folds one batch norm after a conv sum; else keeps the first reason in *whyNot.
bool foldAfterConvSum(Node* bn, std::string* whyNot) {
    auto skip = [&](const std::string& why) {
        if (whyNot->empty()) *whyNot = why;
        return false;
    };
    if (bn->kind() != c10::aten::batch_norm) return false;
    Node* add = bn->input(0)->node();
    // Besides the batch norm, only shape queries may read the sum: the folded sum has the
    // same shape but other values.
    if (add->kind() != c10::aten::add || add->inputs().size() != 3 ||
        !onlyShapeReadsBesides(add->output(), bn))
        return skip("input is not a sum read only by the batch norm");
    const auto alpha = constantScalar(add->input(2));
    if (!alpha || !alpha->isInt() || alpha->toInt() != 1) return skip("sum alpha");
    Affine affine;
    if (const char* why = inferenceAffine(bn, &affine)) return skip(why);
    const int64_t channels = affine.scale.numel();
    Node* first = add->input(0)->node();
    Node* second = add->input(1)->node();
    const char* why = first == second ? "same conv twice" : notFoldableConv(first, channels);
    if (!why) why = notFoldableConv(second, channels);
    if (why) return skip(why);
    // Every new tensor first, then the edits: a failure leaves the graph as it was.
    struct Edit {
        Node* conv;
        at::Tensor weight, bias;  // bias undefined: stays None
    };
    std::vector<Edit> edits;
    for (Node* conv : {first, second}) {
        Edit edit{conv, *constantTensor(conv->input(1)) * affine.scale.reshape({-1, 1, 1, 1}), {}};
        if (!isNone(conv->input(2))) edit.bias = *constantTensor(conv->input(2)) * affine.scale;
        if (conv == first) edit.bias = edit.bias.defined() ? edit.bias + affine.shift : affine.shift;
        edits.push_back(edit);
    }
    for (const auto& edit : edits) {
        torch::jit::WithInsertPoint insertBefore(edit.conv);
        auto* graph = edit.conv->owningGraph();
        edit.conv->replaceInput(1, graph->insertConstant(edit.weight));
        if (edit.bias.defined()) edit.conv->replaceInput(2, graph->insertConstant(edit.bias));
    }
    bn->output()->replaceAllUsesWith(add->output());
    bn->destroy();
    return true;
}

}  // namespace

int foldBatchNormIntoTransposedConv(const std::shared_ptr<torch::jit::Graph>& graph) {
    at::NoGradGuard noGrad;
    return graph::rewriteEach(graph->block(), foldIntoTransposedConv);
}

int foldBatchNormAfterConvSum(const std::shared_ptr<torch::jit::Graph>& graph, std::string* whyNot) {
    at::NoGradGuard noGrad;
    return graph::rewriteEach(graph->block(),
                              [&](Node* bn) { return foldAfterConvSum(bn, whyNot); });
}

}  // namespace pm::engine
