#include "core/engine/graph/fused_ops.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <tuple>
#include <vector>

#include <ATen/ATen.h>
#include <ATen/InferSize.h>
#include <torch/library.h>

#if defined(PM_HAVE_FUSED_KERNELS)
#include <c10/cuda/CUDAStream.h>

#include "core/engine/graph/fused_kernels.h"
#endif
#if defined(PM_HAVE_CUFFT_C2R)
#include <c10/cuda/CUDAGuard.h>

#include "core/engine/graph/inverse_fft.h"
#endif

namespace pm::engine::fused {
namespace {

at::Tensor reflectPadReference(const at::Tensor& x, c10::IntArrayRef pad) {
    at::Tensor padded = at::reflection_pad2d(x, pad);
    return padded.dim() == 4 ? padded.contiguous(at::MemoryFormat::ChannelsLast) : padded;
}

// relu_sum_cat's b[i] given as an empty 1-D tensor: the part is a[i] alone (one convolution over
// all the inputs that the sum's two convolutions read apart, localConvsJoined).
bool absent(const at::Tensor& t) { return !t.defined() || (t.dim() == 1 && t.numel() == 0); }

at::Tensor reluSumCatReference(at::TensorList a, at::TensorList b, at::TensorList bias,
                               const c10::optional<at::Tensor>& residual) {
    std::vector<at::Tensor> parts;
    for (size_t i = 0; i < a.size(); ++i) {
        at::Tensor sum = absent(b[i]) ? a[i] : a[i] + b[i];
        if (bias[i].numel() > 0) sum = sum + bias[i].reshape({1, -1, 1, 1});
        parts.push_back(at::relu(sum).contiguous());
    }
    at::Tensor out = parts.size() == 1 ? parts[0] : at::cat(parts, 1);
    return residual && residual->defined() ? *residual + out : out;
}

#if defined(PM_HAVE_FUSED_KERNELS)
bool kernelReady(const at::Tensor& t, at::ScalarType type) {
    return t.is_cuda() && t.scalar_type() == type && t.dim() == 4 &&
           (t.is_contiguous() || t.is_contiguous(at::MemoryFormat::ChannelsLast));
}

kernels::Operand operand(const at::Tensor& t) {
    // A tensor that is both (one channel, or 1x1 pixels) reads the same either way.
    return {t.data_ptr(), !t.is_contiguous()};
}

// b of a relu_sum_cat part: nullptr, which the kernels read as zeros, where it is absent.
kernels::Operand operandOrNone(const at::Tensor& t) {
    return absent(t) ? kernels::Operand{nullptr, false} : operand(t);
}

c10::optional<kernels::Precision> precisionOf(const at::Tensor& t) {
    if (t.scalar_type() == at::kHalf) return kernels::Precision::Half;
    if (t.scalar_type() == at::kFloat) return kernels::Precision::Float;
    return c10::nullopt;
}

void* currentStream() { return c10::cuda::getCurrentCUDAStream().stream(); }
#endif

// A reflection pad the kernels can write: four amounts, each less than the side it pads.
bool padFits(const at::Tensor& x, c10::IntArrayRef pad) {
    if (pad.size() != 4) return false;
    const int64_t h = x.size(2), w = x.size(3);
    return pad[0] >= 0 && pad[1] >= 0 && pad[2] >= 0 && pad[3] >= 0 && pad[0] < w && pad[1] < w &&
           pad[2] < h && pad[3] < h;
}

at::Tensor reflectPad(const at::Tensor& x, c10::IntArrayRef pad) {
#if defined(PM_HAVE_FUSED_KERNELS)
    const auto precision = precisionOf(x);
    if (precision && kernelReady(x, x.scalar_type()) && pad.size() == 4) {
        const int64_t h = x.size(2), w = x.size(3);
        if (padFits(x, pad)) {
            const int64_t outH = h + pad[2] + pad[3], outW = w + pad[0] + pad[1];
            at::Tensor out = at::empty({x.size(0), x.size(1), outH, outW},
                                       x.options().memory_format(at::MemoryFormat::ChannelsLast));
            kernels::reflectPad(*precision, operand(x), out.data_ptr(), int(x.size(0)),
                                int(x.size(1)), int(h), int(w), int(pad[2]), int(pad[0]),
                                int(outH), int(outW), currentStream());
            return out;
        }
    }
#endif
    return reflectPadReference(x, pad);
}

#if defined(PM_HAVE_FUSED_KERNELS)
// What the relu_sum_cat kernels need to know, when every tensor fits them.
struct SumShape {
    kernels::Precision precision;
    int64_t n, h, w, channels;
    bool evenParts;  // every part has an even channel count (the paired kernels)
    at::Tensor residual;  // contiguous, or undefined
};

c10::optional<SumShape> kernelShape(at::TensorList a, at::TensorList b, at::TensorList bias,
                                    const c10::optional<at::Tensor>& residual) {
    if (a.empty() || a.size() != b.size() || a.size() != bias.size()) return c10::nullopt;
    const auto precision = precisionOf(a[0]);
    if (!precision) return c10::nullopt;
    const auto type = a[0].scalar_type();
    SumShape shape{*precision, a[0].size(0), a[0].dim() == 4 ? a[0].size(2) : 0,
                   a[0].dim() == 4 ? a[0].size(3) : 0, 0, true, {}};
    for (size_t i = 0; i < a.size(); ++i) {
        if (!kernelReady(a[i], type) ||
            (!absent(b[i]) && (!kernelReady(b[i], type) || a[i].sizes() != b[i].sizes())) ||
            a[i].size(0) != shape.n || a[i].size(2) != shape.h || a[i].size(3) != shape.w)
            return c10::nullopt;
        if (bias[i].numel() > 0 && (!bias[i].is_cuda() || bias[i].scalar_type() != type ||
                                    bias[i].numel() != a[i].size(1) || !bias[i].is_contiguous()))
            return c10::nullopt;
        shape.channels += a[i].size(1);
        shape.evenParts = shape.evenParts && a[i].size(1) % 2 == 0;
    }
    if (residual && residual->defined()) {
        const std::vector<int64_t> sizes{shape.n, shape.channels, shape.h, shape.w};
        if (residual->sizes() != c10::IntArrayRef(sizes) || residual->scalar_type() != type ||
            !residual->is_cuda())
            return c10::nullopt;
        shape.residual = residual->contiguous();
    }
    return shape;
}

// The one-kernel-per-part path, when every tensor fits it; else an undefined tensor.
at::Tensor reluSumCatKernels(at::TensorList a, at::TensorList b, at::TensorList bias,
                             const c10::optional<at::Tensor>& residual) {
    const auto shape = kernelShape(a, b, bias, residual);
    if (!shape) return {};
    const auto precision = shape->precision;
    const int64_t n = shape->n, h = shape->h, w = shape->w, channels = shape->channels;
    at::Tensor out = at::empty({n, channels, h, w}, a[0].options());
    const at::Tensor& res = shape->residual;
    int64_t offset = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        kernels::reluSum(precision, operand(a[i]), operandOrNone(b[i]),
                         bias[i].numel() > 0 ? bias[i].data_ptr() : nullptr,
                         res.defined() ? res.data_ptr() : nullptr, out.data_ptr(), int(n),
                         int(a[i].size(1)), int(h * w), int(channels), int(offset),
                         currentStream());
        offset += a[i].size(1);
    }
    return out;
}
#endif

at::Tensor reluSumCat(at::TensorList a, at::TensorList b, at::TensorList bias,
                      const c10::optional<at::Tensor>& residual) {
#if defined(PM_HAVE_FUSED_KERNELS)
    if (at::Tensor out = reluSumCatKernels(a, b, bias, residual); out.defined()) return out;
#endif
    return reluSumCatReference(a, b, bias, residual);
}

#if defined(PM_HAVE_FUSED_KERNELS)
// relu_sum_cat_pad in one kernel per part, when every tensor, the pad and the ranges fit the
// paired kernel; else an empty list.
std::vector<at::Tensor> reluSumCatPadKernels(at::TensorList a, at::TensorList b,
                                             at::TensorList bias,
                                             const c10::optional<at::Tensor>& residual,
                                             c10::IntArrayRef pad, c10::IntArrayRef ranges) {
    const auto shape = kernelShape(a, b, bias, residual);
    const int64_t count = static_cast<int64_t>(ranges.size()) / 2;
    if (!shape || !shape->evenParts || (shape->h * shape->w) % 2 != 0 || pad.size() != 4 ||
        ranges.size() % 2 != 0 || count < 1 || count > kernels::PaddedCopies::kMax)
        return {};
    const int64_t h = shape->h, w = shape->w, channels = shape->channels;
    for (const int64_t p : pad)
        if (p < 0) return {};
    if (pad[0] >= w || pad[1] >= w || pad[2] >= h || pad[3] >= h) return {};
    kernels::PaddedCopies copies{};
    copies.count = static_cast<int>(count);
    copies.h = int(h), copies.w = int(w);
    copies.left = int(pad[0]), copies.right = int(pad[1]), copies.top = int(pad[2]),
    copies.bottom = int(pad[3]);
    const int64_t outH = h + pad[2] + pad[3], outW = w + pad[0] + pad[1];
    std::vector<at::Tensor> out{at::empty({shape->n, channels, h, w}, a[0].options())};
    for (int64_t i = 0; i < count; ++i) {
        // As slice reads them: an end past the channels stops at the last one.
        const int64_t start = ranges[2 * i], end = std::min(ranges[2 * i + 1], channels);
        if (start < 0 || start >= end || start % 2 != 0 || end % 2 != 0) return {};
        for (int64_t j = 0; j < i; ++j)
            if (start < copies.end[j] && copies.start[j] < end) return {};  // overlapping ranges
        copies.start[i] = int(start), copies.end[i] = int(end);
        out.push_back(at::empty({shape->n, end - start, outH, outW},
                                a[0].options().memory_format(at::MemoryFormat::ChannelsLast)));
        copies.data[i] = out.back().data_ptr();
    }
    int64_t offset = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        kernels::reluSumPadded(shape->precision, operand(a[i]), operandOrNone(b[i]),
                               bias[i].numel() > 0 ? bias[i].data_ptr() : nullptr,
                               shape->residual.defined() ? shape->residual.data_ptr() : nullptr,
                               out[0].data_ptr(), int(shape->n), int(a[i].size(1)), int(h * w),
                               int(channels), int(offset), copies, currentStream());
        offset += a[i].size(1);
    }
    return out;
}
#endif

