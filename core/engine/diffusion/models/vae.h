#pragma once
// diffusers' AutoencoderKL: encoder (conv_in, down_blocks of resnets + downsamplers, mid_block
// with one attention, conv_norm_out, conv_out to mean and log-variance), quant_conv,
// post_quant_conv and the mirrored decoder. Private to libphotomend-torch.so (it includes torch).
#include <memory>
#include <vector>

#include <torch/torch.h>

#include "core/engine/diffusion/models/blocks.h"
#include "core/engine/diffusion/models/model_configs.h"

namespace pm::engine::diffusion {

class Vae : public torch::nn::Module {
public:
    Vae(const VaeConfig& config, const torch::TensorOptions& options);
    /// image [B, in_channels, H, W] in [-1, 1] -> the posterior's mean [B, latent, H/8, W/8]
    /// (not scaled).
    torch::Tensor encodeMean(const torch::Tensor& image) const;
    /// latents (not scaled) -> image [B, out_channels, H, W].
    torch::Tensor decode(const torch::Tensor& latents) const;
    const VaeConfig& config() const { return config_; }
    /// 0 (the default): each layer over the whole image. > 0: the layers at heights above `rows`
    /// (the decoder's last up blocks, the encoder's first down blocks, the decoder's norm_out and
    /// conv_out) run `rows` rows at a time with the GroupNorms' statistics over the whole tensor:
    /// the same picture up to fp rounding with a fraction of the full-resolution intermediates
    /// alive at a time (DiffusionLoadOptions::vaeBands).
    void setBandRows(int64_t rows) { bandRows_ = rows; }
    int64_t bandRows() const { return bandRows_; }

private:
    struct Stage {
        std::vector<std::shared_ptr<ResnetBlock>> resnets;
        std::shared_ptr<Downsample> down;
        std::shared_ptr<Upsample> up;
    };
    struct Half {
        std::shared_ptr<Conv2d> convIn, convOut;
        std::vector<Stage> stages;
        std::shared_ptr<ResnetBlock> mid0, mid1;
        std::shared_ptr<VaeAttention> midAttention;
        std::shared_ptr<GroupNorm> normOut;
    };
    void addMid(Holder& parent, Half& half, int64_t channels, const torch::TensorOptions& options);
    torch::Tensor mid(const Half& half, torch::Tensor h) const;

    bool banded(int64_t height) const { return bandRows_ > 0 && height > bandRows_; }

    VaeConfig config_;
    int64_t bandRows_ = 0;
    Half encoder_, decoder_;
    std::shared_ptr<Conv2d> quantConv_, postQuantConv_;
};

}  // namespace pm::engine::diffusion
