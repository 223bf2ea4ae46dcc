#include "core/engine/nets/animegan2.h"

#include <cmath>
#include <vector>

#include "core/common/error.h"
#include "core/engine/nets/one_group_norm.h"

namespace nn = torch::nn;
namespace F = torch::nn::functional;

namespace pm::engine::nets {
namespace {

// ConvNormLReLU: reflection pad, convolution, GroupNorm over all channels (OneGroupNorm: torch's
// group_norm reduces one group on one GPU block), leaky ReLU (0.2, in place on the norm's fresh
// output, as the published one); an nn.Sequential, so the convolution is child "1" and the norm
// child "2" in the checkpoint. pad: {left, right, top, bottom}.
Chain convNormRelu(int64_t in, int64_t out, int64_t kernel = 3, int64_t stride = 1,
                            std::vector<int64_t> pad = {1, 1, 1, 1}, int64_t groups = 1,
                            bool bias = false) {
    return Chain(
        nn::ReflectionPad2d(nn::ReflectionPad2dOptions(pad)),
        nn::Conv2d(nn::Conv2dOptions(in, out, kernel).stride(stride).padding(0).groups(groups).bias(bias)),
        OneGroupNorm(out),
        nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2).inplace(true)));
}

Chain convNormReluPadded(int64_t in, int64_t out, int64_t kernel, int64_t padding) {
    return convNormRelu(in, out, kernel, 1, {padding, padding, padding, padding});
}

// InvertedResBlock: 1x1 expansion, 3x3 depthwise, 1x1 projection (+ input when shapes match).
class InvertedResBlockImpl : public nn::Module {
public:
    InvertedResBlockImpl(int64_t in, int64_t out, double expansion) : residual_(in == out) {
        const auto mid = static_cast<int64_t>(std::lround(in * expansion));
        Chain body;
        if (expansion != 1) body->push_back(convNormReluPadded(in, mid, 1, 0));
        body->push_back(convNormRelu(mid, mid, 3, 1, {1, 1, 1, 1}, mid, true));
        body->push_back(nn::Conv2d(nn::Conv2dOptions(mid, out, 1).bias(false)));
        body->push_back(OneGroupNorm(out));
        layers_ = register_module("layers", body);
    }
    torch::Tensor forward(const torch::Tensor& x) {
        auto out = layers_->forward(x);
        return residual_ ? x + out : out;
    }

private:
    bool residual_;
    Chain layers_{nullptr};
};
TORCH_MODULE(InvertedResBlock);

}  // namespace

AnimeGan2GeneratorImpl::AnimeGan2GeneratorImpl(bool alignCorners) : alignCorners_(alignCorners) {
    const std::vector<int64_t> downPad = {0, 1, 0, 1};  // stride-2 convolutions pad right/bottom
    blockA_ = register_module("block_a", Chain(convNormReluPadded(3, 32, 7, 3),
                                                        convNormRelu(32, 64, 3, 2, downPad),
                                                        convNormRelu(64, 64)));
    blockB_ = register_module("block_b", Chain(convNormRelu(64, 128, 3, 2, downPad),
                                                        convNormRelu(128, 128)));
    blockC_ = register_module("block_c", Chain(convNormRelu(128, 128),
                                                        InvertedResBlock(128, 256, 2),
                                                        InvertedResBlock(256, 256, 2),
                                                        InvertedResBlock(256, 256, 2),
                                                        InvertedResBlock(256, 256, 2),
                                                        convNormRelu(256, 128)));
    blockD_ = register_module("block_d", Chain(convNormRelu(128, 128), convNormRelu(128, 128)));
    blockE_ = register_module("block_e", Chain(convNormRelu(128, 64), convNormRelu(64, 64),
                                                        convNormReluPadded(64, 32, 7, 3)));
    outLayer_ = register_module(
        "out_layer", Chain(nn::Conv2d(nn::Conv2dOptions(32, 3, 1).bias(false)), nn::Tanh()));
}

torch::Tensor AnimeGan2GeneratorImpl::forward(const torch::Tensor& image) {
    if (image.dim() != 4 || image.size(1) != 3)
        throw Error("AnimeGANv2 takes [B,3,H,W] images");
    auto resize = [this](const torch::Tensor& x, std::vector<int64_t> size) {
        auto options = F::InterpolateFuncOptions().mode(torch::kBilinear).align_corners(alignCorners_);
        if (alignCorners_) options.size(size);
        else options.scale_factor(std::vector<double>{2.0, 2.0});
        return F::interpolate(x, options);
    };
    auto out = blockA_->forward(image);
    const std::vector<int64_t> half = {out.size(2), out.size(3)};
    out = blockC_->forward(blockB_->forward(out));
    out = blockD_->forward(resize(out, half));
    out = blockE_->forward(resize(out, {image.size(2), image.size(3)}));
    return outLayer_->forward(out);
}

}  // namespace pm::engine::nets
