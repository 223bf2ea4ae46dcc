#include "core/engine/nets/gpen.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/common/error.h"

namespace F = torch::nn::functional;

namespace pm::engine::nets {
namespace {

const double kSqrt2 = std::sqrt(2.0);

// StyleGAN2's [1,3,3,1] blur, as an outer product normalised to sum 1 (gpen_model.py make_kernel).
torch::Tensor blurKernel(double gain) {
    auto k = torch::tensor({1.0f, 3.0f, 3.0f, 1.0f});
    k = k.unsqueeze(1) * k.unsqueeze(0);
    return k / k.sum() * gain;
}

// upfirdn2d: insert up-1 zeros after every sample, pad (pad0 before, pad1 after, both axes),
// convolve with the kernel (flipped: upfirdn2d convolves, conv2d correlates) and keep every
// down-th sample. A grouped convolution does it per channel.
torch::Tensor upFirDown(torch::Tensor x, const torch::Tensor& kernel, int up, int down, int pad0,
                        int pad1) {
    const int64_t b = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
    if (up > 1) {
        x = F::pad(x.view({b, c, h, 1, w, 1}), F::PadFuncOptions({0, up - 1, 0, 0, 0, up - 1}));
        x = x.view({b, c, h * up, w * up});
    }
    x = F::pad(x, F::PadFuncOptions({std::max(pad0, 0), std::max(pad1, 0), std::max(pad0, 0),
                                     std::max(pad1, 0)}));
    if (pad0 < 0 || pad1 < 0) {
        const int64_t cut0 = std::max(-pad0, 0), cut1 = std::max(-pad1, 0);
        x = x.slice(2, cut0, x.size(2) - cut1).slice(3, cut0, x.size(3) - cut1);
    }
    const auto weight = kernel.flip({0, 1}).to(x.dtype()).view({1, 1, kernel.size(0), kernel.size(1)});
    return F::conv2d(x, weight.expand({c, 1, kernel.size(0), kernel.size(1)}),
                     F::Conv2dFuncOptions().stride(down).groups(c));
}

// FusedLeakyReLU: bias, leaky ReLU (0.2), gain sqrt(2).
class BiasedLeakyReluImpl : public torch::nn::Module {
public:
    explicit BiasedLeakyReluImpl(int64_t channels) {
        bias = register_parameter("bias", torch::zeros({channels}));
    }
    torch::Tensor forward(const torch::Tensor& x) { return activate(x, bias); }
    static torch::Tensor activate(const torch::Tensor& x, const torch::Tensor& bias) {
        std::vector<int64_t> shape(x.dim(), 1);
        shape[1] = -1;
        return F::leaky_relu(x + bias.view(shape), F::LeakyReLUFuncOptions().negative_slope(0.2)) *
               kSqrt2;
    }
    torch::Tensor bias;
};
TORCH_MODULE(BiasedLeakyRelu);

// Equalized learning rate: weights stored N(0,1), scaled by 1/sqrt(fan_in) at run time.
class EqualConvImpl : public torch::nn::Module {
public:
    EqualConvImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding, bool bias)
        : scale_(1.0 / std::sqrt(static_cast<double>(in * kernel * kernel))), stride_(stride),
          padding_(padding) {
        weight = register_parameter("weight", torch::randn({out, in, kernel, kernel}));
        if (bias) this->bias = register_parameter("bias", torch::zeros({out}));
    }
    torch::Tensor forward(const torch::Tensor& x) {
        return F::conv2d(x, weight * scale_,
                         F::Conv2dFuncOptions().bias(bias).stride(stride_).padding(padding_));
    }
    torch::Tensor weight, bias;

private:
    double scale_;
    int64_t stride_, padding_;
};
TORCH_MODULE(EqualConv);

class EqualLinearImpl : public torch::nn::Module {
public:
    EqualLinearImpl(int64_t in, int64_t out, double biasInit, double lrMul, bool activation)
        : scale_(lrMul / std::sqrt(static_cast<double>(in))), lrMul_(lrMul), activation_(activation) {
        weight = register_parameter("weight", torch::randn({out, in}) / lrMul);
        bias = register_parameter("bias", torch::full({out}, biasInit));
    }
    torch::Tensor forward(const torch::Tensor& x) {
        if (activation_)
            return BiasedLeakyReluImpl::activate(F::linear(x, weight * scale_), bias * lrMul_);
        return F::linear(x, weight * scale_, bias * lrMul_);
    }
    torch::Tensor weight, bias;

private:
    double scale_, lrMul_;
    bool activation_;
};
TORCH_MODULE(EqualLinear);

// Blur / Upsample of gpen_model.py: a fixed kernel kept as a buffer named "kernel".
class FirFilterImpl : public torch::nn::Module {
public:
    FirFilterImpl(int up, int pad0, int pad1, double gain) : up_(up), pad0_(pad0), pad1_(pad1) {
        kernel = register_buffer("kernel", blurKernel(gain));
    }
    torch::Tensor forward(const torch::Tensor& x) { return upFirDown(x, kernel, up_, 1, pad0_, pad1_); }
    torch::Tensor kernel;

private:
    int up_, pad0_, pad1_;
};
TORCH_MODULE(FirFilter);

class PixelNormImpl : public torch::nn::Module {
public:
    torch::Tensor forward(const torch::Tensor& x) {
        return x * torch::rsqrt(x.pow(2).mean(1, true) + 1e-8);
    }
};
TORCH_MODULE(PixelNorm);

// A convolution whose weights are scaled per input channel by the style and (demodulate)
// renormalised per output channel; one grouped convolution runs the whole batch.
class ModulatedConvImpl : public torch::nn::Module {
public:
    ModulatedConvImpl(int64_t in, int64_t out, int64_t kernel, int64_t styleDim, bool demodulate,
                      bool upsample)
        : in_(in), out_(out), kernel_(kernel), demodulate_(demodulate), upsample_(upsample),
          scale_(1.0 / std::sqrt(static_cast<double>(in * kernel * kernel))) {
        if (upsample) {
            const int p = static_cast<int>((4 - 2) - (kernel - 1));
            blur = register_module("blur", FirFilter(1, (p + 1) / 2 + 2 - 1, p / 2 + 1, 4.0));
        }
        weight = register_parameter("weight", torch::randn({1, out, in, kernel, kernel}));
        modulation = register_module("modulation", EqualLinear(styleDim, in, 1.0, 1.0, false));
    }
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& style) {
        const int64_t b = x.size(0), h = x.size(2), w = x.size(3);
        auto wts = scale_ * weight * modulation->forward(style).view({b, 1, in_, 1, 1});
        if (demodulate_)
            wts = wts * torch::rsqrt(wts.pow(2).sum({2, 3, 4}) + 1e-8).view({b, out_, 1, 1, 1});
        const auto input = x.reshape({1, b * in_, h, w});
        torch::Tensor y;
        if (upsample_) {
            wts = wts.transpose(1, 2).reshape({b * in_, out_, kernel_, kernel_});
            y = F::conv_transpose2d(input, wts, F::ConvTranspose2dFuncOptions().stride(2).groups(b));
            y = blur->forward(y.view({b, out_, y.size(2), y.size(3)}));
        } else {
            wts = wts.view({b * out_, in_, kernel_, kernel_});
            y = F::conv2d(input, wts, F::Conv2dFuncOptions().padding(kernel_ / 2).groups(b));
            y = y.view({b, out_, y.size(2), y.size(3)});
        }
        return y;
    }
    torch::Tensor weight;
    EqualLinear modulation{nullptr};
    FirFilter blur{nullptr};

private:
    int64_t in_, out_, kernel_;
    bool demodulate_, upsample_;
    double scale_;
};
TORCH_MODULE(ModulatedConv);

