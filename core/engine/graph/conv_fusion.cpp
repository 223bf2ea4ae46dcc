#include "core/engine/graph/fusion_steps.h"

#include <algorithm>
#include <vector>

#include <torch/csrc/jit/ir/ir.h>
#include <ATen/ATen.h>

#include "core/engine/graph/fused_ops.h"
#include "core/engine/graph/graph_constants.h"

namespace pm::engine::fusion {

c10::optional<at::Tensor> plainConvWeight(Node* conv) {
    if (conv->kind() != kConv2d || conv->inputs().size() != 7) return c10::nullopt;
    auto all = [](const c10::optional<std::vector<int64_t>>& v, int64_t value) {
        return v && !v->empty() &&
               std::all_of(v->begin(), v->end(), [&](int64_t x) { return x == value; });
    };
    const auto weight = constantTensor(conv->input(1));
    const auto groups = constantInt(conv->input(6));
    if (!weight || weight->dim() != 4 || !all(constantInts(conv->input(3)), 1) ||
        !all(constantInts(conv->input(4)), 0) || !all(constantInts(conv->input(5)), 1) ||
        !groups || *groups != 1)
        return c10::nullopt;
    if (!isNone(conv->input(2)) && !constantTensor(conv->input(2))) return c10::nullopt;
    return weight;
}

// conv2d(x, w[O, I, 1, 1], bias, stride 1, padding 0, dilation 1, groups 1) [-> relu] -> conv1x1.
// Convolutions that read a channels-last pad are left to cuDNN.
int pointwiseConvsToMatmul(torch::jit::Block* block) {
    const auto fusedConv = c10::Symbol::fromQualString(fused::kConv1x1);
    const auto padSymbol = c10::Symbol::fromQualString(fused::kReflectPad);
    int count = 0;
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
        Node* conv = *it++;
        const auto weight = plainConvWeight(conv);
        if (!weight || weight->size(2) != 1 || weight->size(3) != 1 ||
            conv->input(0)->node()->kind() == padSymbol)
            continue;
        Node* relu = nullptr;
        if (conv->output()->uses().size() == 1) {
            Node* user = conv->output()->uses()[0].user;
            if (isRelu(user)) relu = user;
        }
        auto* graph = conv->owningGraph();
        torch::jit::WithInsertPoint before(conv);
        Value* out = graph->insert(fusedConv, {conv->input(0), conv->input(1), conv->input(2),
                                               relu != nullptr});
        if (relu) {
            if (it != block->nodes().end() && *it == relu) ++it;
            relu->output()->replaceAllUsesWith(out);
            relu->destroy();
        }
        conv->output()->replaceAllUsesWith(out);
        conv->destroy();
        ++count;
    }
    return count;
}

// relu(conv(x, w, bias)) -> bias_relu_(conv(x, w, None), bias), for the convolutions left (the
// encoder's, the decoder's transposed ones with their folded batch norms).
int biasAndReluInOnePass(torch::jit::Block* block) {
    const auto biasRelu = c10::Symbol::fromQualString(fused::kBiasRelu);
    int count = 0;
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
        Node* relu = *it++;
        if (!isRelu(relu)) continue;
        Node* conv = relu->input(0)->node();
        const bool convolution = isConv(conv) || conv->kind() == c10::aten::conv_transpose2d;
        // Shape reads (a batch norm's dim() check) may stay: the tensor keeps its shape.
        if (!convolution || !onlyShapeReadsBesides(conv->output(), relu) ||
            isNone(conv->input(2)))
            continue;
        const auto bias = constantTensor(conv->input(2));
        if (!bias || bias->dim() != 1) continue;
        auto* graph = relu->owningGraph();
        torch::jit::WithInsertPoint before(relu);
        Value* biasValue = conv->input(2);
        {
            torch::jit::WithInsertPoint beforeConv(conv);
            conv->replaceInput(2, graph->insertConstant(c10::IValue()));
        }
        Value* out = graph->insert(biasRelu, {conv->output(), biasValue});
        relu->output()->replaceAllUsesWith(out);
        relu->destroy();
        ++count;
    }
    return count;
}

// reflect_pad_cl(bias_relu_(y, bias), pad) -> bias_relu_reflect_pad_cl(y, bias, pad) when the pad
// is all that reads the relu's result and the relu all that reads y (it wrote y in place; a
// later reader of y would now see y without it). In LaMa: the decoder's last convolution, padded
// for the last layer. Runs after smallConvsAsTaps, which looks for the pad before the last layer.
int biasReluIntoPads(torch::jit::Block* block) {
    const auto pad = c10::Symbol::fromQualString(fused::kReflectPad);
    const auto biasRelu = c10::Symbol::fromQualString(fused::kBiasRelu);
    const auto op = c10::Symbol::fromQualString(fused::kBiasReluReflectPad);
    int count = 0;
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
        Node* padNode = *it++;
        if (padNode->kind() != pad) continue;
        Node* relu = padNode->input(0)->node();
        if (relu->kind() != biasRelu || relu->owningBlock() != block ||
            relu->output()->uses().size() != 1 || relu->input(0)->uses().size() != 1)
            continue;
        auto* graph = padNode->owningGraph();
        torch::jit::WithInsertPoint before(padNode);
        Value* out = graph->insert(op, {relu->input(0), relu->input(1), padNode->input(1)});
        padNode->output()->replaceAllUsesWith(out);
        padNode->destroy();
        relu->destroy();
        ++count;
    }
    return count;
}

