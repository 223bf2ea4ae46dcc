#include "core/engine/diffusion/models/blocks.h"

#include <algorithm>
#include <stdexcept>

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

namespace {

// Rows [r0, r1) of an H-row image and the 3x3 halo around them: [max(r0 - 1, 0), min(r1 + 1, H)).
struct Band {
    int64_t r0, r1, haloBegin, haloEnd;
    bool top, bottom;  ///< at the image's edge: the convolution's zero padding, not a halo row
};

Band band(int64_t r0, int64_t bandRows, int64_t H) {
    const int64_t r1 = std::min(r0 + bandRows, H);
    return {r0, r1, std::max<int64_t>(r0 - 1, 0), std::min(r1 + 1, H), r0 == 0, r1 == H};
}

torch::Tensor rowsOf(const torch::Tensor& x, int64_t begin, int64_t end) { return x.narrow(2, begin, end - begin); }

// An empty [B, channels, H, W] tensor in x's dtype, device and layout.
torch::Tensor emptyLike(const torch::Tensor& x, int64_t channels, int64_t H, int64_t W) {
    return torch::empty({x.size(0), channels, H, W}, x.options().memory_format(x.suggest_memory_format()));
}

}  // namespace

torch::Tensor normSiluConvBands(const GroupNorm& norm, const Conv2d& conv, const torch::Tensor& x,
                                int64_t bandRows) {
    const int64_t H = x.size(2);
    const GroupStatistics stats = norm.statistics(x, bandRows);
    torch::Tensor out;
    for (int64_t r0 = 0; r0 < H; r0 += bandRows) {
        const Band b = band(r0, bandRows, H);
        const torch::Tensor rows = conv.forwardRows(
            siluInPlace(norm.normalizeRows(rowsOf(x, b.haloBegin, b.haloEnd), stats)), b.top, b.bottom);
        if (!out.defined()) out = emptyLike(x, rows.size(1), H, x.size(3));
        rowsOf(out, b.r0, b.r1).copy_(rows);
    }
    return out;
}

torch::Tensor ResnetBlock::forwardBands(const torch::Tensor& x, int64_t bandRows) const {
    if (timeProj_) throw std::logic_error("ResnetBlock::forwardBands: only blocks without a time embedding");
    const int64_t H = x.size(2);
    torch::Tensor h = normSiluConvBands(*norm1_, *conv1_, x, bandRows);
    const GroupStatistics stats = norm2_->statistics(h, bandRows);
    // The output goes into h's own rows as each band is done: the next band's halo row above is the
    // last row of h as it was, kept aside before it is overwritten.
    torch::Tensor rowAbove;
    for (int64_t r0 = 0; r0 < H; r0 += bandRows) {
        const Band b = band(r0, bandRows, H);
        torch::Tensor input = rowsOf(h, b.r0, b.haloEnd);
        if (!b.top) input = torch::cat({rowAbove, input}, 2);
        const torch::Tensor normalised = siluInPlace(norm2_->normalizeRows(input, stats));
        if (!b.bottom) rowAbove = rowsOf(h, b.r1 - 1, b.r1).clone();
        torch::Tensor rows = conv2_->forwardRows(normalised, b.top, b.bottom);
        const torch::Tensor skip = rowsOf(x, b.r0, b.r1);
        rows.add_(shortcut_ ? shortcut_->forward(skip) : skip);
        rowsOf(h, b.r0, b.r1).copy_(rows);
    }
    return h;
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

torch::Tensor Downsample::forwardBands(const torch::Tensor& x, int64_t bandRows) const {
    if (!asymmetric_) throw std::logic_error("Downsample::forwardBands: only the VAE's (0,1,0,1) padding");
    const int64_t H = x.size(2), W = x.size(3);
    // forward's output sizes: the input padded to H+1 x W+1, a 3x3 kernel at stride 2.
    const int64_t outH = (H + 1 - 3) / 2 + 1, outW = (W + 1 - 3) / 2 + 1;
    torch::Tensor out;
    for (int64_t o0 = 0; o0 < outH; o0 += bandRows) {
        const int64_t o1 = std::min(o0 + bandRows, outH);
        // Output row i reads padded rows 2i..2i+2; padded row H is the zero row.
        const int64_t begin = 2 * o0, end = std::min(2 * o1 + 1, H);
        const bool zeroRow = 2 * o1 + 1 > H;
        const torch::Tensor rows =
            conv_->forward(torch::constant_pad_nd(rowsOf(x, begin, end), {0, 1, 0, zeroRow ? 1 : 0}, 0));
        if (!out.defined()) out = emptyLike(x, rows.size(1), outH, outW);
        rowsOf(out, o0, o1).copy_(rows);
    }
    return out;
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

torch::Tensor Upsample::forwardBands(const torch::Tensor& x, int64_t bandRows) const {
    namespace F = torch::nn::functional;
    const int64_t H = 2 * x.size(2), W = 2 * x.size(3);
    const bool bf16 = x.scalar_type() == torch::kBFloat16;  // as forward: no bfloat16 nearest kernel
    torch::Tensor out;
    for (int64_t r0 = 0; r0 < H; r0 += bandRows) {
        const Band b = band(r0, bandRows, H);
        // Upsampled row j is x's row j / 2: upsample the x rows the band and its halo come from.
        const int64_t from = b.haloBegin / 2, to = (b.haloEnd - 1) / 2 + 1;
        const torch::Tensor source = rowsOf(x, from, to);
        const torch::Tensor up =
            F::interpolate(bf16 ? source.to(torch::kFloat) : source,
                           F::InterpolateFuncOptions().mode(torch::kNearest).scale_factor(std::vector<double>{2.0, 2.0}))
                .narrow(2, b.haloBegin - 2 * from, b.haloEnd - b.haloBegin)
                .to(x.scalar_type());
        const torch::Tensor rows = conv_->forwardRows(up, b.top, b.bottom);
        if (!out.defined()) out = emptyLike(x, rows.size(1), H, W);
        rowsOf(out, b.r0, b.r1).copy_(rows);
    }
    return out;
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
