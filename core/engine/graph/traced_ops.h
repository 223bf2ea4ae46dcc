#pragma once
// Models made with torch.jit.trace (IOPaint's big-lama.pt among them) spell the same network
// differently from scripted ones: convolutions are aten::_convolution (13 arguments since torch 1.7,
// 12 before: its "deprecated" overload), and sizes go through tensors, aten::size ->
// prim::NumToTensor -> tensor arithmetic (with 0-dim constants made on the CPU) -> aten::Int.
// The engine's rewrites (batch_norm_fold.h, layout_fusion.h, transposed_conv_rewrite.h and
// freezing's own conv + batch norm folding) look for the scripted spelling, and CUDA graph capture
// fails on aten::Int of a tensor once its constants were moved to the GPU (a device sync). This
// pass turns the traced spelling into the scripted one, so a traced model gets every rewrite.
// Pads need nothing here: layout_fusion.cpp reads aten::pad(x, pad, "reflect") (torch 2.x, traced
// and scripted) and aten::reflection_pad2d (torch 1.x) alike.
#include <memory>
#include <string>

namespace torch::jit {
struct Graph;
struct Module;
}

namespace pm::engine {

struct TracedOpCounts {
    int convolutions = 0;           ///< aten::_convolution -> aten::conv2d
    int transposedConvolutions = 0;  ///< aten::_convolution -> aten::conv_transpose2d
    int sizeInts = 0;               ///< aten::Int of size arithmetic on tensors -> int arithmetic

    int total() const { return convolutions + transposedConvolutions + sizeInts; }
    /// "36 convolutions, 3 transposed convolutions, 72 sizes as ints" for the start-up trace.
    std::string describe() const;
};

/// Rewrites the traced spellings it recognises (2-D convolutions with constant flags; integer
/// size arithmetic of add, sub, rsub, mul, floor division) and leaves the rest; dead nodes are
/// removed. A graph without traced spellings is left as it is.
TracedOpCounts scriptedSpelling(const std::shared_ptr<torch::jit::Graph>& graph);

/// The engine's optimisation of a module that freeze_module() (or freeze_module_inplace()) froze:
/// scriptedSpelling() on every method's graph, then TorchScript's own frozen-graph optimisation
/// (torch::jit::OptimizeFrozenGraph), whose conv + batch norm folding needs the scripted spelling.
TracedOpCounts optimizeFrozen(torch::jit::Module& frozen);

}  // namespace pm::engine
