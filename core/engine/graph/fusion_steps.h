#pragma once
// The steps of layout_fusion.h's rewrite, one file per family (layout_fusion.cpp: pads and sums,
// conv_fusion.cpp: convolutions, local_conv_join.cpp: an FFC's two local convolutions as one,
// fourier_unit_fusion.cpp: LaMa's Fourier units), and what they share. Private to
// core/engine/graph. Each step returns how many places it rewrote.
#include <vector>

#include <torch/csrc/jit/ir/ir.h>

#include "core/engine/graph/graph_constants.h"

namespace pm::engine::fusion {

using graph::constantInt;
using graph::constantInts;
using graph::constantString;
using graph::constantTensor;
using graph::isNone;
using graph::onlyShapeReadsBesides;
using torch::jit::Node;
using torch::jit::Value;

extern const c10::Symbol kConv2d;
bool isConv(const torch::jit::Node* node);
/// aten::relu or its in-place form.
bool isRelu(const torch::jit::Node* node);
/// aten::add(a, b, 1) of two tensors.
bool addOfOne(torch::jit::Node* node);
/// The items of a prim::ListConstruct's output.
std::vector<torch::jit::Value*> listItems(torch::jit::Value* list);
/// The constant weight of an aten::conv2d with stride 1, no padding, dilation 1, groups 1 and a
/// constant bias or none; else nullopt.
c10::optional<at::Tensor> plainConvWeight(torch::jit::Node* conv);

int pointwiseConvsToMatmul(torch::jit::Block* block);
int biasAndReluInOnePass(torch::jit::Block* block);
/// direct: the conv_taps marked for the tensor-core kernel (kernel list {k, r, s, 1}).
int smallConvsAsTaps(torch::jit::Block* block, bool direct);
/// reflect_pad_cl(bias_relu_(y, b)) as one pass where nothing else reads y.
int biasReluIntoPads(torch::jit::Block* block);
int weightsChannelsLast(torch::jit::Block* block);
/// Zero input channels up to a multiple of 8 for fp16 convolutions that read a channels-last pad.
int narrowConvInputsWidened(torch::jit::Block* block);

int spectraToChannels(torch::jit::Block* block);
int channelsToSpectra(torch::jit::Block* block);
int sumsOfCasts(torch::jit::Block* block);
/// fft_irfftn(z, s, [-2, -1], norm) -> irfft2_consuming(z, s, norm) where z is a spectrum just made
/// (channels_to_spectrum or complex, perhaps through a cast) that nothing else reads.
int inverseFftsConsumingSpectra(torch::jit::Block* block);
/// conv1x1(x, w16, ...).to(float) -> conv1x1_widened: the fp32 copy written by the bias + relu pass.
int castsWrittenByPointwiseConvs(torch::jit::Block* block);

/// relu_sum_cat parts conv(pad(x[:, s:m]), Wa) + conv(pad(x[:, m:e]), Wb) as one convolution
/// conv(pad(x[:, s:e]), [Wa, Wb]) (LaMa's l2l(x_l) + g2l(x_g)); the part's b becomes empty.
int localConvsJoined(torch::jit::Block* block);

/// Reflection pads of a relu_sum_cat's output (or channel ranges of it) written by the sum.
int padsIntoSums(torch::jit::Block* block);

}  // namespace pm::engine::fusion
