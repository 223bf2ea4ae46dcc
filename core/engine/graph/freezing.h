#pragma once
// Freezing a loaded module for the GPU: its weights become graph constants, which the folds and
// fusions of this folder read and rewrite, and its submodules are inlined (fewer kernels per
// request).
#include <string>

#include "core/engine/graph/traced_ops.h"

namespace torch::jit {
struct Module;
}

namespace pm::engine::graph {

/// torch::jit::freeze without its deep copy of the module: the session owns the module it loaded,
/// and copying big-LaMa's 200 MB of weights is a tenth of a second of start-up. Traced models get
/// the scripted spelling first (traced_ops.h). Returns what was respelled; throws what freezing
/// throws.
TracedOpCounts freezeInPlace(torch::jit::Module& module);

/// The batch norms freezing leaves (batch_norm_fold.h: after sums of two convolutions and after
/// transposed convolutions), folded in every graph of a frozen module. Returns how many; *whyNot
/// gets the first reason a batch norm after a sum was left, or why folding stopped. Each fold
/// edits the graph only once all its tensors exist: a failure leaves every batch norm either
/// folded or untouched.
int foldRemainingBatchNorms(torch::jit::Module& module, std::string* whyNot);

}  // namespace pm::engine::graph