// NoiseInjection with isconcat: the "noise" (an encoder feature map) is scaled and appended.
class NoiseConcatImpl : public torch::nn::Module {
public:
    NoiseConcatImpl() { weight = register_parameter("weight", torch::zeros({1})); }
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& noise) {
        return torch::cat({x, weight * noise}, 1);
    }
    torch::Tensor weight;
};
TORCH_MODULE(NoiseConcat);

class StyledConvImpl : public torch::nn::Module {
public:
    StyledConvImpl(int64_t in, int64_t out, int64_t styleDim, bool upsample) {
        conv = register_module("conv", ModulatedConv(in, out, 3, styleDim, true, upsample));
        noise = register_module("noise", NoiseConcat());
        activate = register_module("activate", BiasedLeakyRelu(out * 2));
    }
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& style, const torch::Tensor& feature) {
        return activate->forward(noise->forward(conv->forward(x, style), feature));
    }
    ModulatedConv conv{nullptr};
    NoiseConcat noise{nullptr};
    BiasedLeakyRelu activate{nullptr};
};
TORCH_MODULE(StyledConv);

class ToRgbImpl : public torch::nn::Module {
public:
    ToRgbImpl(int64_t in, int64_t styleDim, bool upsample) {
        if (upsample) this->upsample = register_module("upsample", FirFilter(2, 2, 1, 4.0));
        conv = register_module("conv", ModulatedConv(in, 3, 1, styleDim, false, false));
        bias = register_parameter("bias", torch::zeros({1, 3, 1, 1}));
    }
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& style, const torch::Tensor& skip) {
        auto out = conv->forward(x, style) + bias;
        if (skip.defined()) out = out + upsample->forward(skip);
        return out;
    }
    FirFilter upsample{nullptr};
    ModulatedConv conv{nullptr};
    torch::Tensor bias;
};
TORCH_MODULE(ToRgb);

