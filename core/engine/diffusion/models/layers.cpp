#include "core/engine/diffusion/models/layers.h"

#include <torch/version.h>

#include <cmath>

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