// A convolution with at most 8 output channels that reads a channels-last pad (LaMa's last layer,
// 64 -> 3 at full size) -> conv_taps: one matrix product and a sum over the taps, or (direct) one
// tensor-core kernel where it takes the shape.
int smallConvsAsTaps(torch::jit::Block* block, bool direct) {
    const auto padSymbol = c10::Symbol::fromQualString(fused::kReflectPad);
    const auto op = c10::Symbol::fromQualString(fused::kConvTaps);
    int count = 0;
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
        Node* conv = *it++;
        const auto weight = plainConvWeight(conv);
        if (!weight || conv->input(0)->node()->kind() != padSymbol || weight->size(0) > 8 ||
            weight->size(1) % 8 != 0 || weight->size(2) * weight->size(3) < 2)
            continue;
        // [K, C, R, S] -> [C, R * S * K]: columns by tap, then output channel, then zeros up to
        // a multiple of 8 (LaMa: 147 -> 152; with 147 cuBLAS fell back to an unaligned kernel).
        at::Tensor taps = weight->permute({1, 2, 3, 0}).reshape({weight->size(1), -1});
        taps = at::constant_pad_nd(taps, {0, (8 - taps.size(1) % 8) % 8}).contiguous();
        auto* graph = conv->owningGraph();
        torch::jit::WithInsertPoint before(conv);
        Value* out = graph->insert(
            op, {conv->input(0), graph->insertConstant(taps), conv->input(2),
                 std::vector<int64_t>{weight->size(0), weight->size(2), weight->size(3),
                                      direct ? 1 : 0}});
        conv->output()->replaceAllUsesWith(out);
        conv->destroy();
        ++count;
    }
    return count;
}

// A channels-last pad that only convolutions read, whose input channels are not a multiple of 8
// (LaMa's first layer: image and mask, 4 channels, 7x7 to 64 at full size): the pad reads its input
// with zero channels appended up to a multiple of 8 and the weights get zero input channels to
// match. Why: cuDNN's fp16 tensor-core kernels want multiples of 8; for 4 channels it ran an
// unaligned kernel, 265 us at 1024² on the H100 (bench/gpu/NOTES.md, session 14's profile).
int narrowConvInputsWidened(torch::jit::Block* block) {
    const auto padSymbol = c10::Symbol::fromQualString(fused::kReflectPad);
    int count = 0;
    for (Node* pad : block->nodes()) {
        if (pad->kind() != padSymbol || pad->output()->uses().empty()) continue;
        const std::vector<torch::jit::Use> uses = pad->output()->uses();
        int64_t channels = -1;
        const bool convsOnly = std::all_of(uses.begin(), uses.end(), [&](const torch::jit::Use& u) {
            const auto weight = plainConvWeight(u.user);
            const bool fits =
                u.offset == 0 && weight && (channels < 0 || weight->size(1) == channels);
            if (fits) channels = weight->size(1);
            return fits;
        });
        if (!convsOnly || channels % 8 == 0) continue;
        const std::vector<int64_t> appended{0, 0, 0, 0, 0, (channels + 7) / 8 * 8 - channels};
        auto* graph = pad->owningGraph();
        {
            torch::jit::WithInsertPoint before(pad);
            pad->replaceInput(0,
                              graph->insert(c10::aten::constant_pad_nd, {pad->input(0), appended}));
        }
        for (const auto& use : uses) {
            Node* conv = use.user;
            const at::Tensor weight =
                at::constant_pad_nd(*constantTensor(conv->input(1)), appended);
            torch::jit::WithInsertPoint before(conv);
            conv->replaceInput(
                1, graph->insertConstant(weight.contiguous(at::MemoryFormat::ChannelsLast)));
        }
        ++count;
    }
    return count;
}

// Channels-last weights for the convolutions left: cuDNN then runs them channels last (the
// decoder's transposed convolutions stop converting each output back to NCHW), and PyTorch stops
// converting their weights on every call where the input is channels last already.
int weightsChannelsLast(torch::jit::Block* block) {
    int count = 0;
    for (Node* conv : block->nodes()) {
        if (!isConv(conv) && conv->kind() != c10::aten::conv_transpose2d) continue;
        const auto weight = constantTensor(conv->input(1));
        if (!weight || weight->dim() != 4 || weight->is_contiguous(at::MemoryFormat::ChannelsLast))
            continue;
        auto* graph = conv->owningGraph();
        torch::jit::WithInsertPoint before(conv);
        conv->replaceInput(
            1, graph->insertConstant(weight->contiguous(at::MemoryFormat::ChannelsLast)));
        ++count;
    }
    return count;
}

}  // namespace pm::engine::fusion