class ConstantInputImpl : public torch::nn::Module {
public:
    explicit ConstantInputImpl(int64_t channels) {
        input = register_parameter("input", torch::randn({1, channels, 4, 4}));
    }
    torch::Tensor input;
};
TORCH_MODULE(ConstantInput);

// ConvLayer: [blur,] equalized conv, FusedLeakyReLU: an nn.Sequential, so its children are named
// by position ("0", "1", "2") in the checkpoint.
Chain convLayer(int64_t in, int64_t out, int64_t kernel, bool downsample) {
    Chain layer;
    if (downsample) {
        const int p = static_cast<int>((4 - 2) + (kernel - 1));
        layer->push_back(FirFilter(1, (p + 1) / 2, p / 2, 1.0));
        layer->push_back(EqualConv(in, out, kernel, 2, 0, false));
    } else {
        layer->push_back(EqualConv(in, out, kernel, 1, kernel / 2, false));
    }
    layer->push_back(BiasedLeakyRelu(out));
    return layer;
}

int log2Exact(int size) {
    int log = 0;
    while ((1 << log) < size) ++log;
    if ((1 << log) != size || log < 3) throw Error("GPEN needs a power-of-two size of at least 8");
    return log;
}

}  // namespace

int gpenChannels(const GpenOptions& o, int resolution) {
    const double base = resolution <= 32 ? 512 : 256.0 * 64 / resolution * o.channelMultiplier;
    return static_cast<int>(base * o.narrow);
}

