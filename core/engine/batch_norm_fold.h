#pragma once
// Folds inference batch norms into the transposed convolution before them, which freezing does not
// do (it folds them into regular convolutions only). Why: in big-LaMa's decoder each of the three
// upsamplings is conv_transpose2d -> batch_norm -> relu at up to full size, and the batch norms took
// 1.16 of 18.9 ms at 1024² on an H100 (bench/gpu/NOTES.md).
#include <memory>

namespace torch::jit {
struct Graph;
}

namespace pm::engine {

/// Folds every aten::batch_norm (inference, constant statistics) that reads a conv_transpose2d with
/// constant weights and groups 1, which nothing but the batch norm and shape queries read. Returns
/// how many it folded.
int foldBatchNormIntoTransposedConv(const std::shared_ptr<torch::jit::Graph>& graph);

}  // namespace pm::engine
