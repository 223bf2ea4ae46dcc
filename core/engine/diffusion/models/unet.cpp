#include "core/engine/diffusion/models/unet.h"

#include <cmath>

#include "core/common/error.h"

namespace pm::engine::diffusion {

UNet::UNet(const UNetConfig& c, const torch::TensorOptions& options) : config_(c) {
    const auto& ch = c.blockOutChannels;
    const size_t n = ch.size();
    const int64_t timeDim = ch[0] * 4;
    const int64_t groups = c.normNumGroups;
    convIn_ = register_module("conv_in", std::make_shared<Conv2d>(c.inChannels, ch[0], 3, 1, 1, options));
    auto timeEmbedding = register_module("time_embedding", std::make_shared<Holder>());
    time1_ = timeEmbedding->add("linear_1", std::make_shared<Linear>(ch[0], timeDim, true, options));
    time2_ = timeEmbedding->add("linear_2", std::make_shared<Linear>(timeDim, timeDim, true, options));

    auto transformer = [&](int64_t channels, size_t block) {
        return std::make_shared<SpatialTransformer>(channels, c.attentionHeads[block],
                                                    c.crossAttentionDim, groups,
                                                    c.useLinearProjection, options);
    };

    auto downBlocks = register_module("down_blocks", std::make_shared<Holder>());
    int64_t out = ch[0];
    for (size_t i = 0; i < n; ++i) {
        const int64_t in = out;
        out = ch[i];
        auto block = downBlocks->add(std::to_string(i), std::make_shared<Holder>());
        const bool cross = c.downBlockTypes[i] == "CrossAttnDownBlock2D";
        auto resnets = block->add("resnets", std::make_shared<Holder>());
        auto attentions = cross ? block->add("attentions", std::make_shared<Holder>()) : nullptr;
        Stage s;
        for (int j = 0; j < c.layersPerBlock; ++j) {
            s.resnets.push_back(resnets->add(
                std::to_string(j), std::make_shared<ResnetBlock>(j == 0 ? in : out, out, timeDim,
                                                                 groups, c.normEps, options)));
            if (cross) s.attentions.push_back(attentions->add(std::to_string(j), transformer(out, i)));
        }
        if (i + 1 < n) {
            auto samplers = block->add("downsamplers", std::make_shared<Holder>());
            s.down = samplers->add("0", std::make_shared<Downsample>(out, false, options));
        }
        down_.push_back(std::move(s));
    }

    auto mid = register_module("mid_block", std::make_shared<Holder>());
    auto midResnets = mid->add("resnets", std::make_shared<Holder>());
    auto midAttentions = mid->add("attentions", std::make_shared<Holder>());
    midResnet0_ = midResnets->add("0", std::make_shared<ResnetBlock>(ch[n - 1], ch[n - 1], timeDim,
                                                                     groups, c.normEps, options));
    midAttention_ = midAttentions->add("0", transformer(ch[n - 1], n - 1));
    midResnet1_ = midResnets->add("1", std::make_shared<ResnetBlock>(ch[n - 1], ch[n - 1], timeDim,
                                                                     groups, c.normEps, options));

    auto upBlocks = register_module("up_blocks", std::make_shared<Holder>());
    out = ch[n - 1];
    for (size_t i = 0; i < n; ++i) {
        const size_t level = n - 1 - i;  // the down block this up block mirrors
        const int64_t prev = out;
        out = ch[level];
        const int64_t skipIn = ch[level == 0 ? 0 : level - 1];
        auto block = upBlocks->add(std::to_string(i), std::make_shared<Holder>());
        const bool cross = c.upBlockTypes[i] == "CrossAttnUpBlock2D";
        auto resnets = block->add("resnets", std::make_shared<Holder>());
        auto attentions = cross ? block->add("attentions", std::make_shared<Holder>()) : nullptr;
        Stage s;
        const int layers = c.layersPerBlock + 1;
        for (int j = 0; j < layers; ++j) {
            const int64_t skip = j == layers - 1 ? skipIn : out;
            const int64_t resIn = j == 0 ? prev : out;
            s.resnets.push_back(resnets->add(
                std::to_string(j),
                std::make_shared<ResnetBlock>(resIn + skip, out, timeDim, groups, c.normEps, options)));
            if (cross) s.attentions.push_back(attentions->add(std::to_string(j), transformer(out, level)));
        }
        if (i + 1 < n) {
            auto samplers = block->add("upsamplers", std::make_shared<Holder>());
            s.up = samplers->add("0", std::make_shared<Upsample>(out, options));
        }
        up_.push_back(std::move(s));
    }

    normOut_ = register_module("conv_norm_out",
                               std::make_shared<GroupNorm>(groups, ch[0], c.normEps, options));
    convOut_ = register_module("conv_out",
                               std::make_shared<Conv2d>(ch[0], c.outChannels, 3, 1, 1, options));
}

// diffusers' get_timestep_embedding: [sin | cos] of t·10000^(-k/(half - freq_shift)), flipped
// to [cos | sin] by flip_sin_to_cos, in float32 (as diffusers), then the model's dtype.
torch::Tensor UNet::timeEmbedding(const torch::Tensor& timestep, int64_t batch) const {
    const int64_t dim = config_.blockOutChannels[0], half = dim / 2;
    auto t = timestep.to(convIn_->parameters()[0].device(), torch::kFloat).reshape({-1});
    if (t.numel() == 1) t = t.expand({batch});
    if (t.numel() != batch)
        throw Error("the UNet takes one timestep or one per batch entry, not " +
                    std::to_string(t.numel()) + " for " + std::to_string(batch));
    auto k = torch::arange(half, t.options());
    auto freqs = torch::exp(-std::log(10000.0) * k / (half - config_.freqShift));
    auto args = t.unsqueeze(1) * freqs.unsqueeze(0);
    auto emb = config_.flipSinToCos ? torch::cat({torch::cos(args), torch::sin(args)}, 1)
                                    : torch::cat({torch::sin(args), torch::cos(args)}, 1);
    if (dim % 2 == 1) emb = torch::constant_pad_nd(emb, {0, 1}, 0);
    emb = emb.to(convIn_->parameters()[0].scalar_type());
    return time2_->forward(torch::silu(time1_->forward(emb)));
}

torch::Tensor UNet::forward(const torch::Tensor& sample, const torch::Tensor& timestep,
                            const torch::Tensor& context) const {
    if (sample.dim() != 4 || sample.size(1) != config_.inChannels)
        throw Error("the UNet takes [batch, " + std::to_string(config_.inChannels) +
                    ", h, w] samples");
    if (context.dim() != 3 || context.size(2) != config_.crossAttentionDim)
        throw Error("the UNet takes [batch, tokens, " + std::to_string(config_.crossAttentionDim) +
                    "] text embeddings");
    const auto temb = timeEmbedding(timestep, sample.size(0));
    auto h = convIn_->forward(sample);
    std::vector<torch::Tensor> skips{h};
    for (const auto& s : down_) {
        for (size_t j = 0; j < s.resnets.size(); ++j) {
            h = s.resnets[j]->forward(h, temb);
            if (!s.attentions.empty()) h = s.attentions[j]->forward(h, context);
            skips.push_back(h);
        }
        if (s.down) {
            h = s.down->forward(h);
            skips.push_back(h);
        }
    }
    h = midResnet0_->forward(h, temb);
    h = midAttention_->forward(h, context);
    h = midResnet1_->forward(h, temb);
    for (const auto& s : up_) {
        for (size_t j = 0; j < s.resnets.size(); ++j) {
            h = torch::cat({h, skips.back()}, 1);
            skips.pop_back();
            h = s.resnets[j]->forward(h, temb);
            if (!s.attentions.empty()) h = s.attentions[j]->forward(h, context);
        }
        // Upsample to the next skip's size: the same as 2x for sizes divisible by the total
        // stride, and what diffusers' forward_upsample_size does for the others.
        if (s.up) h = s.up->forward(h, std::vector<int64_t>{skips.back().size(2), skips.back().size(3)});
    }
    return convOut_->forward(siluInPlace(normOut_->forward(h)));  // in place: the norm's fresh output
}

}  // namespace pm::engine::diffusion