std::vector<at::Tensor> reluSumCatPad(at::TensorList a, at::TensorList b, at::TensorList bias,
                                      const c10::optional<at::Tensor>& residual,
                                      c10::IntArrayRef pad, c10::IntArrayRef ranges) {
#if defined(PM_HAVE_FUSED_KERNELS)
    if (auto out = reluSumCatPadKernels(a, b, bias, residual, pad, ranges); !out.empty())
        return out;
#endif
    // The sum, then each pad as reflect_pad_cl does it (its own kernel where one fits).
    std::vector<at::Tensor> out{reluSumCat(a, b, bias, residual)};
    for (size_t i = 0; i + 1 < ranges.size(); i += 2)
        out.push_back(reflectPad(out[0].slice(1, ranges[i], ranges[i + 1]), pad));
    return out;
}

// Whether a 1x1 convolution of x by weight (and bias) can run as a matrix product: contiguous
// NCHW x, a [out, c, 1, 1] weight of x's type, a bias per output channel.
bool pointwiseFits(const at::Tensor& x, const at::Tensor& weight,
                   const c10::optional<at::Tensor>& bias) {
    return x.dim() == 4 && x.is_contiguous() && weight.dim() == 4 && weight.size(1) == x.size(1) &&
           weight.size(2) == 1 && weight.size(3) == 1 && weight.scalar_type() == x.scalar_type() &&
           (!bias || !bias->defined() || bias->numel() == weight.size(0));
}

