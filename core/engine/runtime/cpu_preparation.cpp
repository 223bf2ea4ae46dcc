#include "core/engine/runtime/cpu_preparation.h"

#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/version.h>

#include "core/engine/graph/module_graphs.h"
#include "core/engine/graph/traced_ops.h"
#include "core/engine/graph/transposed_conv_rewrite.h"
#include "core/engine/runtime/torch_errors.h"

namespace pm::engine {

std::string prepareForCpu(torch::jit::Module& module) {
    // Measured on big-LaMa at 512²: libtorch 1.13 (Debian 12), 2 cores: 7.1 s -> 2.1 s with the
    // rewrite; libtorch 2.11, 16 cores: 416 ms without it and 538 ms with it, because 2.x already
    // runs transposed convolutions through oneDNN. So only 1.x gets it.
#if TORCH_VERSION_MAJOR < 2
    // Frozen, so that weights are constants the rewrite can read (and batch norms are folded).
    // Any failure leaves the module as loaded: slower, never wrong.
    try {
        torch::jit::Module frozen = torch::jit::freeze_module(module);
        optimizeFrozen(frozen);
        graph::forEachGraph(frozen, [](auto& graph) {
            rewriteTransposedConvsAsSubpixel(graph);
            torch::jit::EliminateDeadCode(graph);
        });
        module = frozen;
    } catch (const std::exception& e) {
        return "not frozen on the CPU: " + errorText(e);
    }
#else
    (void)module;
#endif
    return "";
}

}  // namespace pm::engine
