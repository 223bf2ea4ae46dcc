// The reflection pads that read a fused sum's output (or a channel range of it) become outputs of
// the sum itself: photomend::relu_sum_cat_pad writes each value it computes straight to the padded
// copies, so no pad pass reads the sum back. In big-LaMa every FFC pads both channel groups of its
// input, the previous FFC's sum: 36 pads at the trunk's resolution. Scripted and traced graphs
// spell the channel range as aten::slice(x, 1, start, end, 1), with None (scripted) or 0 and
// INT64_MAX (traced) for an open end, sometimes behind a whole-tensor slice of dim 0.
#include <algorithm>
#include <limits>
#include <map>
#include <utility>
#include <vector>

#include "core/engine/graph/fused_ops.h"
#include "core/engine/graph/fusion_steps.h"

namespace pm::engine::fusion {
namespace {

constexpr int64_t kOpenEnd = std::numeric_limits<int64_t>::max();

// A start or end of aten::slice: None is `open`.
c10::optional<int64_t> sliceBound(Value* value, int64_t open) {
    if (isNone(value)) return open;
    return constantInt(value);
}

// [start, end) of channels that `node`, an aten::slice of a 4-D tensor, keeps; a slice of the whole
// batch dimension keeps every channel. nullopt for any other slice.
c10::optional<std::pair<int64_t, int64_t>> channelRange(Node* node) {
    if (node->kind() != c10::aten::slice || node->inputs().size() != 5) return c10::nullopt;
    const auto dim = constantInt(node->input(1));
    const auto start = sliceBound(node->input(2), 0);
    const auto end = sliceBound(node->input(3), kOpenEnd);
    const auto step = constantInt(node->input(4));
    if (!dim || !start || !end || !step || *step != 1 || *start < 0 || *end < 0)
        return c10::nullopt;
    if (*dim == 0 && *start == 0 && *end >= std::numeric_limits<int32_t>::max())
        return std::make_pair(int64_t(0), kOpenEnd);
    if (*dim == 1) return std::make_pair(*start, *end);
    return c10::nullopt;
}

struct PadRead {
    Node* pad;
    std::pair<int64_t, int64_t> range;
};

// The reflect_pad_cl nodes that read `value`, a channel range of it, or a whole-batch slice of
// those, with the range each reads.
void collectPads(Value* value, std::pair<int64_t, int64_t> range, bool sliced,
                 std::vector<PadRead>* pads) {
    static const auto fusedPad = c10::Symbol::fromQualString(fused::kReflectPad);
    for (const auto& use : value->uses()) {
        Node* user = use.user;
        if (user->kind() == fusedPad && use.offset == 0) {
            pads->push_back({user, range});
            continue;
        }
        if (use.offset != 0) continue;
        const auto kept = channelRange(user);
        if (!kept) continue;
        if (kept->first == 0 && kept->second == kOpenEnd) {
            collectPads(user->output(), range, sliced, pads);  // the whole tensor again
        } else if (!sliced) {
            collectPads(user->output(), *kept, true, pads);
        }
    }
}

}  // namespace

int padsIntoSums(torch::jit::Block* block) {
    const auto sum = c10::Symbol::fromQualString(fused::kReluSumCat);
    const auto sumPad = c10::Symbol::fromQualString(fused::kReluSumCatPad);
    int count = 0;
    for (auto it = block->nodes().begin(); it != block->nodes().end();) {
        Node* node = *it++;
        if (node->kind() != sum) continue;
        std::vector<PadRead> pads;
        collectPads(node->output(), {0, kOpenEnd}, false, &pads);
        if (pads.empty()) continue;
        // One pad size per sum (LaMa pads by 1 everywhere); pads of other sizes stay as they are.
        const auto amount = constantInts(pads.front().pad->input(1));
        if (!amount) continue;
        std::vector<std::pair<int64_t, int64_t>> ranges;
        std::map<Node*, size_t> copyOf;  // pad -> index of its copy among the ranges
        for (const PadRead& read : pads) {
            const auto padding = constantInts(read.pad->input(1));
            if (!padding || *padding != *amount) continue;
            auto found = std::find(ranges.begin(), ranges.end(), read.range);
            if (found == ranges.end()) {
                if (ranges.size() == 4) continue;  // the kernel's limit
                found = ranges.insert(ranges.end(), read.range);
            }
            copyOf[read.pad] = size_t(found - ranges.begin());
        }
        if (copyOf.empty()) continue;
        std::vector<int64_t> flat;
        for (const auto& [start, end] : ranges) flat.insert(flat.end(), {start, end});
        auto* graph = node->owningGraph();
        torch::jit::WithInsertPoint before(node);
        Value* list = graph->insert(sumPad, {node->input(0), node->input(1), node->input(2),
                                             node->input(3), *amount, flat});
        Node* unpack = graph->insertNode(graph->createListUnpack(list, 1 + ranges.size()));
        node->output()->replaceAllUsesWith(unpack->output(0));
        node->destroy();
        for (const auto& [pad, copy] : copyOf) {
            pad->output()->replaceAllUsesWith(unpack->output(1 + copy));
            pad->destroy();
            ++count;
        }
    }
    return count;
}

}  // namespace pm::engine::fusion