// That convolution's product, without bias: [out, c] x [n, c, h * w] -> [n, out, h, w].
at::Tensor pointwiseProduct(const at::Tensor& x, const at::Tensor& weight) {
    const int64_t n = x.size(0), h = x.size(2), w = x.size(3), out = weight.size(0);
    const at::Tensor w2 = weight.reshape({out, x.size(1)});
    return n == 1 ? at::mm(w2, x.reshape({x.size(1), h * w})).reshape({1, out, h, w})
                  : at::matmul(w2, x.reshape({n, x.size(1), h * w})).reshape({n, out, h, w});
}

at::Tensor conv1x1(const at::Tensor& x, const at::Tensor& weight,
                   const c10::optional<at::Tensor>& bias, bool relu) {
    const bool hasBias = bias && bias->defined();
    if (!pointwiseFits(x, weight, bias)) {
        at::Tensor out = at::conv2d(x, weight, hasBias ? *bias : at::Tensor());
        return relu ? at::relu(out) : out;
    }
    at::Tensor y = pointwiseProduct(x, weight);
#if defined(PM_HAVE_FUSED_KERNELS)
    const int64_t n = x.size(0), h = x.size(2), w = x.size(3), out = weight.size(0);
    const auto precision = precisionOf(y);
    if (y.is_cuda() && precision && (!hasBias || (bias->is_cuda() && bias->is_contiguous() &&
                                                  bias->scalar_type() == y.scalar_type()))) {
        if (hasBias || relu)
            kernels::biasRelu(*precision, y.data_ptr(), false,
                              hasBias ? bias->data_ptr() : nullptr, int(n), int(out), h * w, relu,
                              currentStream());
        return y;
    }
#endif
    if (hasBias) y.add_(bias->reshape({1, -1, 1, 1}));
    return relu ? y.relu_() : y;
}

