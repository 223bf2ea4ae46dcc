#pragma once
// Folds the inference batch norms that freezing leaves (it folds one into a regular convolution
// right before it only) into convolution weights. The transposed-convolution case, because in
// big-LaMa's decoder each of the three upsamplings is conv_transpose2d -> batch_norm -> relu at up
// to full size, and those batch norms took 1.16 of 18.9 ms at 1024² on an H100
// (bench/gpu/NOTES.md); the conv-sum case, because FFC blocks normalise the sum of two
// convolutions.
#include <memory>
#include <string>

namespace torch::jit {
struct Graph;
}

namespace pm::engine {

/// Folds every aten::batch_norm (inference, constant statistics) that reads a conv_transpose2d with
/// constant weights and groups 1, which nothing but the batch norm and shape queries read. Returns
/// how many it folded.
int foldBatchNormIntoTransposedConv(const std::shared_ptr<torch::jit::Graph>& graph);

/// Folds every batch norm of a sum of two convolutions, bn(conv1(a) + conv2(b)) as in LaMa's FFC
/// blocks, into both convolutions' weights and the shift into the first one's bias. Returns how
/// many; *whyNot gets the first reason a batch norm was left as it was.
int foldBatchNormAfterConvSum(const std::shared_ptr<torch::jit::Graph>& graph,
                              std::string* whyNot);

}  // namespace pm::engine
