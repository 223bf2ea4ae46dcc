#pragma once
// The leaf layers of the diffusion networks, with their parameters created uninitialised on the
// device and dtype asked for: the weights always come from a checkpoint (loading refuses any
// missing tensor), and on the meta device a full-size network costs no memory, which is how the
// tests check SD-1.5's 860 M parameter names and shapes. Parameter names follow PyTorch's
// (weight, bias) so the module tree names tensors as diffusers / transformers publish them.
// Private to libphotomend-torch.so (it includes torch).
#include <memory>
#include <string>

#include <torch/torch.h>

namespace pm::engine::diffusion {

/// Only holds named children, for the published names' plain levels ("to_out.0", "ff.net.2").
class Holder : public torch::nn::Module {
public:
    template <class M>
    std::shared_ptr<M> add(const std::string& name, std::shared_ptr<M> module) {
        return register_module(name, std::move(module));
    }
};

class Conv2d : public torch::nn::Module {
public:
    Conv2d(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding,
           const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& x) const;
    /// A band of rows of forward's output (stride 1, 3x3, padding 1 only) from the band's input rows
    /// with one halo row above and below, except at the image's top / bottom edge, where the zero
    /// row forward pads with is added here: the same sums as forward over the whole image.
    torch::Tensor forwardRows(const torch::Tensor& rowsWithHalo, bool topEdge, bool bottomEdge) const;

private:
    torch::Tensor weight_, bias_;
    int64_t stride_, padding_;
};

class Linear : public torch::nn::Module {
public:
    Linear(int64_t in, int64_t out, bool bias, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& x) const;

private:
    torch::Tensor weight_, bias_;
};

/// A GroupNorm's per-sample, per-group mean and 1/sqrt(var + eps) over a whole tensor, [B, groups], fp32.
struct GroupStatistics {
    torch::Tensor mean, invStd;
};

class GroupNorm : public torch::nn::Module {
public:
    GroupNorm(int64_t groups, int64_t channels, double eps, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& x) const;
    /// The statistics forward normalises [B, C, H, W] `x` with, gathered `bandRows` rows at a time
    /// in fp32 (bands merged with Chan's formula), so no full-size float copy is made.
    GroupStatistics statistics(const torch::Tensor& x, int64_t bandRows) const;
    /// forward's values for some rows of the tensor `stats` came from (fp32 math, one rounding to
    /// the rows' dtype, as torch's group_norm does): a new tensor.
    torch::Tensor normalizeRows(const torch::Tensor& rows, const GroupStatistics& stats) const;

private:
    torch::Tensor weight_, bias_;
    int64_t groups_;
    double eps_;
};

class LayerNorm : public torch::nn::Module {
public:
    LayerNorm(int64_t dim, double eps, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& x) const;

private:
    torch::Tensor weight_, bias_;
    double eps_;
};

class Embedding : public torch::nn::Module {
public:
    Embedding(int64_t count, int64_t dim, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& ids) const;

private:
    torch::Tensor weight_;
};

/// SiLU written into `x` itself (a fresh tensor nothing else holds: a norm's output), returned.
torch::Tensor siluInPlace(torch::Tensor x);

/// softmax(q·kᵀ/√d)·v over [B, heads, L, d] tensors; `causal` masks later positions (CLIP).
/// libtorch 2.x runs its fused (memory-efficient / flash) kernel; 1.13 (Debian) the plain
/// matmul-softmax, with the softmax in float32 so fp16 does not overflow.
torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        bool causal);

/// [B, L, heads*d] -> [B, heads, L, d] and back.
torch::Tensor splitHeads(const torch::Tensor& x, int64_t heads);
torch::Tensor mergeHeads(const torch::Tensor& x);

}  // namespace pm::engine::diffusion