// conv1x1 and its result read back in fp32 (the Fourier unit's input to rfftn), both written by the
// bias + relu pass where the kernel takes the product; else a cast pass after it.
std::tuple<at::Tensor, at::Tensor> conv1x1Widened(const at::Tensor& x, const at::Tensor& weight,
                                                  const c10::optional<at::Tensor>& bias,
                                                  bool relu) {
#if defined(PM_HAVE_FUSED_KERNELS)
    const bool hasBias = bias && bias->defined();
    const bool fits = x.is_cuda() && x.scalar_type() == at::kHalf &&
                      pointwiseFits(x, weight, bias) &&
                      (!hasBias || (bias->is_cuda() && bias->is_contiguous() &&
                                    bias->scalar_type() == at::kHalf));
    if (fits) {
        const int64_t n = x.size(0), h = x.size(2), w = x.size(3), out = weight.size(0);
        at::Tensor y = pointwiseProduct(x, weight);
        at::Tensor widened = at::empty_like(y, y.options().dtype(at::kFloat));
        kernels::biasReluWidened(kernels::Precision::Half, y.data_ptr(), false,
                                 hasBias ? bias->data_ptr() : nullptr, int(n), int(out), h * w,
                                 relu, widened.data_ptr<float>(), currentStream());
        return {y, widened};
    }
#endif
    at::Tensor y = conv1x1(x, weight, bias, relu);
    return {y, y.to(at::kFloat)};
}

