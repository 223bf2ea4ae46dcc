#include "core/engine/graph/fusion_steps.h"

#include <algorithm>
#include <limits>
#include <vector>

#include <torch/csrc/jit/ir/ir.h>
#include <ATen/ATen.h>

#include "core/engine/graph/fused_ops.h"
#include "core/engine/graph/graph_constants.h"

namespace pm::engine::fusion {
namespace {

// A big LaMa FFC's local output is relu(bn(l2l(x_l) + g2l(x_g))): at 1024² two small cuDNN
// convolutions (128 -> 128 and 384 -> 128 channels at 128², too little work to fill an H100)
// and a sum reading both results. Over the channels of x = [x_l, x_g] they are one convolution
// with the weights side by side, [W_l2l, W_g2l], whose output the fused sum reads alone.

constexpr int64_t kToTheEnd = std::numeric_limits<int64_t>::max();

// x[:, start:end] (step 1); end kToTheEnd for "to the last channel".
struct ChannelRange {
    Value* source = nullptr;
    int64_t start = 0;
    int64_t end = kToTheEnd;
};

// aten::slice(x, dim, start, end, step) with constant dim and step and a start and end each a
// constant or None (x[:, :l]: the traced spelling writes 0 and INT64_MAX, the scripted one None).
struct Slice {
    int64_t dim, start = 0, end = kToTheEnd;
};

c10::optional<Slice> sliceOf(Node* slice) {
    if (slice->kind() != c10::aten::slice || slice->inputs().size() != 5) return c10::nullopt;
    const auto dim = constantInt(slice->input(1));
    const auto step = constantInt(slice->input(4));
    if (!dim || !step || *step != 1) return c10::nullopt;
    Slice out{*dim};
    if (!isNone(slice->input(2))) {
        const auto start = constantInt(slice->input(2));
        if (!start || *start < 0) return c10::nullopt;
        out.start = *start;
    }
    if (!isNone(slice->input(3))) {
        const auto end = constantInt(slice->input(3));
        if (!end || *end <= out.start) return c10::nullopt;
        // Past any tensor's size (traced files write INT64_MAX): the end of the dimension.
        out.end = *end >= std::numeric_limits<int32_t>::max() ? kToTheEnd : *end;
    }
    return out;
}

// v without the whole-dimension slices (x[:, ...] may slice all of dimension 0 first) in front:
// x_l's and x_g's slices then read the same tensor.
Value* throughWholeSlices(Value* v) {
    for (auto s = sliceOf(v->node()); s && s->start == 0 && s->end == kToTheEnd;
         s = sliceOf(v->node()))
        v = v->node()->input(0);
    return v;
}

// x[:, start:end].
c10::optional<ChannelRange> channelRange(Value* v) {
    const auto slice = sliceOf(v->node());
    if (!slice || slice->dim != 1) return c10::nullopt;
    return ChannelRange{throughWholeSlices(v->node()->input(0)), slice->start, slice->end};
}

// conv2d(reflect_pad_cl(x[:, start:end], pad), W, bias) read only by the fused sum, W's input
// channels the range's (when its end is known).
struct PaddedConv {
    Node* conv = nullptr;
    Node* pad = nullptr;
    Node* slice = nullptr;
    ChannelRange range;
    at::Tensor weight;
};

// The uses of v, less those by lists nothing reads: the sums that mergeConcats replaced leave their
// operand lists behind for dead-code elimination, which runs after every step.
size_t liveUses(Value* v) {
    size_t count = 0;
    for (const auto& use : v->uses())
        if (use.user->kind() != c10::prim::ListConstruct || !use.user->output()->uses().empty())
            ++count;
    return count;
}

c10::optional<PaddedConv> paddedConv(Value* v) {
    Node* conv = v->node();
    const auto weight = conv->kind() == kConv2d ? plainConvWeight(conv) : c10::nullopt;
    if (!weight || liveUses(v) != 1) return c10::nullopt;
    Node* pad = conv->input(0)->node();
    if (pad->kind() != c10::Symbol::fromQualString(fused::kReflectPad) ||
        !constantInts(pad->input(1)))
        return c10::nullopt;
    const auto range = channelRange(pad->input(0));
    if (!range || (range->end != kToTheEnd && range->end - range->start != weight->size(1)))
        return c10::nullopt;
    return PaddedConv{conv, pad, pad->input(0)->node(), *range, *weight};
}

at::Tensor biasOf(Node* conv) {
    return isNone(conv->input(2)) ? at::Tensor() : *constantTensor(conv->input(2));
}

// first's channels right before second's, the same pad, weights that can stand side by side.
bool joinable(const PaddedConv& first, const PaddedConv& second) {
    const at::Tensor& a = first.weight;
    const at::Tensor& b = second.weight;
    return first.range.source == second.range.source && first.range.end != kToTheEnd &&
           first.range.end == second.range.start &&
           *constantInts(first.pad->input(1)) == *constantInts(second.pad->input(1)) &&
           a.size(0) == b.size(0) && a.size(2) == b.size(2) && a.size(3) == b.size(3) &&
           a.scalar_type() == b.scalar_type() && a.device() == b.device();
}

void destroyIfUnread(Node* node) {
    if (node->output()->uses().empty()) node->destroy();
}

// The lists that still read the dropped convolution's output (nothing reads them) go first.
void destroyWithDeadLists(Node* conv) {
    for (const auto& use : std::vector<torch::jit::Use>(conv->output()->uses()))
        if (use.user->kind() == c10::prim::ListConstruct && use.user->output()->uses().empty())
            use.user->destroy();
    destroyIfUnread(conv);
}

// Part i of `sum`: conv `keep` becomes the joined convolution, `drop` goes; b[i] becomes empty.
void join(Node* sum, size_t i, const PaddedConv& first, const PaddedConv& second,
          const PaddedConv& keep, const PaddedConv& drop) {
    auto* graph = sum->owningGraph();
    Node* conv = keep.conv;
    torch::jit::WithInsertPoint before(conv);
    Value* input = first.range.source;
    if (first.range.start != 0 || second.range.end != kToTheEnd)
        input = graph->insert(c10::aten::slice,
                              {input, int64_t(1), first.range.start, second.range.end, int64_t(1)});
    Value* padded = graph->insert(c10::Symbol::fromQualString(fused::kReflectPad),
                                  {input, keep.pad->input(1)});
    at::Tensor weight = at::cat({first.weight, second.weight}, 1);
    // Channels last, as padsToChannelsLast stored the two (cuDNN then reads the pad as it is).
    if (keep.weight.is_contiguous(at::MemoryFormat::ChannelsLast))
        weight = weight.contiguous(at::MemoryFormat::ChannelsLast);
    const at::Tensor a = biasOf(first.conv), b = biasOf(second.conv);
    const at::Tensor bias = a.defined() && b.defined() ? a + b : a.defined() ? a : b;
    conv->replaceInput(0, padded);
    conv->replaceInput(1, graph->insertConstant(weight));
    conv->replaceInput(2, bias.defined() ? graph->insertConstant(bias)
                                         : graph->insertConstant(c10::IValue()));
    // The sum's b[i] = the dropped convolution's output: an empty tensor now, which adds nothing.
    Node* list = sum->input(1)->node();
    {
        torch::jit::WithInsertPoint beforeList(list);
        list->replaceInput(i, graph->insertConstant(at::empty({0}, weight.options())));
    }
    destroyWithDeadLists(drop.conv);
    // Pads and slices nobody reads any more (x_g's; x_l's pad stays for l2g). Dead-code
    // elimination would keep the custom pad.
    for (const PaddedConv* part : {&keep, &drop}) {
        destroyIfUnread(part->pad);
        destroyIfUnread(part->slice);
    }
}

}  // namespace

int localConvsJoined(torch::jit::Block* block) {
    const auto sumSymbol = c10::Symbol::fromQualString(fused::kReluSumCat);
    int count = 0;
    for (Node* sum : block->nodes()) {
        if (sum->kind() != sumSymbol) continue;
        Node* aList = sum->input(0)->node();
        Node* bList = sum->input(1)->node();
        if (aList->kind() != c10::prim::ListConstruct || bList->kind() != c10::prim::ListConstruct ||
            sum->input(1)->uses().size() != 1 || aList->inputs().size() != bList->inputs().size())
            continue;
        for (size_t i = 0; i < bList->inputs().size(); ++i) {
            const auto a = paddedConv(aList->input(i));
            const auto b = a ? paddedConv(bList->input(i)) : c10::nullopt;
            if (!b || a->conv == b->conv) continue;
            if (joinable(*a, *b))
                join(sum, i, *a, *b, *a, *b);
            else if (joinable(*b, *a))
                join(sum, i, *b, *a, *a, *b);
            else
                continue;
            ++count;
        }
    }
    return count;
}

}  // namespace pm::engine::fusion
