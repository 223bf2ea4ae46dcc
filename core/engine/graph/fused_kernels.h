#pragma once
// CUDA kernels behind the fused operators (fused_ops.h). Why hand-written: around big-LaMa's
// convolutions, cuDNN transposes every NCHW fp16 tensor to NHWC and back, PyTorch runs reflection
// pads, sums, ReLUs and concatenations as separate passes, and at 1024² those passes cost more GPU
// time than the convolutions. These kernels change the layout in the same pass that pads or sums.
// Compiled only when CMake finds nvcc next to a CUDA libtorch (PM_HAVE_FUSED_KERNELS); pointers
// are device memory, `stream` a cudaStream_t.
#include <cstdint>

namespace pm::engine::kernels {

enum class Precision { Half, Float };

/// A 4-D [N, C, H, W] tensor's data, either NCHW-contiguous or channels-last-contiguous.
struct Operand {
    const void* data;
    bool channelsLast;
};

/// out (channels last, [N, C, H + top + bottom, W + left + right]) = reflection padding of in.
/// Every pad is smaller than the side it reflects.
void reflectPad(Precision precision, Operand in, void* out, int n, int c, int h, int w, int top,
                int left, int outH, int outW, void* stream);

/// reflectPad of relu(in + bias[c]) (bias: c values of the precision), for a channels-last `in`
/// whose channels fill 16-byte vectors; false, with nothing launched, for any other input.
bool biasReluReflectPad(Precision precision, Operand in, const void* bias, void* out, int n, int c,
                        int h, int w, int top, int left, int outH, int outW, void* stream);

/// For channels [offset, offset + c) of out (NCHW-contiguous, [N, outChannels, H, W]):
/// out = relu(a + b + bias[c]) + residual, with b, bias and residual optional (nullptr); the
/// residual has out's layout and shape. Sums in fp32, rounds once.
void reluSum(Precision precision, Operand a, Operand b, const void* bias, const void* residual,
             void* out, int n, int c, int hw, int outChannels, int offset, void* stream);

/// Up to four channels-last reflection-padded copies of channel ranges of reluSum's output.
struct PaddedCopies {
    static constexpr int kMax = 4;
    void* data[kMax];  ///< [N, end - start, h + top + bottom, w + left + right], channels last
    int start[kMax];   ///< output channels [start, end), both even, ranges disjoint
    int end[kMax];
    int count;
    int h, w, top, bottom, left, right;  ///< each pad smaller than the side it reflects
};

/// reluSum (pairs only: even c, offset and hw) that also writes each value to every position of
/// the padded copy of the range holding its channel that reflects it: F.pad(out[:, start:end],
/// pad, "reflect") without reading out back.
void reluSumPadded(Precision precision, Operand a, Operand b, const void* bias,
                   const void* residual, void* out, int n, int c, int hw, int outChannels,
                   int offset, const PaddedCopies& copies, void* stream);

/// In place on x ([N, C, HW], NCHW- or channels-last-contiguous): x = x + bias[c], then relu when
/// asked.
void biasRelu(Precision precision, void* x, bool channelsLast, const void* bias, int n, int c,
              int64_t hw, bool relu, void* stream);
/// biasRelu that also writes the new values, as stored in x and read back in fp32, to `widened`
/// (fp32, x's layout and size): x.to(float) in the same pass.
void biasReluWidened(Precision precision, void* x, bool channelsLast, const void* bias, int n,
                     int c, int64_t hw, bool relu, float* widened, void* stream);

/// LaMa's Fourier unit around its convolution. spectrumToChannels: z (complex64, contiguous
/// [N, C, HW]) -> out [N, 2C, HW], channel 2c the real and 2c + 1 the imaginary part of z's
/// channel c, times scale. channelsToSpectrum: the inverse, from relu(x + bias) (relu and bias
/// optional) [N, 2C, HW] to z, times scale.
void spectrumToChannels(Precision precision, const void* z, void* out, int64_t nc, int64_t hw,
                        float scale, void* stream);
void channelsToSpectrum(Precision precision, const void* x, const void* bias, bool relu,
                        void* z, int64_t n, int64_t c, int64_t hw, float scale, void* stream);

/// out = x + y, x and out in `precision`, y fp32, all contiguous with `count` elements (the
/// Fourier unit's x + irfftn(...) without casting the FFT's output first).
void addWidened(Precision precision, const void* x, const float* y, void* out, int64_t count,
                void* stream);

/// The second half of a convolution with few output channels done as one matrix product per tap:
/// y ([N * hp * wp, columns >= r * s * k], row q = padded input pixel, column (tap, output
/// channel)) holds every pixel's contribution to every tap; out (NCHW [N, k, hp - r + 1,
/// wp - s + 1]) sums the r x s taps that reach each output pixel, plus bias (optional). k <= 8.
void tapSum(Precision precision, const void* y, int columns, const void* bias, void* out, int n,
            int k, int hp, int wp, int r, int s, void* stream);

/// The same convolution without y, on tensor cores (direct_tap_conv.cu): x channels-last fp16
/// [N, c, hp, wp] with c a multiple of 16, taps fp16 [c, columns] as tapSum's columns, bias fp16 k
/// values (optional), out NCHW fp16 [N, k, hp - r + 1, wp - s + 1]; sums in fp32, rounds once.
/// False, with nothing launched, for shapes it does not take (k > 8, r not 1, 3, 5 or 7, s > 9)
/// or a GPU without the shared memory it needs.
bool directTapConv(const void* x, int n, int c, int hp, int wp, const void* taps, int columns,
                   const void* bias, void* out, int k, int r, int s, void* stream);

}  // namespace pm::engine::kernels