at::Tensor& biasRelu(at::Tensor& x, const at::Tensor& bias) {
#if defined(PM_HAVE_FUSED_KERNELS)
    const auto precision = precisionOf(x);
    if (precision && kernelReady(x, x.scalar_type()) && bias.is_cuda() && bias.is_contiguous() &&
        bias.scalar_type() == x.scalar_type() && bias.numel() == x.size(1)) {
        kernels::biasRelu(*precision, x.data_ptr(), !x.is_contiguous(), bias.data_ptr(),
                          int(x.size(0)), int(x.size(1)), x.size(2) * x.size(3), true,
                          currentStream());
        return x;
    }
#endif
    const auto shape = x.dim() == 4 ? std::vector<int64_t>{1, -1, 1, 1} : std::vector<int64_t>{-1};
    return x.add_(bias.reshape(shape)).relu_();
}

// reflect_pad_cl(bias_relu_(x, bias), pad) in one pass where the kernel takes x (channels last,
// 16-byte channel groups); else the two passes, on a copy: the rewrite guarantees that nothing
// else reads x, but the operator itself does not change its input.
at::Tensor biasReluReflectPad(const at::Tensor& x, const at::Tensor& bias, c10::IntArrayRef pad) {
#if defined(PM_HAVE_FUSED_KERNELS)
    const auto precision = precisionOf(x);
    if (precision && kernelReady(x, x.scalar_type()) && padFits(x, pad) && bias.is_cuda() &&
        bias.is_contiguous() && bias.scalar_type() == x.scalar_type() &&
        bias.numel() == x.size(1)) {
        const int64_t h = x.size(2), w = x.size(3);
        const int64_t outH = h + pad[2] + pad[3], outW = w + pad[0] + pad[1];
        at::Tensor out = at::empty({x.size(0), x.size(1), outH, outW},
                                   x.options().memory_format(at::MemoryFormat::ChannelsLast));
        if (kernels::biasReluReflectPad(*precision, operand(x), bias.data_ptr(), out.data_ptr(),
                                        int(x.size(0)), int(x.size(1)), int(h), int(w),
                                        int(pad[2]), int(pad[0]), int(outH), int(outW),
                                        currentStream()))
            return out;
    }
#endif
    at::Tensor y = x.clone();
    return reflectPad(biasRelu(y, bias), pad);
}

// 1 / sqrt(signal size): the "ortho" scaling of the FFT whose own scaling the rewrite removed.
double orthoScale(c10::IntArrayRef signal) {
    double size = 1;
    for (const int64_t n : signal) size *= static_cast<double>(n);
    return 1.0 / std::sqrt(size);
}

at::Tensor spectrumToChannelsReference(const at::Tensor& z, c10::IntArrayRef shape,
                                       c10::optional<at::ScalarType> dtype, double scale) {
    at::Tensor re = at::real(z) * scale, im = at::imag(z) * scale;
    if (dtype) {
        re = re.to(*dtype);
        im = im.to(*dtype);
    }
    return at::stack({re, im}, -1).permute({0, 1, 4, 2, 3}).contiguous().view(shape);
}

at::Tensor spectrumToChannels(const at::Tensor& z, c10::IntArrayRef shape,
                              c10::optional<at::ScalarType> dtype,
                              const c10::optional<at::Tensor>& signal) {
    const double scale =
        signal && signal->defined() ? orthoScale(signal->sizes().slice(signal->dim() - 2)) : 1.0;
#if defined(PM_HAVE_FUSED_KERNELS)
    const auto type = dtype.value_or(at::kFloat);
    if (z.is_cuda() && z.scalar_type() == at::kComplexFloat && z.dim() == 4 && z.is_contiguous() &&
        (type == at::kHalf || type == at::kFloat)) {
        const std::vector<int64_t> sizes{z.size(0), 2 * z.size(1), z.size(2), z.size(3)};
        const auto wanted = at::infer_size(shape, z.numel() * 2);
        if (std::vector<int64_t>(wanted.begin(), wanted.end()) == sizes) {
            at::Tensor out = at::empty(sizes, z.options().dtype(type));
            kernels::spectrumToChannels(*precisionOf(out), z.data_ptr(), out.data_ptr(),
                                        z.size(0) * z.size(1), z.size(2) * z.size(3),
                                        static_cast<float>(scale), currentStream());
            return out;
        }
    }
#endif
    return spectrumToChannelsReference(z, shape, dtype, scale);
}

