#include "core/engine/graph/half_precision.h"

#include <string>

#include <torch/csrc/jit/api/module.h>
#include <torch/csrc/jit/passes/subgraph_rewrite.h>

#include "core/engine/graph/module_graphs.h"

namespace pm::engine::graph {
namespace {

// A frozen module keeps its weights as graph constants, which Module::to() does not see.
void castBlockConstants(torch::jit::Block* block, const c10::Device& device,
                        c10::optional<at::ScalarType> dtype) {
    for (auto* node : block->nodes()) {
        for (auto* inner : node->blocks()) castBlockConstants(inner, device, dtype);
        if (node->kind() != c10::prim::Constant || !node->hasAttribute(c10::attr::value) ||
            node->kindOf(c10::attr::value) != torch::jit::AttributeKind::t)
            continue;
        const auto tensor = node->t(c10::attr::value);
        const bool castType = dtype && tensor.is_floating_point() && tensor.scalar_type() != *dtype;
        // 0-dim integer tensors are traced size arithmetic (w // 2); on the GPU their aten::Int
        // would be a device sync, which CUDA graph capture refuses. ATen mixes 0-dim CPU tensors
        // with GPU ones anyway.
        if (tensor.dim() == 0 && !tensor.is_floating_point() && !castType) continue;
        if (!castType && tensor.device() == device) continue;
        const auto cast = castType ? tensor.to(device, *dtype) : tensor.to(device);
        node->t_(c10::attr::value, cast);
        node->output()->inferTypeFrom(cast);
    }
}

}  // namespace

void castTensorConstants(const torch::jit::Module& module, const c10::Device& device,
                         c10::optional<at::ScalarType> dtype) {
    forEachGraph(module, [&](auto& graph) { castBlockConstants(graph->block(), device, dtype); });
}

// LaMa's Fourier units take rfftn of a convolution's output and rebuild the spectrum with
// torch.complex(real, imag) from another convolution's output. In fp16, cuFFT supports only
// power-of-two sizes, overflows at 2048² and, measured on the big-LaMa architecture at 1024², moves
// the output by 12%: every FFT must stay in fp32. These rewrites of the loaded graph cast the FFT
// inputs to fp32 without touching the model file (the casts are no-ops on fp32 inputs). With fp16
// weights (`halfWeights`) the spectra's real and imaginary parts and the inverse FFT's output are
// cast back to fp16 for the convolutions that read them.
void keepFftInFloat(const torch::jit::Module& module, bool halfWeights) {
    torch::jit::SubgraphRewriter rewriter;
    const std::string constants = R"(
  %float : int = prim::Constant[value=6]()
  %cfloat : int = prim::Constant[value=9]()
  %half : int = prim::Constant[value=5]()
  %no : bool = prim::Constant[value=0]()
  %keep : NoneType = prim::Constant())";
    rewriter.RegisterRewritePattern(R"(
graph(%real, %imag):
  %out = aten::complex(%real, %imag)
  return (%out))",
                                    "\ngraph(%real, %imag):" + constants + R"(
  %real32 = aten::to(%real, %float, %no, %no, %keep)
  %imag32 = aten::to(%imag, %float, %no, %no, %keep)
  %out = aten::complex(%real32, %imag32)
  return (%out))");
    rewriter.RegisterRewritePattern(R"(
graph(%x, %s, %dim, %norm):
  %out = aten::fft_rfftn(%x, %s, %dim, %norm)
  return (%out))",
                                    "\ngraph(%x, %s, %dim, %norm):" + constants + R"(
  %x32 = aten::to(%x, %float, %no, %no, %keep)
  %out = aten::fft_rfftn(%x32, %s, %dim, %norm)
  return (%out))");
    const std::string back = halfWeights ? "%half" : "%float";
    rewriter.RegisterRewritePattern(R"(
graph(%x, %s, %dim, %norm):
  %out = aten::fft_irfftn(%x, %s, %dim, %norm)
  return (%out))",
                                    "\ngraph(%x, %s, %dim, %norm):" + constants + R"(
  %x32 = aten::to(%x, %cfloat, %no, %no, %keep)
  %out32 = aten::fft_irfftn(%x32, %s, %dim, %norm)
  %out = aten::to(%out32, )" + back + R"(, %no, %no, %keep)
  return (%out))");
    if (halfWeights)
        for (const char* part : {"real", "imag"})
            rewriter.RegisterRewritePattern(std::string(R"(
graph(%z):
  %out = aten::)") + part + R"((%z)
  return (%out))",
                                            "\ngraph(%z):" + constants + R"(
  %part = aten::)" + part + R"((%z)
  %out = aten::to(%part, %half, %no, %no, %keep)
  return (%out))");
    forEachGraph(module, [&](auto& graph) { rewriter.runOnGraph(graph); });
}

torch::jit::Module halfCopy(const torch::jit::Module& module, const c10::Device& device) {
    torch::jit::Module half = module.clone();
    half.to(at::kHalf);
    castTensorConstants(half, device, at::kHalf);
    keepFftInFloat(half, true);
    return half;
}

}  // namespace pm::engine::graph
