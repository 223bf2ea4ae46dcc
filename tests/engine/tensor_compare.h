#pragma once
// How far a rewritten graph's output is from the model's: the largest absolute difference over the
// reference's largest magnitude. fp16 outputs are compared in fp32, complex ones by their parts.
#include <algorithm>

#include <ATen/ATen.h>

namespace pm::engine::tensor_compare {

inline at::Tensor comparable(const at::Tensor& t) {
    return t.is_complex() ? at::view_as_real(t.contiguous()) : t.to(at::kFloat);
}

inline double relativeError(const at::Tensor& out, const at::Tensor& reference) {
    const at::Tensor r = comparable(reference);
    return (comparable(out) - r).abs().max().item<double>() /
           std::max(1e-12, r.abs().max().item<double>());
}

}  // namespace pm::engine::tensor_compare