at::Tensor channelsToSpectrumReference(at::Tensor x, c10::IntArrayRef shape, bool widen,
                                       const at::Tensor& bias, bool relu, double scale) {
    if (bias.defined()) x = x + bias.reshape({1, -1, 1, 1});
    if (relu) x = at::relu(x);
    const at::Tensor t = x.view(shape).permute({0, 1, 3, 4, 2}).contiguous();
    at::Tensor re = t.select(-1, 0), im = t.select(-1, 1);
    if (widen) {
        re = re.to(at::kFloat);
        im = im.to(at::kFloat);
    }
    at::Tensor z = at::complex(re, im);
    return scale == 1.0 ? z : z * scale;
}

at::Tensor channelsToSpectrum(const at::Tensor& x, c10::IntArrayRef shape, bool widen,
                              const c10::optional<at::Tensor>& bias, bool relu,
                              c10::optional<c10::IntArrayRef> signalSize) {
    const double scale = signalSize ? orthoScale(*signalSize) : 1.0;
    const at::Tensor b = bias && bias->defined() ? *bias : at::Tensor();
#if defined(PM_HAVE_FUSED_KERNELS)
    const auto precision = precisionOf(x);
    const bool biasFits = !b.defined() || (b.is_cuda() && b.is_contiguous() &&
                                           b.scalar_type() == x.scalar_type() &&
                                           b.numel() == x.size(1));
    if (x.is_cuda() && precision && (widen || x.scalar_type() == at::kFloat) && x.dim() == 4 &&
        x.is_contiguous() && x.size(1) % 2 == 0 && biasFits) {
        const std::vector<int64_t> sizes{x.size(0), x.size(1) / 2, 2, x.size(2), x.size(3)};
        const auto wanted = at::infer_size(shape, x.numel());
        if (std::vector<int64_t>(wanted.begin(), wanted.end()) == sizes) {
            at::Tensor z = at::empty({x.size(0), x.size(1) / 2, x.size(2), x.size(3)},
                                     x.options().dtype(at::kComplexFloat));
            kernels::channelsToSpectrum(*precision, x.data_ptr(),
                                        b.defined() ? b.data_ptr() : nullptr, relu, z.data_ptr(),
                                        x.size(0), x.size(1) / 2, x.size(2) * x.size(3),
                                        static_cast<float>(scale), currentStream());
            return z;
        }
    }
#endif
    return channelsToSpectrumReference(x, shape, widen, b, relu, scale);
}

at::Tensor addWidened(const at::Tensor& x, const at::Tensor& y) {
#if defined(PM_HAVE_FUSED_KERNELS)
    const auto precision = precisionOf(x);
    if (precision && x.is_cuda() && y.is_cuda() && y.scalar_type() == at::kFloat &&
        x.sizes() == y.sizes() && x.is_contiguous() && y.is_contiguous()) {
        at::Tensor out = at::empty_like(x);
        kernels::addWidened(*precision, x.data_ptr(), y.data_ptr<float>(), out.data_ptr(),
                            x.numel(), currentStream());
        return out;
    }
#endif
    return x + y.to(x.scalar_type());
}

// The scale of an inverse FFT over `signal` elements for a norm of irfftn: "backward" (or none)
// divides by the size, "ortho" by its root, "forward" not at all; nullopt for any other word.
c10::optional<double> inverseScale(c10::optional<c10::string_view> norm, double signal) {
    if (!norm || *norm == "backward") return 1.0 / signal;
    if (*norm == "ortho") return 1.0 / std::sqrt(signal);
    if (*norm == "forward") return 1.0;
    return c10::nullopt;
}

