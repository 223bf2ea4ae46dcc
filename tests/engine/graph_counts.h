#pragma once
// How many nodes of one kind a module's forward graph holds: the graph-rewrite tests count what a
// rewrite left behind (pads, slices, fused operators).
#include <torch/script.h>

namespace pm::engine::graph_counts {

inline int countNodes(const torch::jit::Module& module, const char* kind) {
    int count = 0;
    for (const auto* node : module.get_method("forward").graph()->nodes())
        if (node->kind() == c10::Symbol::fromQualString(kind)) ++count;
    return count;
}

}  // namespace pm::engine::graph_counts
