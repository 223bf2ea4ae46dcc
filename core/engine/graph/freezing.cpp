#include "core/engine/graph/freezing.h"

#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/passes/freeze_module.h>

#include "core/engine/graph/batch_norm_fold.h"
#include "core/engine/graph/module_graphs.h"
#include "core/engine/runtime/torch_errors.h"

namespace pm::engine::graph {

TracedOpCounts freezeInPlace(torch::jit::Module& module) {
    torch::jit::freeze_module_inplace(&module);
    return optimizeFrozen(module);
}

int foldRemainingBatchNorms(torch::jit::Module& module, std::string* whyNot) {
    int folded = 0;
    try {
        forEachGraph(module, [&](auto& graph) {
            folded += foldBatchNormAfterConvSum(graph, whyNot);
            folded += foldBatchNormIntoTransposedConv(graph);
            torch::jit::EliminateDeadCode(graph);
        });
    } catch (const std::exception& e) {
        *whyNot = errorText(e);
    }
    return folded;
}

}  // namespace pm::engine::graph
