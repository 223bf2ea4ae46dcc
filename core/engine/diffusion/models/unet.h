#pragma once
// diffusers' UNet2DConditionModel as SD-1.x configures it (SD-1.5 inpainting: 9 input channels):
// conv_in, sinusoidal time_proj + time_embedding, down_blocks (resnets, attentions, downsamplers),
// mid_block (resnet, transformer, resnet), up_blocks taking the skips, conv_norm_out, conv_out.
// Private to libphotomend-torch.so (it includes torch).
#include <memory>
#include <vector>

#include <torch/torch.h>

#include "core/engine/diffusion/models/blocks.h"
#include "core/engine/diffusion/models/model_configs.h"

namespace pm::engine::diffusion {

class UNet : public torch::nn::Module {
public:
    UNet(const UNetConfig& config, const torch::TensorOptions& options);
    /// sample [B, in_channels, h, w], timestep [B] (or a scalar), context [B, L, cross_attention_dim]
    /// -> [B, out_channels, h, w].
    torch::Tensor forward(const torch::Tensor& sample, const torch::Tensor& timestep,
                          const torch::Tensor& context) const;
    const UNetConfig& config() const { return config_; }

private:
    struct Stage {
        std::vector<std::shared_ptr<ResnetBlock>> resnets;
        std::vector<std::shared_ptr<SpatialTransformer>> attentions;  ///< empty: no cross-attention
        std::shared_ptr<Downsample> down;
        std::shared_ptr<Upsample> up;
    };
    torch::Tensor timeEmbedding(const torch::Tensor& timestep, int64_t batch) const;

    UNetConfig config_;
    std::shared_ptr<Conv2d> convIn_, convOut_;
    std::shared_ptr<Linear> time1_, time2_;
    std::vector<Stage> down_, up_;
    std::shared_ptr<ResnetBlock> midResnet0_, midResnet1_;
    std::shared_ptr<SpatialTransformer> midAttention_;
    std::shared_ptr<GroupNorm> normOut_;
};

}  // namespace pm::engine::diffusion