#if defined(PM_HAVE_CUFFT_C2R)
// cuFFT's C2R straight from z into the result, where z fits the plan (complex64, contiguous, the
// one-sided spectrum of an s-sized signal in its last two dimensions); else an undefined tensor.
// Scaled afterwards as ATen scales its own irfftn (a multiplication of the result).
at::Tensor irfft2ConsumingKernel(at::Tensor& z, c10::IntArrayRef s,
                                 c10::optional<c10::string_view> norm) {
    if (!z.is_cuda() || z.scalar_type() != at::kComplexFloat || z.dim() < 3 || s.size() != 2 ||
        !z.is_contiguous() || z.numel() == 0)
        return {};
    const int64_t h = s[0], w = s[1];
    constexpr int64_t kMaxSide = 1 << 30;
    if (h < 1 || w < 2 || h > kMaxSide || w > kMaxSide || z.size(-2) != h ||
        z.size(-1) != w / 2 + 1)
        return {};
    const auto scale = inverseScale(norm, static_cast<double>(h) * static_cast<double>(w));
    if (!scale) return {};
    const c10::cuda::CUDAGuard onDevice(z.device());
    const kernels::C2rShape shape{z.numel() / (h * (w / 2 + 1)), int(h), int(w),
                                  int(z.get_device())};
    size_t workspaceBytes = 0;
    if (!kernels::c2rPlan(shape, currentStream(), &workspaceBytes)) return {};
    std::vector<int64_t> sizes(z.sizes().begin(), z.sizes().end());
    sizes.back() = w;
    at::Tensor out = at::empty(sizes, z.options().dtype(at::kFloat));
    const at::Tensor workspace = at::empty(
        {static_cast<int64_t>(std::max<size_t>(workspaceBytes, 1))}, z.options().dtype(at::kByte));
    kernels::c2r(shape, z.data_ptr(), out.data_ptr<float>(), workspace.data_ptr(),
                 currentStream());
    return *scale == 1.0 ? out : out.mul_(*scale);
}
#endif

at::Tensor irfft2Consuming(at::Tensor& z, c10::IntArrayRef s,
                           c10::optional<c10::string_view> norm) {
#if defined(PM_HAVE_CUFFT_C2R)
    if (at::Tensor out = irfft2ConsumingKernel(z, s, norm); out.defined()) return out;
#endif
    static const int64_t lastTwo[] = {-2, -1};
    return at::fft_irfftn(z, s, c10::IntArrayRef(lastTwo), norm);
}

// taps [C, >= R * S * K] (columns: tap, then output channel; any beyond are zeros) -> the conv2d
// weight [K, C, R, S].
at::Tensor convWeightFromTaps(const at::Tensor& taps, c10::IntArrayRef kernel) {
    return taps.narrow(1, 0, kernel[0] * kernel[1] * kernel[2])
        .reshape({taps.size(0), kernel[1], kernel[2], kernel[0]})
        .permute({3, 0, 1, 2});
}

