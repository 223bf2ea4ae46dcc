#pragma once
// Rewrites stride-2 transposed convolutions of a frozen TorchScript graph as a regular convolution
// followed by a pixel shuffle (the sub-pixel form). Same output up to float rounding. Why: the
// CPU libtorch of Debian 12 runs conv_transpose2d through its slow im2col path (5.3 of 7.2 s of
// big-LaMa at 512² on 2 cores) while regular convolutions go through oneDNN.
#include <memory>

namespace torch::jit {
struct Graph;
}

namespace pm::engine {

/// Rewrites every aten::conv_transpose2d (and traced aten::_convolution with transposed=true)
/// whose weights are graph constants and whose stride is 2, dilation 1, groups 1 and output size
/// even. Returns how many were rewritten; the others stay as they were.
int rewriteTransposedConvsAsSubpixel(const std::shared_ptr<torch::jit::Graph>& graph);

}  // namespace pm::engine
