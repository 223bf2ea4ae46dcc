#pragma once
// GroupNorm with a single group (nn.GroupNorm(1, C): one mean and variance over a sample's channels
// and pixels, then a per-channel scale and shift), as AnimeGANv2 normalises every layer.
// PyTorch's group_norm gives each (sample, group) pair one CUDA block (and one CPU thread), so with
// one group and one photo a 1024 px activation of tens of millions of values is reduced by a single
// block of a GPU with 132 of them: that was most of AnimeGANv2's time on an H100 (0.33 s at
// 1024x682, bench/cartoon/NOTES.md). Here the statistics are a whole-tensor reduction (every block,
// every thread) and the normalisation is one broadcast multiply-add. On the CPU torch's own kernel
// stays: measured on the 2-core build machine it took half the time of the reduction (the norms are
// ~4 % of the CPU forward, convolutions ~70 %). Same parameters ("weight", "bias") as nn.GroupNorm,
// so published checkpoints load unchanged. Private to libphotomend-torch.so.
#include <torch/torch.h>

namespace pm::engine::nets {

/// group_norm(x, 1, weight, bias, eps) as a whole-sample reduction and one multiply-add, on any
/// device (the GPU path of OneGroupNorm; exposed so that the CPU tests check it).
torch::Tensor oneGroupNormByReduction(const torch::Tensor& x, const torch::Tensor& weight,
                                      const torch::Tensor& bias, double eps);

class OneGroupNormImpl : public torch::nn::Module {
public:
    explicit OneGroupNormImpl(int64_t channels, double eps = 1e-5);
    /// [N,C,...] -> the same shape and type (fp16 included: statistics are taken in fp32): the
    /// reduction on CUDA, torch's group_norm elsewhere.
    torch::Tensor forward(const torch::Tensor& x);

    torch::Tensor weight, bias;

private:
    int64_t channels_;
    double eps_;
};
TORCH_MODULE(OneGroupNorm);

}  // namespace pm::engine::nets
