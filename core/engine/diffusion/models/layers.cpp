#include "core/engine/diffusion/models/layers.h"

#include <torch/version.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace pm::engine::diffusion {

Conv2d::Conv2d(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding,
               const torch::TensorOptions& options)
    : stride_(stride), padding_(padding) {
    weight_ = register_parameter("weight", torch::empty({out, in, kernel, kernel}, options), false);
    bias_ = register_parameter("bias", torch::empty({out}, options), false);
}

torch::Tensor Conv2d::forward(const torch::Tensor& x) const {
    return torch::conv2d(x, weight_, bias_, stride_, padding_);
}

torch::Tensor Conv2d::forwardRows(const torch::Tensor& rowsWithHalo, bool topEdge, bool bottomEdge) const {
    if (stride_ != 1 || padding_ != 1 || weight_.size(2) != 3)
        throw std::logic_error("Conv2d::forwardRows: only 3x3 convolutions with stride 1 and padding 1");
    const torch::Tensor padded =
        topEdge || bottomEdge ? torch::constant_pad_nd(rowsWithHalo, {0, 0, topEdge ? 1 : 0, bottomEdge ? 1 : 0}, 0)
                              : rowsWithHalo;
    return torch::conv2d(padded, weight_, bias_, 1, torch::IntArrayRef{0, 1});
}

Linear::Linear(int64_t in, int64_t out, bool bias, const torch::TensorOptions& options) {
    weight_ = register_parameter("weight", torch::empty({out, in}, options), false);
    if (bias) bias_ = register_parameter("bias", torch::empty({out}, options), false);
}

torch::Tensor Linear::forward(const torch::Tensor& x) const {
    return torch::linear(x, weight_, bias_);
}

GroupNorm::GroupNorm(int64_t groups, int64_t channels, double eps,
                     const torch::TensorOptions& options)
    : groups_(groups), eps_(eps) {
    weight_ = register_parameter("weight", torch::empty({channels}, options), false);
    bias_ = register_parameter("bias", torch::empty({channels}, options), false);
}

torch::Tensor GroupNorm::forward(const torch::Tensor& x) const {
    return torch::group_norm(x, groups_, weight_, bias_, eps_);
}

GroupStatistics GroupNorm::statistics(const torch::Tensor& x, int64_t bandRows) const {
    const int64_t B = x.size(0), H = x.size(2);
    torch::Tensor mean, m2;  // running mean and sum of squared deviations, [B, groups]
    int64_t counted = 0;
    for (int64_t r0 = 0; r0 < H; r0 += bandRows) {
        const int64_t rows = std::min(bandRows, H - r0);
        const torch::Tensor band = x.narrow(2, r0, rows).to(torch::kFloat).reshape({B, groups_, -1});
        const auto [bandVar, bandMean] = torch::var_mean(band, {2}, /*unbiased=*/false, /*keepdim=*/false);
        const int64_t n = band.size(2);
        if (counted == 0) {
            mean = bandMean;
            m2 = bandVar * static_cast<double>(n);
        } else {
            const double total = static_cast<double>(counted + n);
            const torch::Tensor delta = bandMean - mean;
            mean = mean + delta * (static_cast<double>(n) / total);
            m2 = m2 + bandVar * static_cast<double>(n) +
                 delta.square() * (static_cast<double>(counted) * static_cast<double>(n) / total);
        }
        counted += n;
    }
    return {mean, (m2 / static_cast<double>(counted) + eps_).rsqrt()};
}

torch::Tensor GroupNorm::normalizeRows(const torch::Tensor& rows, const GroupStatistics& stats) const {
    const int64_t B = rows.size(0), C = rows.size(1);
    // y = x * scale + shift per sample and channel: scale = gain / std, shift = bias - mean * scale.
    const torch::Tensor scale = stats.invStd.repeat_interleave(C / groups_, 1) * weight_.to(torch::kFloat);
    const torch::Tensor shift = bias_.to(torch::kFloat) - stats.mean.repeat_interleave(C / groups_, 1) * scale;
    return torch::addcmul(shift.view({B, C, 1, 1}), rows, scale.view({B, C, 1, 1})).to(rows.scalar_type());
}

LayerNorm::LayerNorm(int64_t dim, double eps, const torch::TensorOptions& options) : eps_(eps) {
    weight_ = register_parameter("weight", torch::empty({dim}, options), false);
    bias_ = register_parameter("bias", torch::empty({dim}, options), false);
}

torch::Tensor LayerNorm::forward(const torch::Tensor& x) const {
    return torch::layer_norm(x, {weight_.size(0)}, weight_, bias_, eps_);
}

Embedding::Embedding(int64_t count, int64_t dim, const torch::TensorOptions& options) {
    weight_ = register_parameter("weight", torch::empty({count, dim}, options), false);
}

torch::Tensor Embedding::forward(const torch::Tensor& ids) const {
    return torch::embedding(weight_, ids);
}

torch::Tensor siluInPlace(torch::Tensor x) {
    torch::silu_(x);
    return x;
}

torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        bool causal) {
#if TORCH_VERSION_MAJOR >= 2
    return at::scaled_dot_product_attention(q, k, v, {}, 0.0, causal);
#else
    const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
    auto scores = torch::matmul(q, k.transpose(-1, -2)) * scale;
    if (causal) {
        const auto L = q.size(-2), S = k.size(-2);
        auto later = torch::ones({L, S}, q.options().dtype(torch::kBool)).triu(1);
        scores = scores.masked_fill(later, -std::numeric_limits<float>::infinity());
    }
    return torch::matmul(scores.softmax(-1, torch::kFloat).to(q.scalar_type()), v);
#endif
}

torch::Tensor splitHeads(const torch::Tensor& x, int64_t heads) {
    const auto B = x.size(0), L = x.size(1), D = x.size(2);
    return x.view({B, L, heads, D / heads}).transpose(1, 2);
}

torch::Tensor mergeHeads(const torch::Tensor& x) {
    const auto B = x.size(0), H = x.size(1), L = x.size(2), d = x.size(3);
    return x.transpose(1, 2).reshape({B, L, H * d});
}

}  // namespace pm::engine::diffusion
