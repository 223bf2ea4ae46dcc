#include "core/engine/diffusion/models/blocks.h"

namespace pm::engine::diffusion {

ResnetBlock::ResnetBlock(int64_t in, int64_t out, int64_t timeChannels, int64_t groups,
                         double eps, const torch::TensorOptions& options) {
    norm1_ = register_module("norm1", std::make_shared<GroupNorm>(groups, in, eps, options));
    conv1_ = register_module("conv1", std::make_shared<Conv2d>(in, out, 3, 1, 1, options));
    if (timeChannels > 0)
        timeProj_ = register_module("time_emb_proj",
                                    std::make_shared<Linear>(timeChannels, out, true, options));
    norm2_ = register_module("norm2", std::make_shared<GroupNorm>(groups, out, eps, options));
    conv2_ = register_module("conv2", std::make_shared<Conv2d>(out, out, 3, 1, 1, options));
    if (in != out)
        shortcut_ = register_module("conv_shortcut",
                                    std::make_shared<Conv2d>(in, out, 1, 1, 0, options));
}

torch::Tensor ResnetBlock::forward(const torch::Tensor& x, const torch::Tensor& temb) const {
    if (!inPlace_) {
        auto h = conv1_->forward(torch::silu(norm1_->forward(x)));
        if (timeProj_) h = h + timeProj_->forward(torch::silu(temb)).unsqueeze(-1).unsqueeze(-1);
        h = conv2_->forward(torch::silu(norm2_->forward(h)));
        return (shortcut_ ? shortcut_->forward(x) : x) + h;
    }
    // The same values, one full-size tensor fewer alive at a time: the norms' and the convolutions'
    // outputs are fresh tensors that nothing else holds, so SiLU and the adds can write into them.
    auto h = conv1_->forward(siluInPlace(norm1_->forward(x)));
    if (timeProj_) h.add_(timeProj_->forward(torch::silu(temb)).unsqueeze(-1).unsqueeze(-1));
    h = conv2_->forward(siluInPlace(norm2_->forward(h)));
    return h.add_(shortcut_ ? shortcut_->forward(x) : x);
}

Downsample::Downsample(int64_t channels, bool asymmetricPadding,
                       const torch::TensorOptions& options)
    : asymmetric_(asymmetricPadding) {
    conv_ = register_module("conv", std::make_shared<Conv2d>(channels, channels, 3, 2,
                                                             asymmetricPadding ? 0 : 1, options));
}

torch::Tensor Downsample::forward(const torch::Tensor& x) const {
    return conv_->forward(asymmetric_ ? torch::constant_pad_nd(x, {0, 1, 0, 1}, 0) : x);
}

Upsample::Upsample(int64_t channels, const torch::TensorOptions& options) {
    conv_ = register_module("conv", std::make_shared<Conv2d>(channels, channels, 3, 1, 1, options));
}

torch::Tensor Upsample::forward(const torch::Tensor& x,
                                std::optional<std::vector<int64_t>> size) const {
    namespace F = torch::nn::functional;
    auto opts = F::InterpolateFuncOptions().mode(torch::kNearest);
    if (size)
        opts.size(*size);
    else
        opts.scale_factor(std::vector<double>{2.0, 2.0});
    // As diffusers does: nearest upsampling has no bfloat16 kernel, so that runs in float32.
    auto up = F::interpolate(x.scalar_type() == torch::kBFloat16 ? x.to(torch::kFloat) : x, opts);
    return conv_->forward(up.to(x.scalar_type()));
}

SpatialTransformer::Attn SpatialTransformer::makeAttn(Holder& parent, const char* name,
                                                      int64_t dim, int64_t contextDim,
                                                      const torch::TensorOptions& options) {
    auto holder = parent.add(name, std::make_shared<Holder>());
    Attn a;
    a.q = holder->add("to_q", std::make_shared<Linear>(dim, dim, false, options));
    a.k = holder->add("to_k", std::make_shared<Linear>(contextDim, dim, false, options));
    a.v = holder->add("to_v", std::make_shared<Linear>(contextDim, dim, false, options));
    auto out = holder->add("to_out", std::make_shared<Holder>());
    a.out = out->add("0", std::make_shared<Linear>(dim, dim, true, options));
    return a;
}

SpatialTransformer::SpatialTransformer(int64_t channels, int64_t heads, int64_t contextDim,
                                       int64_t groups, bool linearProjection,
                                       const torch::TensorOptions& options)
    : heads_(heads), linearProjection_(linearProjection) {
    const int64_t C = channels;
    norm_ = register_module("norm", std::make_shared<GroupNorm>(groups, C, 1e-6, options));
    if (linearProjection)
        projIn_ = register_module("proj_in", std::make_shared<Linear>(C, C, true, options));
    else
        projIn_ = register_module("proj_in", std::make_shared<Conv2d>(C, C, 1, 1, 0, options));
    auto blocks = register_module("transformer_blocks", std::make_shared<Holder>());
    auto block = blocks->add("0", std::make_shared<Holder>());
    norm1_ = block->add("norm1", std::make_shared<LayerNorm>(C, 1e-5, options));
    attn1_ = makeAttn(*block, "attn1", C, C, options);
    norm2_ = block->add("norm2", std::make_shared<LayerNorm>(C, 1e-5, options));
    attn2_ = makeAttn(*block, "attn2", C, contextDim, options);
    norm3_ = block->add("norm3", std::make_shared<LayerNorm>(C, 1e-5, options));
    auto ff = block->add("ff", std::make_shared<Holder>());
    auto net = ff->add("net", std::make_shared<Holder>());
    auto geglu = net->add("0", std::make_shared<Holder>());
    ffIn_ = geglu->add("proj", std::make_shared<Linear>(C, C * 8, true, options));
    // net.1 is a Dropout without parameters.
    ffOut_ = net->add("2", std::make_shared<Linear>(C * 4, C, true, options));
    if (linearProjection)
        projOut_ = register_module("proj_out", std::make_shared<Linear>(C, C, true, options));
    else
        projOut_ = register_module("proj_out", std::make_shared<Conv2d>(C, C, 1, 1, 0, options));
}

torch::Tensor SpatialTransformer::attend(const Attn& a, const torch::Tensor& x,
                                         const torch::Tensor& context) const {
    auto o = attention(splitHeads(a.q->forward(x), heads_), splitHeads(a.k->forward(context), heads_),
                       splitHeads(a.v->forward(context), heads_), false);
    return a.out->forward(mergeHeads(o));
}

torch::Tensor SpatialTransformer::forward(const torch::Tensor& x,
                                          const torch::Tensor& context) const {
    const auto B = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
    auto h = norm_->forward(x);
    auto toTokens = [&](const torch::Tensor& t) {
        return t.permute({0, 2, 3, 1}).reshape({B, H * W, C});
    };
    if (linearProjection_)
        h = std::static_pointer_cast<Linear>(projIn_)->forward(toTokens(h));
    else
        h = toTokens(std::static_pointer_cast<Conv2d>(projIn_)->forward(h));
    const auto n1 = norm1_->forward(h);
    h = h + attend(attn1_, n1, n1);
    h = h + attend(attn2_, norm2_->forward(h), context);
    auto gate = ffIn_->forward(norm3_->forward(h)).chunk(2, -1);
    h = h + ffOut_->forward(gate[0] * torch::gelu(gate[1]));
    auto toImage = [&](const torch::Tensor& t) {
        return t.reshape({B, H, W, C}).permute({0, 3, 1, 2});
    };
    if (linearProjection_)
        h = toImage(std::static_pointer_cast<Linear>(projOut_)->forward(h));
    else
        // In the input's layout: NCHW as before, or NHWC on the fast path, where the tokens already are.
        h = std::static_pointer_cast<Conv2d>(projOut_)->forward(toImage(h).contiguous(x.suggest_memory_format()));
    return h + x;
}

VaeAttention::VaeAttention(int64_t channels, int64_t groups, const torch::TensorOptions& options) {
    const int64_t C = channels;
    norm_ = register_module("group_norm", std::make_shared<GroupNorm>(groups, C, 1e-6, options));
    q_ = register_module("to_q", std::make_shared<Linear>(C, C, true, options));
    k_ = register_module("to_k", std::make_shared<Linear>(C, C, true, options));
    v_ = register_module("to_v", std::make_shared<Linear>(C, C, true, options));
    auto out = register_module("to_out", std::make_shared<Holder>());
    out_ = out->add("0", std::make_shared<Linear>(C, C, true, options));
}

torch::Tensor VaeAttention::forward(const torch::Tensor& x) const {
    const auto B = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
    auto h = norm_->forward(x).view({B, C, H * W}).transpose(1, 2);
    auto o = attention(splitHeads(q_->forward(h), 1), splitHeads(k_->forward(h), 1),
                       splitHeads(v_->forward(h), 1), false);
    o = out_->forward(mergeHeads(o));
    return o.transpose(1, 2).reshape({B, C, H, W}) + x;
}

}  // namespace pm::engine::diffusion
