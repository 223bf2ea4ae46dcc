#include "core/engine/nets/one_group_norm.h"

#include <string>

#include "core/common/error.h"

namespace pm::engine::nets {

OneGroupNormImpl::OneGroupNormImpl(int64_t channels, double eps) : channels_(channels), eps_(eps) {
    weight = register_parameter("weight", torch::ones({channels}));
    bias = register_parameter("bias", torch::zeros({channels}));
}

torch::Tensor OneGroupNormImpl::forward(const torch::Tensor& x) {
    if (x.dim() < 2 || x.size(1) != channels_)
        throw Error("a norm over " + std::to_string(channels_) + " channels got " + std::string(c10::str(x.sizes())));
    if (!x.is_cuda()) return torch::group_norm(x, 1, weight, bias, eps_);
    return oneGroupNormByReduction(x, weight, bias, eps_);
}

torch::Tensor oneGroupNormByReduction(const torch::Tensor& x, const torch::Tensor& weight,
                                      const torch::Tensor& bias, double eps) {
    const int64_t n = x.size(0), channels = x.size(1);
    // var_mean accumulates in fp32 for fp16 input; the few per-sample numbers are then taken to
    // fp32 so that eps and the scale keep their precision.
    const auto [var, mean] = torch::var_mean(x.reshape({n, -1}), torch::IntArrayRef{1}, /*unbiased=*/false, /*keepdim=*/true);
    const torch::Tensor rstd = (var.to(torch::kFloat) + eps).rsqrt();                 // [N,1]
    const torch::Tensor scale = weight.to(torch::kFloat).unsqueeze(0) * rstd;         // [N,C]
    const torch::Tensor shift = bias.to(torch::kFloat).unsqueeze(0) - mean.to(torch::kFloat) * scale;
    std::vector<int64_t> perChannel = {n, channels};
    perChannel.resize(size_t(x.dim()), 1);  // [N,C,1,1] for images
    return torch::addcmul(shift.to(x.scalar_type()).view(perChannel), x, scale.to(x.scalar_type()).view(perChannel));
}

}  // namespace pm::engine::nets