class StyleDecoderImpl : public torch::nn::Module {
public:
    explicit StyleDecoderImpl(const GpenOptions& o) {
        style = Chain();
        style->push_back(PixelNorm());
        for (int i = 0; i < o.mlpLayers; ++i)
            style->push_back(EqualLinear(o.styleDim, o.styleDim, 0.0, 0.01, true));
        register_module("style", style);
        const int64_t c4 = gpenChannels(o, 4);
        input = register_module("input", ConstantInput(c4));
        conv1 = register_module("conv1", StyledConv(c4, c4, o.styleDim, false));
        toRgb1 = register_module("to_rgb1", ToRgb(c4 * 2, o.styleDim, false));
        convs = register_module("convs", torch::nn::ModuleList());
        toRgbs = register_module("to_rgbs", torch::nn::ModuleList());
        int64_t in = c4;
        for (int i = 3; i <= log2Exact(o.size); ++i) {
            const int64_t out = gpenChannels(o, 1 << i);
            convs->push_back(StyledConv(in * 2, out, o.styleDim, true));
            convs->push_back(StyledConv(out * 2, out, o.styleDim, false));
            toRgbs->push_back(ToRgb(out * 2, o.styleDim, true));
            in = out;
        }
    }

    // features[0] is 4x4, the last is size x size; each serves the two convolutions at its size
    // (GPEN's forward repeats every map twice and drops the first).
    torch::Tensor forward(const torch::Tensor& code, const std::vector<torch::Tensor>& features) {
        const auto w = style->forward(code);  // one style for every layer (no mixing)
        auto out = input->input.repeat({code.size(0), 1, 1, 1});
        out = conv1->forward(out, w, features.at(0));
        auto skip = toRgb1->forward(out, w, torch::Tensor());
        for (size_t i = 0; i < toRgbs->size(); ++i) {
            const auto& feature = features.at(i + 1);
            out = convs->ptr(2 * i)->as<StyledConvImpl>()->forward(out, w, feature);
            out = convs->ptr(2 * i + 1)->as<StyledConvImpl>()->forward(out, w, feature);
            skip = toRgbs->ptr(i)->as<ToRgbImpl>()->forward(out, w, skip);
        }
        return skip;
    }

    Chain style{nullptr};
    ConstantInput input{nullptr};
    StyledConv conv1{nullptr};
    ToRgb toRgb1{nullptr};
    torch::nn::ModuleList convs{nullptr}, toRgbs{nullptr};
};

GpenGeneratorImpl::GpenGeneratorImpl(const GpenOptions& options) : options_(options) {
    generator_ = register_module("generator", std::make_shared<StyleDecoderImpl>(options));
    const int log = log2Exact(options.size);
    int64_t in = gpenChannels(options, options.size);
    // Each stage is an nn.Sequential holding one ConvLayer (names ecdN.0.<layer>).
    auto stage = [](Chain layer) {
        Chain outer;  // not Sequential(layer): that would copy the holder
        outer->push_back(std::move(layer));
        return outer;
    };
    encoder_.push_back(stage(convLayer(3, in, 1, false)));
    for (int i = log; i > 2; --i) {
        const int64_t out = gpenChannels(options, 1 << (i - 1));
        encoder_.push_back(stage(convLayer(in, out, 3, true)));
        in = out;
    }
    for (size_t i = 0; i < encoder_.size(); ++i)
        register_module("ecd" + std::to_string(i), encoder_[i]);
    finalLinear_ = register_module(
        "final_linear", Chain(EqualLinear(in * 4 * 4, options.styleDim, 0.0, 1.0, true)));
}

torch::Tensor GpenGeneratorImpl::forward(torch::Tensor image) {
    const int64_t side = options_.size;
    if (image.dim() != 4 || image.size(1) != 3 || image.size(2) != side || image.size(3) != side)
        throw Error("GPEN takes [B,3," + std::to_string(side) + "," + std::to_string(side) + "] images");
    std::vector<torch::Tensor> features;  // size x size first
    for (auto& stage : encoder_) {
        image = stage->forward(image);
        features.push_back(image);
    }
    const auto code = finalLinear_->forward(image.reshape({image.size(0), -1}));
    std::reverse(features.begin(), features.end());
    return generator_->forward(code, features);
}

}  // namespace pm::engine::nets
