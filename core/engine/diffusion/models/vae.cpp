#include "core/engine/diffusion/models/vae.h"

#include "core/common/error.h"

namespace pm::engine::diffusion {
namespace {
constexpr double vaeEps = 1e-6;  // diffusers' Encoder / Decoder blocks
}

void Vae::addMid(Holder& parent, Half& half, int64_t channels, const torch::TensorOptions& options) {
    const int64_t groups = config_.normNumGroups;
    auto mid = parent.add("mid_block", std::make_shared<Holder>());
    auto resnets = mid->add("resnets", std::make_shared<Holder>());
    auto attentions = mid->add("attentions", std::make_shared<Holder>());
    half.mid0 = resnets->add("0", std::make_shared<ResnetBlock>(channels, channels, 0, groups, vaeEps, options));
    half.midAttention = attentions->add("0", std::make_shared<VaeAttention>(channels, groups, options));
    half.mid1 = resnets->add("1", std::make_shared<ResnetBlock>(channels, channels, 0, groups, vaeEps, options));
}

Vae::Vae(const VaeConfig& c, const torch::TensorOptions& options) : config_(c) {
    const auto& ch = c.blockOutChannels;
    const size_t n = ch.size();
    const int64_t groups = c.normNumGroups;

    auto encoder = register_module("encoder", std::make_shared<Holder>());
    encoder_.convIn = encoder->add("conv_in", std::make_shared<Conv2d>(c.inChannels, ch[0], 3, 1, 1, options));
    auto down = encoder->add("down_blocks", std::make_shared<Holder>());
    int64_t out = ch[0];
    for (size_t i = 0; i < n; ++i) {
        const int64_t in = out;
        out = ch[i];
        auto block = down->add(std::to_string(i), std::make_shared<Holder>());
        auto resnets = block->add("resnets", std::make_shared<Holder>());
        Stage s;
        for (int j = 0; j < c.layersPerBlock; ++j)
            s.resnets.push_back(resnets->add(std::to_string(j), std::make_shared<ResnetBlock>(
                                                                    j == 0 ? in : out, out, 0, groups, vaeEps, options)));
        if (i + 1 < n)
            s.down = block->add("downsamplers", std::make_shared<Holder>())
                         ->add("0", std::make_shared<Downsample>(out, true, options));
        encoder_.stages.push_back(std::move(s));
    }
    addMid(*encoder, encoder_, ch[n - 1], options);
    encoder_.normOut = encoder->add("conv_norm_out", std::make_shared<GroupNorm>(groups, ch[n - 1], vaeEps, options));
    encoder_.convOut = encoder->add("conv_out", std::make_shared<Conv2d>(ch[n - 1], 2 * c.latentChannels, 3, 1, 1, options));

    auto decoder = register_module("decoder", std::make_shared<Holder>());
    decoder_.convIn = decoder->add("conv_in", std::make_shared<Conv2d>(c.latentChannels, ch[n - 1], 3, 1, 1, options));
    addMid(*decoder, decoder_, ch[n - 1], options);
    auto up = decoder->add("up_blocks", std::make_shared<Holder>());
    out = ch[n - 1];
    for (size_t i = 0; i < n; ++i) {
        const int64_t in = out;
        out = ch[n - 1 - i];
        auto block = up->add(std::to_string(i), std::make_shared<Holder>());
        auto resnets = block->add("resnets", std::make_shared<Holder>());
        Stage s;
        for (int j = 0; j < c.layersPerBlock + 1; ++j)
            s.resnets.push_back(resnets->add(std::to_string(j), std::make_shared<ResnetBlock>(
                                                                    j == 0 ? in : out, out, 0, groups, vaeEps, options)));
        if (i + 1 < n)
            s.up = block->add("upsamplers", std::make_shared<Holder>())
                       ->add("0", std::make_shared<Upsample>(out, options));
        decoder_.stages.push_back(std::move(s));
    }
    decoder_.normOut = decoder->add("conv_norm_out", std::make_shared<GroupNorm>(groups, ch[0], vaeEps, options));
    decoder_.convOut = decoder->add("conv_out", std::make_shared<Conv2d>(ch[0], c.outChannels, 3, 1, 1, options));

    quantConv_ = register_module("quant_conv", std::make_shared<Conv2d>(2 * c.latentChannels, 2 * c.latentChannels, 1, 1, 0, options));
    postQuantConv_ = register_module("post_quant_conv", std::make_shared<Conv2d>(c.latentChannels, c.latentChannels, 1, 1, 0, options));
}

torch::Tensor Vae::mid(const Half& half, torch::Tensor h) const {
    const torch::Tensor none;
    h = half.mid0->forward(h, none);
    h = half.midAttention->forward(h);
    return half.mid1->forward(h, none);
}

torch::Tensor Vae::encodeMean(const torch::Tensor& image) const {
    if (image.dim() != 4 || image.size(1) != config_.inChannels)
        throw Error("the VAE encoder takes [batch, " + std::to_string(config_.inChannels) + ", H, W] images");
    const torch::Tensor none;
    auto h = encoder_.convIn->forward(image);
    for (const auto& s : encoder_.stages) {
        for (const auto& r : s.resnets) h = banded(h.size(2)) ? r->forwardBands(h, bandRows_) : r->forward(h, none);
        if (s.down) h = banded(h.size(2)) ? s.down->forwardBands(h, bandRows_) : s.down->forward(h);
    }
    h = mid(encoder_, h);
    h = encoder_.convOut->forward(siluInPlace(encoder_.normOut->forward(h)));  // the norm's fresh output
    return quantConv_->forward(h).narrow(1, 0, config_.latentChannels);
}

torch::Tensor Vae::decode(const torch::Tensor& latents) const {
    if (latents.dim() != 4 || latents.size(1) != config_.latentChannels)
        throw Error("the VAE decoder takes [batch, " + std::to_string(config_.latentChannels) + ", h, w] latents");
    const torch::Tensor none;
    auto h = decoder_.convIn->forward(postQuantConv_->forward(latents));
    h = mid(decoder_, h);
    for (const auto& s : decoder_.stages) {
        for (const auto& r : s.resnets) h = banded(h.size(2)) ? r->forwardBands(h, bandRows_) : r->forward(h, none);
        if (s.up) h = banded(2 * h.size(2)) ? s.up->forwardBands(h, bandRows_) : s.up->forward(h, std::nullopt);
    }
    if (banded(h.size(2))) return normSiluConvBands(*decoder_.normOut, *decoder_.convOut, h, bandRows_);
    return decoder_.convOut->forward(siluInPlace(decoder_.normOut->forward(h)));  // in place: one 512² tensor less
}

}  // namespace pm::engine::diffusion
