#pragma once
// What start-up does to a model before it serves on the CPU. Private to core/engine.
#include <string>

namespace torch::jit {
struct Module;
}

namespace pm::engine {

/// On libtorch 1.x: freezes the module and rewrites its stride-2 transposed convolutions as
/// convolutions and pixel shuffles (graph/transposed_conv_rewrite.h). Returns "" or, when that
/// failed and the module was left as loaded (slower, never wrong), why.
std::string prepareForCpu(torch::jit::Module& module);

}  // namespace pm::engine