at::Tensor convTaps(const at::Tensor& x, const at::Tensor& taps,
                    const c10::optional<at::Tensor>& bias, c10::IntArrayRef kernel) {
    const at::Tensor b = bias && bias->defined() ? *bias : at::Tensor();
#if defined(PM_HAVE_FUSED_KERNELS)
    const auto precision = precisionOf(x);
    const bool fits = precision && kernel.size() >= 3 && kernel[0] <= 8 && x.is_cuda() &&
                      x.dim() == 4 && x.is_contiguous(at::MemoryFormat::ChannelsLast) &&
                      taps.scalar_type() == x.scalar_type() && taps.size(0) == x.size(1) &&
                      taps.size(1) >= kernel[0] * kernel[1] * kernel[2] &&
                      x.size(2) >= kernel[1] && x.size(3) >= kernel[2] &&
                      (!b.defined() || (b.scalar_type() == x.scalar_type() && b.is_contiguous() &&
                                        b.numel() == kernel[0]));
    if (fits) {
        const int64_t n = x.size(0), hp = x.size(2), wp = x.size(3);
        at::Tensor out = at::empty({n, kernel[0], hp - kernel[1] + 1, wp - kernel[2] + 1},
                                   x.options().memory_format(at::MemoryFormat::Contiguous));
        // kernel[3] == 1 (smallConvsAsTaps' directTaps): on tensor cores without the taps'
        // products in memory, where the kernel takes the shape.
        const bool direct = kernel.size() == 4 && kernel[3] == 1 &&
                            *precision == kernels::Precision::Half && taps.is_contiguous();
        if (direct && kernels::directTapConv(x.data_ptr(), int(n), int(x.size(1)), int(hp),
                                             int(wp), taps.data_ptr(), int(taps.size(1)),
                                             b.defined() ? b.data_ptr() : nullptr,
                                             out.data_ptr(), int(kernel[0]), int(kernel[1]),
                                             int(kernel[2]), currentStream()))
            return out;
        // Channels-last x is a [N * hp * wp, C] matrix as it lies in memory.
        const at::Tensor y = at::mm(x.permute({0, 2, 3, 1}).reshape({-1, x.size(1)}), taps);
        kernels::tapSum(*precision, y.data_ptr(), int(taps.size(1)),
                        b.defined() ? b.data_ptr() : nullptr,
                        out.data_ptr(), int(n), int(kernel[0]), int(hp), int(wp), int(kernel[1]),
                        int(kernel[2]), currentStream());
        return out;
    }
#endif
    return at::conv2d(x, convWeightFromTaps(taps, kernel), b);
}

}  // namespace

void registerOperators() {
    // A library object registers its operators for as long as it lives: for the whole process.
    static std::once_flag once;
    std::call_once(once, [] {
        static auto* library = new torch::Library(torch::Library::DEF, "photomend", c10::nullopt,
                                                  __FILE__, __LINE__);
        library->def("reflect_pad_cl(Tensor x, int[] pad) -> Tensor", &reflectPad);
        library->def(
            "relu_sum_cat(Tensor[] a, Tensor[] b, Tensor[] bias, Tensor? residual) -> Tensor",
            &reluSumCat);
        library->def("relu_sum_cat_pad(Tensor[] a, Tensor[] b, Tensor[] bias, Tensor? residual, "
                     "int[] pad, int[] ranges) -> Tensor[]",
                     &reluSumCatPad);
        library->def("conv1x1(Tensor x, Tensor weight, Tensor? bias, bool relu) -> Tensor",
                     &conv1x1);
        library->def("bias_relu_(Tensor(a!) x, Tensor bias) -> Tensor(a!)", &biasRelu);
        library->def("bias_relu_reflect_pad_cl(Tensor x, Tensor bias, int[] pad) -> Tensor",
                     &biasReluReflectPad);
        library->def("spectrum_to_channels(Tensor z, int[] shape, ScalarType? dtype, "
                     "Tensor? signal) -> Tensor",
                     &spectrumToChannels);
        library->def("add_widened(Tensor x, Tensor y) -> Tensor", &addWidened);
        library->def("conv_taps(Tensor x, Tensor taps, Tensor? bias, int[] kernel) -> Tensor",
                     &convTaps);
        library->def("channels_to_spectrum(Tensor x, int[] shape, bool widen, Tensor? bias, "
                     "bool relu, int[]? signal_size) -> Tensor",
                     &channelsToSpectrum);
        library->def("conv1x1_widened(Tensor x, Tensor weight, Tensor? bias, bool relu) -> "
                     "(Tensor, Tensor)",
                     &conv1x1Widened);
        library->def("irfft2_consuming(Tensor(a!) z, int[] s, str? norm) -> Tensor",
                     &irfft2Consuming);
    });
}

bool haveConsumingInverseFft() {
#if defined(PM_HAVE_CUFFT_C2R)
    return true;
#else
    return false;
#endif
}

bool haveCudaKernels() {
#if defined(PM_HAVE_FUSED_KERNELS)
    return true;
#else
    return false;
#endif
}

}  // namespace pm::engine::fused
