#include "bench/engine/lama_like_model.h"

#include <cmath>
#include <memory>
#include <sstream>

#include <torch/script.h>
#include <torch/torch.h>

namespace pm::bench {
namespace {

using torch::jit::Module;

// All classes in one compilation unit, each with its own name, as torch.jit.script would save them.
class ModuleFactory {
public:
    Module make(const std::string& kind) {
        Module m(c10::QualifiedName("__torch__.lama_like." + kind + std::to_string(count_++)),
                 unit_);
        // Module::train()/eval() and the batch norms read it, as in scripted nn.Modules.
        m.register_attribute("training", c10::BoolType::get(), true);
        return m;
    }

private:
    std::shared_ptr<torch::jit::CompilationUnit> unit_ =
        std::make_shared<torch::jit::CompilationUnit>();
    int count_ = 0;
};

// He initialisation: keeps a ReLU network's activations at unit scale.
torch::Tensor convWeight(int64_t out, int64_t in, int64_t k, double gain = 2.0) {
    return torch::randn({out, in, k, k}) * std::sqrt(gain / static_cast<double>(in * k * k));
}

Module batchNorm(ModuleFactory& f, int64_t channels) {
    Module m = f.make("BatchNorm2d");
    m.register_parameter("weight", torch::ones({channels}), false);
    m.register_parameter("bias", torch::zeros({channels}), false);
    m.register_buffer("running_mean", torch::zeros({channels}));
    m.register_buffer("running_var", torch::ones({channels}));
    // Momentum 1: the calibration call (training mode) leaves exactly its batch's statistics.
    m.define(R"(
def forward(self, x):
    return torch.batch_norm(x, self.weight, self.bias, self.running_mean, self.running_var,
                            self.training, 1.0, 1e-05, True)
)");
    return m;
}

// conv (no bias) + batch norm + ReLU, optionally after a reflection pad.
Module convBnRelu(ModuleFactory& f, int64_t in, int64_t out, int64_t k, int stride, int pad,
                  int reflectPad = 0) {
    Module m = f.make("ConvBnReLU");
    m.register_parameter("weight", convWeight(out, in, k), false);
    m.register_module("bn", batchNorm(f, out));
    std::ostringstream src;
    src << "def forward(self, x):\n";
    if (reflectPad > 0)
        src << "    x = torch.reflection_pad2d(x, [" << reflectPad << ", " << reflectPad << ", "
            << reflectPad << ", " << reflectPad << "])\n";
    src << "    x = torch.conv2d(x, self.weight, None, [" << stride << ", " << stride << "], ["
        << pad << ", " << pad << "])\n"
        << "    return torch.relu(self.bn.forward(x))\n";
    m.define(src.str());
    return m;
}

// LaMa's FourierUnit (saicinpainting/training/modules/ffc.py), with its torch.complex() after the
// convolution, so an fp16 path meets the real model's problem.
Module fourierUnit(ModuleFactory& f, int64_t channels) {
    Module m = f.make("FourierUnit");
    m.register_parameter("weight", convWeight(channels * 2, channels * 2, 1), false);
    m.register_module("bn", batchNorm(f, channels * 2));
    m.define(R"(
def forward(self, x):
    b = x.size(0)
    h = x.size(2)
    w = x.size(3)
    ff = torch.fft_rfftn(x, dim=[-2, -1], norm="ortho")
    ff = torch.stack([torch.real(ff), torch.imag(ff)], dim=-1)
    ff = ff.permute(0, 1, 4, 2, 3).contiguous().view(b, -1, h, w // 2 + 1)
    ff = torch.relu(self.bn.forward(torch.conv2d(ff, self.weight)))
    ff = ff.view(b, -1, 2, h, w // 2 + 1).permute(0, 1, 3, 4, 2).contiguous()
    ff = torch.complex(ff[..., 0], ff[..., 1])
    return torch.fft_irfftn(ff, s=[h, w], dim=[-2, -1], norm="ortho")
)");
    return m;
}

Module spectralTransform(ModuleFactory& f, int64_t channels) {
    const int64_t half = channels / 2;
    Module m = f.make("SpectralTransform");
    m.register_module("conv1", convBnRelu(f, channels, half, 1, 1, 0));
    m.register_module("fu", fourierUnit(f, half));
    m.register_parameter("conv2", convWeight(channels, half, 1), false);
    m.define(R"(
def forward(self, x):
    x = self.conv1.forward(x)
    return torch.conv2d(x + self.fu.forward(x), self.conv2)
)");
    return m;
}

// Fast Fourier convolution with 75% of the channels in the global (spectral) branch; the 3x3
// convolutions pad by reflection, as nn.Conv2d(padding_mode="reflect") does (one pad per conv).
Module ffc(ModuleFactory& f, int64_t channels) {
    const int64_t global = channels * 3 / 4, local = channels - global;
    Module m = f.make("FFC");
    m.register_parameter("l2l", convWeight(local, local, 3), false);
    m.register_parameter("l2g", convWeight(global, local, 3), false);
    m.register_parameter("g2l", convWeight(local, global, 3), false);
    m.register_module("g2g", spectralTransform(f, global));
    m.register_module("bn_l", batchNorm(f, local));
    m.register_module("bn_g", batchNorm(f, global));
    std::ostringstream src;
    src << "def forward(self, x):\n"
        << "    x_l = x[:, :" << local << "]\n"
        << "    x_g = x[:, " << local << ":]\n"
        << R"(    l2l = torch.conv2d(torch.reflection_pad2d(x_l, [1, 1, 1, 1]), self.l2l)
    g2l = torch.conv2d(torch.reflection_pad2d(x_g, [1, 1, 1, 1]), self.g2l)
    out_l = torch.relu(self.bn_l.forward(l2l + g2l))
    l2g = torch.conv2d(torch.reflection_pad2d(x_l, [1, 1, 1, 1]), self.l2g)
    out_g = torch.relu(self.bn_g.forward(l2g + self.g2g.forward(x_g)))
    return torch.cat([out_l, out_g], 1)
)";
    m.define(src.str());
    return m;
}

Module ffcResBlock(ModuleFactory& f, int64_t channels) {
    Module m = f.make("FFCResBlock");
    m.register_module("conv1", ffc(f, channels));
    m.register_module("conv2", ffc(f, channels));
    m.define(R"(
def forward(self, x):
    return x + self.conv2.forward(self.conv1.forward(x))
)");
    return m;
}

Module upsample(ModuleFactory& f, int64_t in, int64_t out) {
    Module m = f.make("UpBnReLU");
    // ConvTranspose2d weights are [in, out, k, k].
    m.register_parameter("weight", convWeight(in, out, 3), false);
    m.register_module("bn", batchNorm(f, out));
    m.define(R"(
def forward(self, x):
    x = torch.conv_transpose2d(x, self.weight, None, [2, 2], [1, 1], [1, 1])
    return torch.relu(self.bn.forward(x))
)");
    return m;
}

Module head(ModuleFactory& f, int64_t in) {
    Module m = f.make("Head");
    // nn.Conv2d's default initialisation (variance 1 / (3 fan-in)), as in make_lama_like.py: the
    // logits stay small, so the sigmoid output spreads over 0..1 instead of saturating.
    m.register_parameter("weight", convWeight(3, in, 7, 1.0 / 3.0), false);
    m.register_parameter("bias", torch::zeros({3}), false);
    m.define(R"(
def forward(self, x):
    x = torch.conv2d(torch.reflection_pad2d(x, [3, 3, 3, 3]), self.weight, self.bias)
    return torch.sigmoid(x)
)");
    return m;
}

Module build(const LamaLikeOptions& options) {
    torch::manual_seed(options.seed);
    ModuleFactory f;
    Module m = f.make("LamaLike");
    std::ostringstream src;
    src << "def forward(self, image, mask):\n"
        << "    x = torch.cat([image * (1 - mask), mask], 1)\n";
    auto add = [&](const std::string& name, const Module& child) {
        m.register_module(name, child);
        src << "    x = self." << name << ".forward(x)\n";
    };
    add("stem", convBnRelu(f, 4, 64, 7, 1, 0, 3));
    int64_t ch = 64;
    for (int i = 0; i < 3; ++i, ch *= 2)
        add("down" + std::to_string(i), convBnRelu(f, ch, ch * 2, 3, 2, 1));
    for (int i = 0; i < options.blocks; ++i) add("block" + std::to_string(i), ffcResBlock(f, ch));
    for (int i = 0; i < 3; ++i, ch /= 2) add("up" + std::to_string(i), upsample(f, ch, ch / 2));
    add("head", head(f, ch));
    src << "    return x\n";
    m.define(src.str());
    return m;
}

// Batch-norm statistics measured on random photo-like inputs (uniform pixels, 30% of them masked),
// as make_lama_like.py does: each batch norm then normalises what really reaches it, so the
// residual stream stays in range through every block.
void calibrate(Module& m, int side) {
    torch::NoGradGuard noGrad;
    m.train(true);
    const auto image = torch::rand({2, 3, side, side});
    const auto mask = (torch::rand({2, 1, side, side}) > 0.7).to(torch::kFloat32);
    m.forward({image, mask});
    m.eval();
}

}  // namespace

LamaLikeSummary saveLamaLikeModel(const std::string& path, const LamaLikeOptions& options) {
    Module m = build(options);
    calibrate(m, options.calibrationSide);
    LamaLikeSummary summary;
    for (const auto& p : m.parameters()) summary.parameters += p.numel();
    for (const auto& b : m.buffers()) summary.buffers += b.numel();
    m.save(path);
    return summary;
}

}  // namespace pm::bench
