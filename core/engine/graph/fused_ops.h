#pragma once
// TorchScript operators that the GPU path's graph rewrite (layout_fusion.h) puts in place of
// several ATen nodes. Each runs as one CUDA kernel where fused_kernels.cu was built, and as the
// ATen ops it replaces everywhere else (the CPU, other dtypes, unusual shapes), so a rewritten graph
// gives the same result on any device.
//
//   photomend::reflect_pad_cl(Tensor x, int[] pad) -> Tensor
//       F.pad(x, pad, "reflect") with a channels-last result, which the convolution reading it
//       takes without a transpose.
//   photomend::relu_sum_cat(Tensor[] a, Tensor[] b, Tensor[] bias, Tensor? residual) -> Tensor
//       cat([relu(a[i] + b[i] + bias[i]) for i], dim=1) + residual, NCHW; an empty bias adds
//       nothing, nor does an empty (1-D, no element) b[i]. Reads a[i] and b[i] in NCHW or
//       channels last.
//   photomend::relu_sum_cat_pad(Tensor[] a, Tensor[] b, Tensor[] bias, Tensor? residual,
//                               int[] pad, int[] ranges) -> Tensor[]
//       [y, reflect_pad_cl(y[:, s0:e0], pad), reflect_pad_cl(y[:, s1:e1], pad), ...] with
//       y = relu_sum_cat(a, b, bias, residual) and ranges = [s0, e0, s1, e1, ...] (an end past
//       y's channels stops there, as slice does): the sum writes the pads of its own output, so
//       no pad pass reads it back. LaMa pads both channel groups of every FFC's input this way.
//   photomend::conv1x1(Tensor x, Tensor weight, Tensor? bias, bool relu) -> Tensor
//       conv2d with a 1x1 kernel (stride 1, no padding, groups 1), then relu when asked, as a
//       matrix product on NCHW data: cuDNN transposed fp16 NCHW inputs for these, and PyTorch adds
//       a bias and applies the relu in two more passes.
//   photomend::conv1x1_widened(Tensor x, Tensor weight, Tensor? bias, bool relu) -> (Tensor, Tensor)
//       (y, y.to(float)) with y = conv1x1(x, weight, bias, relu): for fp16 weights, the fp32 copy
//       written by the bias + relu pass (the Fourier unit's rfftn input) instead of a cast pass.
//   photomend::bias_relu_(Tensor(a!) x, Tensor bias) -> Tensor(a!)
//       x = relu(x + bias[c]) in place, for the output of a convolution that now adds no bias (one
//       pass instead of a broadcast sum and a relu).
//   photomend::bias_relu_reflect_pad_cl(Tensor x, Tensor bias, int[] pad) -> Tensor
//       reflect_pad_cl(bias_relu_(x, bias), pad) without changing x, in one pass: LaMa's last
//       layer pads the decoder's last convolution (64 channels at full size), whose bias and relu
//       were a pass of their own.
//   photomend::spectrum_to_channels(Tensor z, int[] shape, ScalarType? dtype, Tensor? signal)
//       stack([real(z).to(dtype), imag(z).to(dtype)], -1).permute(0, 1, 4, 2, 3).contiguous()
//       .view(shape), times 1 / sqrt(H * W of signal) when given (the "ortho" scaling of the
//       rfftn that produced z, which then scales nothing): LaMa's Fourier unit turning a spectrum
//       into channels, in one pass.
//   photomend::channels_to_spectrum(Tensor x, int[] shape, bool widen, Tensor? bias, bool relu,
//                                   int[]? signal_size)
//       x = relu(x + bias); t = x.view(shape).permute(0, 1, 3, 4, 2).contiguous();
//       complex(t[..., 0], t[..., 1]) (each part cast to fp32 first when widen), times
//       1 / sqrt(prod(signal_size)) when given (the following irfftn's "ortho" scaling): and back.
//   photomend::conv_taps(Tensor x, Tensor taps, Tensor? bias, int[] kernel) -> Tensor
//       conv2d (stride 1, no padding) with kernel = [K <= 8 output channels, R, S] and the weight
//       stored as taps [C, R * S * K, zero columns up to a multiple of 8 for cuBLAS's aligned
//       kernels]: one matrix product of the channels-last input by every
//       tap, then a pass that sums the taps reaching each output pixel. cuDNN took 0.9 ms for
//       LaMa's 64 -> 3 channel 7x7 last layer at 1024² (H100), whatever the output channels.
//       kernel = [K, R, S, 1]: fp16 inputs with C a multiple of 16 run one tensor-core kernel
//       instead (direct_tap_conv.cu), the taps' products never written to memory.
//   photomend::add_widened(Tensor x, Tensor y) -> Tensor
//       x + y.to(x.dtype), y read in fp32: the Fourier unit's residual sum without a cast pass.
//   photomend::irfft2_consuming(Tensor(a!) z, int[] s, str? norm) -> Tensor
//       fft_irfftn(z, s, [-2, -1], norm), leaving z's values undefined: on CUDA (complex64,
//       contiguous, z's last two sizes those of s's one-sided spectrum) cuFFT's C2R reads and
//       overwrites z instead of a copy of it (inverse_fft.h); anywhere else ATen's irfftn. The
//       rewrite uses it only for a spectrum just made (channels_to_spectrum, complex) that
//       nothing else reads.

namespace pm::engine::fused {

inline constexpr const char* kReflectPad = "photomend::reflect_pad_cl";
inline constexpr const char* kReluSumCat = "photomend::relu_sum_cat";
inline constexpr const char* kReluSumCatPad = "photomend::relu_sum_cat_pad";
inline constexpr const char* kConv1x1 = "photomend::conv1x1";
inline constexpr const char* kConv1x1Widened = "photomend::conv1x1_widened";
inline constexpr const char* kBiasRelu = "photomend::bias_relu_";
inline constexpr const char* kBiasReluReflectPad = "photomend::bias_relu_reflect_pad_cl";
inline constexpr const char* kSpectrumToChannels = "photomend::spectrum_to_channels";
inline constexpr const char* kChannelsToSpectrum = "photomend::channels_to_spectrum";
inline constexpr const char* kAddWidened = "photomend::add_widened";
inline constexpr const char* kConvTaps = "photomend::conv_taps";
inline constexpr const char* kIrfft2Consuming = "photomend::irfft2_consuming";

/// Registers the operators (once; safe to call from any thread). The graph rewrite calls it.
void registerOperators();
/// Whether the CUDA kernels were built.
bool haveCudaKernels();
/// Whether irfft2_consuming runs cuFFT itself on CUDA (cuFFT was found at build time); without,
/// it runs ATen's irfftn, which copies its input.
bool haveConsumingInverseFft();

}  // namespace pm::engine::fused
