#include "core/engine/graph/transposed_conv_rewrite.h"

#include <algorithm>
#include <vector>

#include <torch/csrc/jit/ir/constants.h>
#include <torch/csrc/jit/ir/ir.h>
#include <ATen/ATen.h>
#include <ATen/TensorIndexing.h>

#include "core/engine/graph/graph_constants.h"

namespace pm::engine {
namespace {

using graph::constantInt;
using graph::constantInts;

// One spatial dimension of output phase r (output index 2a + r): the kernel taps that reach it
// and the input offset d each reads (input index a + d).
struct Tap {
    int kernel, offset;
};

std::vector<Tap> tapsOfPhase(int phase, int kernel, int padding) {
    std::vector<Tap> taps;
    for (int k = 0; k < kernel; ++k)
        if ((phase + padding - k) % 2 == 0) taps.push_back({k, (phase + padding - k) / 2});
    return taps;
}

struct Geometry {
    int kernel, padding, outputPadding;
    int minOffset = 0, maxOffset = 0;
    int span() const { return maxOffset - minOffset + 1; }
    // Zero padding before / after the input so that the regular convolution's output has exactly
    // half the transposed one's size: before = -minOffset; after from (H' + span - 1) - H - before
    // with H' = H + (kernel + outputPadding) / 2 - 1 - padding.
    int before() const { return -minOffset; }
    int after() const {
        return (kernel + outputPadding) / 2 - 1 - padding + span() - 1 - before();
    }
};

bool geometry(int kernel, int padding, int outputPadding, Geometry* g) {
    if ((kernel + outputPadding) % 2 != 0) return false;  // odd output size: no pixel shuffle
    *g = Geometry{kernel, padding, outputPadding};
    bool first = true;
    for (int phase = 0; phase < 2; ++phase)
        for (const Tap& t : tapsOfPhase(phase, kernel, padding)) {
            g->minOffset = first ? t.offset : std::min(g->minOffset, t.offset);
            g->maxOffset = first ? t.offset : std::max(g->maxOffset, t.offset);
            first = false;
        }
    return !first;
}

bool rewriteOne(torch::jit::Node* node) {
    static const auto convTranspose = c10::Symbol::fromQualString("aten::conv_transpose2d");
    static const auto convolution = c10::Symbol::fromQualString("aten::_convolution");
    // conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups, dilation);
    // _convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding,
    //              groups, ...)
    int strideAt = 3, paddingAt = 4, outputPaddingAt = 5, groupsAt = 6, dilationAt = 7;
    if (node->kind() == convolution) {
        const auto transposed = torch::jit::toIValue(node->input(6));
        if (!transposed || !transposed->isBool() || !transposed->toBool()) return false;
        dilationAt = 5;
        outputPaddingAt = 7;
        groupsAt = 8;
    } else if (node->kind() != convTranspose || node->inputs().size() != 8) {
        return false;
    }
    const auto weightValue = torch::jit::toIValue(node->input(1));
    if (!weightValue || !weightValue->isTensor()) return false;
    const at::Tensor weight = weightValue->toTensor();  // [in, out, kH, kW]
    const auto biasValue = torch::jit::toIValue(node->input(2));
    if (!biasValue || !(biasValue->isNone() || biasValue->isTensor())) return false;
    const auto stride = constantInts(node->input(strideAt));
    const auto padding = constantInts(node->input(paddingAt));
    const auto outputPadding = constantInts(node->input(outputPaddingAt));
    const auto dilation = constantInts(node->input(dilationAt));
    const auto groups = constantInt(node->input(groupsAt));
    if (weight.dim() != 4 || !stride || !padding || !outputPadding || !dilation || !groups)
        return false;
    auto pair = [](const std::vector<int64_t>& v) {
        return v.size() == 1 ? std::vector<int64_t>{v[0], v[0]} : v;
    };
    const auto s = pair(*stride), p = pair(*padding), op = pair(*outputPadding),
               d = pair(*dilation);
    if (s != std::vector<int64_t>{2, 2} || d != std::vector<int64_t>{1, 1} || *groups != 1 ||
        p.size() != 2 || op.size() != 2)
        return false;
    Geometry gy, gx;
    if (!geometry(static_cast<int>(weight.size(2)), static_cast<int>(p[0]),
                  static_cast<int>(op[0]), &gy) ||
        !geometry(static_cast<int>(weight.size(3)), static_cast<int>(p[1]),
                  static_cast<int>(op[1]), &gx))
        return false;

    // Output channel o * 4 + ry * 2 + rx of the regular convolution is phase (ry, rx) of o, the
    // order pixel_shuffle reads.
    const int64_t in = weight.size(0), out = weight.size(1);
    at::Tensor w = at::zeros({out * 4, in, gy.span(), gx.span()}, weight.options());
    for (int ry = 0; ry < 2; ++ry)
        for (int rx = 0; rx < 2; ++rx)
            for (const Tap& ty : tapsOfPhase(ry, gy.kernel, gy.padding))
                for (const Tap& tx : tapsOfPhase(rx, gx.kernel, gx.padding)) {
                    using at::indexing::Slice;
                    w.index_put_({Slice(ry * 2 + rx, c10::nullopt, 4), Slice(),
                                  ty.offset - gy.minOffset, tx.offset - gx.minOffset},
                                 weight.index({Slice(), Slice(), ty.kernel, tx.kernel}).t());
                }
    c10::IValue bias;
    if (biasValue->isTensor()) bias = biasValue->toTensor().repeat_interleave(4);

    auto* graph = node->owningGraph();
    torch::jit::WithInsertPoint insertBefore(node);
    auto* padded = graph->insert(
        c10::Symbol::fromQualString("aten::constant_pad_nd"),
        {node->input(0),
         std::vector<int64_t>{gx.before(), gx.after(), gy.before(), gy.after()}, 0.0});
    auto* conv = graph->insert(c10::Symbol::fromQualString("aten::conv2d"),
                               {padded, graph->insertConstant(w), graph->insertConstant(bias),
                                std::vector<int64_t>{1, 1}, std::vector<int64_t>{0, 0},
                                std::vector<int64_t>{1, 1}, int64_t{1}});
    auto* shuffled =
        graph->insert(c10::Symbol::fromQualString("aten::pixel_shuffle"), {conv, int64_t{2}});
    node->output()->replaceAllUsesWith(shuffled);
    node->destroy();
    return true;
}

}  // namespace

int rewriteTransposedConvsAsSubpixel(const std::shared_ptr<torch::jit::Graph>& graph) {
    at::NoGradGuard noGrad;
    return graph::rewriteEach(graph->block(), rewriteOne);
}

}  // namespace pm::engine
