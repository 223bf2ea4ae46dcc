#include "core/engine/graph/module_graphs.h"

#include <set>

#include <torch/csrc/jit/api/module.h>

namespace pm::engine::graph {

void forEachGraph(const torch::jit::Module& module,
                  const std::function<void(std::shared_ptr<torch::jit::Graph>&)>& fn) {
    std::set<torch::jit::Graph*> done;
    for (const auto& sub : module.modules())
        for (const auto& method : sub.get_methods()) {
            auto graph = method.graph();
            if (done.insert(graph.get()).second) fn(graph);
        }
}

}  // namespace pm::engine::graph
