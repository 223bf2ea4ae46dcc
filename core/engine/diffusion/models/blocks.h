#pragma once
// The building blocks diffusers' UNet2DConditionModel and AutoencoderKL share: ResnetBlock2D,
// Downsample2D, Upsample2D, Transformer2DModel (self- and cross-attention with a GEGLU
// feed-forward) and the VAE's single-head attention. Names as diffusers publishes them.
// Private to libphotomend-torch.so (it includes torch).
#include <memory>
#include <optional>

#include <torch/torch.h>

#include "core/engine/diffusion/models/layers.h"

namespace pm::engine::diffusion {

/// conv(SiLU(norm(x))) `bandRows` rows at a time, with norm's statistics over all of x: the same
/// values as conv->forward(silu(norm->forward(x))) without x's full-size normalised copy.
torch::Tensor normSiluConvBands(const GroupNorm& norm, const Conv2d& conv, const torch::Tensor& x,
                                int64_t bandRows);

/// norm1, conv1, [time_emb_proj], norm2, conv2, [conv_shortcut when in != out].
class ResnetBlock : public torch::nn::Module {
public:
    /// timeChannels 0: no time embedding (the VAE's blocks).
    ResnetBlock(int64_t in, int64_t out, int64_t timeChannels, int64_t groups, double eps,
                const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& timeEmbedding) const;
    /// forward without a time embedding (the VAE's blocks), `bandRows` rows at a time: the norms'
    /// statistics over the whole tensor first, then each band with a one-row halo for the 3x3
    /// convolutions. The same values up to fp rounding, with only x, the output and one band's
    /// intermediates alive instead of up to four full-size tensors.
    torch::Tensor forwardBands(const torch::Tensor& x, int64_t bandRows) const;
    /// SiLU and the adds in place (the default): the same values with less memory at a time
    /// (DiffusionLoadOptions::inPlaceActivations; off only to measure what it saves).
    void setInPlace(bool inPlace) { inPlace_ = inPlace; }

private:
    bool inPlace_ = true;
    std::shared_ptr<GroupNorm> norm1_, norm2_;
    std::shared_ptr<Conv2d> conv1_, conv2_, shortcut_;
    std::shared_ptr<Linear> timeProj_;
};

/// conv (3x3, stride 2): padding 1 in the UNet; the VAE pads right and bottom only (padding 0
/// in its config, diffusers then pads (0,1,0,1) itself).
class Downsample : public torch::nn::Module {
public:
    Downsample(int64_t channels, bool asymmetricPadding, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& x) const;
    /// forward (the VAE's asymmetric padding only) `bandRows` output rows at a time: no padded
    /// full-size copy of x.
    torch::Tensor forwardBands(const torch::Tensor& x, int64_t bandRows) const;

private:
    std::shared_ptr<Conv2d> conv_;
    bool asymmetric_;
};

/// Nearest 2x (or to `size`, for sizes not divisible by the UNet's total stride), then conv 3x3.
class Upsample : public torch::nn::Module {
public:
    Upsample(int64_t channels, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& x, std::optional<std::vector<int64_t>> size) const;
    /// forward at 2x, `bandRows` output rows at a time: the full-size upsampled copy of x is never made.
    torch::Tensor forwardBands(const torch::Tensor& x, int64_t bandRows) const;

private:
    std::shared_ptr<Conv2d> conv_;
};

/// diffusers Transformer2DModel with one BasicTransformerBlock: norm (GroupNorm eps 1e-6),
/// proj_in, transformer_blocks.0.{norm1, attn1, norm2, attn2, norm3, ff}, proj_out; residual.
class SpatialTransformer : public torch::nn::Module {
public:
    SpatialTransformer(int64_t channels, int64_t heads, int64_t contextDim, int64_t groups,
                       bool linearProjection, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context) const;

private:
    struct Attn {
        std::shared_ptr<Linear> q, k, v, out;
    };
    static Attn makeAttn(Holder& parent, const char* name, int64_t dim, int64_t contextDim,
                         const torch::TensorOptions& options);
    torch::Tensor attend(const Attn& a, const torch::Tensor& x, const torch::Tensor& context) const;

    int64_t heads_;
    bool linearProjection_;
    std::shared_ptr<GroupNorm> norm_;
    std::shared_ptr<torch::nn::Module> projIn_, projOut_;
    std::shared_ptr<LayerNorm> norm1_, norm2_, norm3_;
    Attn attn1_, attn2_;
    std::shared_ptr<Linear> ffIn_, ffOut_;
};

/// The VAE mid-block's attention: group_norm, one head over all channels, to_q / to_k / to_v /
/// to_out.0 (checkpoints from before diffusers 0.14 name them query / key / value / proj_attn;
/// the loader renames those).
class VaeAttention : public torch::nn::Module {
public:
    VaeAttention(int64_t channels, int64_t groups, const torch::TensorOptions& options);
    torch::Tensor forward(const torch::Tensor& x) const;

private:
    std::shared_ptr<GroupNorm> norm_;
    std::shared_ptr<Linear> q_, k_, v_, out_;
};

}  // namespace pm::engine::diffusion
