#include "core/engine/runtime/gpu_preparation.h"

#include <torch/csrc/jit/passes/common_subexpression_elimination.h>
#include <torch/csrc/jit/passes/frozen_conv_add_relu_fusion.h>

#include "core/engine/graph/freezing.h"
#include "core/engine/graph/fused_ops.h"
#include "core/engine/graph/half_precision.h"
#include "core/engine/graph/layout_fusion.h"
#include "core/engine/graph/module_graphs.h"
#include "core/engine/runtime/torch_errors.h"

namespace pm::engine {
namespace {

// Freezing inlines the submodules and folds batch norms into convolution weights: fewer kernels
// per request.
void freezeAndFold(GpuModule& gpu, PhaseTrace& trace) {
    try {
        const TracedOpCounts traced = graph::freezeInPlace(gpu.module);
        gpu.frozen = true;
        trace.mark("freeze" +
                   (traced.total() ? " (traced: " + traced.describe() + ")" : std::string()));
    } catch (const std::exception& e) {
        gpu.note = "not frozen: " + errorText(e);
        return;
    }
    std::string whyNot;
    const int folded = graph::foldRemainingBatchNorms(gpu.module, &whyNot);
    trace.mark("folded " + std::to_string(folded) +
               " batch norms after conv sums and transposed convs (first sum left: " + whyNot +
               ")");
}

// The fused pads and sums of layout_fusion.h, on the frozen fp16 module.
void fuseLayouts(GpuModule& gpu, const GpuSwitches& switches, PhaseTrace& trace) {
    if (!gpu.frozen || !gpu.halfWeights || !layoutFusionOn(switches)) return;
    LayoutFusionCounts counts;
    try {
        LayoutFusionOptions options;
        options.convTaps = switches.convTaps;
        options.directTaps = switches.directTaps;
        options.widenNarrowInputs = switches.widenNarrowInputs;
        options.channelsLastWeights = switches.channelsLastWeights;
        options.padsInSums = switches.padsInSums;
        options.biasReluInPads = switches.biasReluInPads;
        options.localConvsJoined = switches.localConvsJoined;
        options.inverseFftConsumesSpectrum = switches.inverseFftConsumesSpectrum;
        options.castsInPointwiseConvs = switches.castsInPointwiseConvs;
        graph::forEachGraph(
            gpu.module, [&](auto& graph) { counts += fuseLayoutsAndPointwise(graph, options); });
    } catch (const std::exception& e) {
        // A half-rewritten graph still computes the same: each rewrite replaces whole nodes.
        gpu.note = "layout fusion stopped: " + errorText(e);
    }
    trace.mark("fused " + counts.describe());
}

}  // namespace

bool layoutFusionOn(const GpuSwitches& gpu) {
    return gpu.layoutFusion < 0 ? fused::haveCudaKernels() : gpu.layoutFusion == 1;
}

bool warmCacheApplies(const ModelEntry& entry, const SessionOptions& options) {
    const GpuSwitches& gpu = options.gpu;
    return options.useWarmCache && !options.warmCacheDir.empty() && options.allowHalf &&
           entry.contract.halfSafe && gpu.freeze == GpuSwitches::Freeze::BeforeMove &&
           !gpu.autocast && !gpu.channelsLast && !gpu.cudnnFusion;
}

std::string warmCacheVariant(const SessionOptions& options) {
    // The cache holds the rewritten graph: each rewrite switch that changes it names its own entry.
    if (!layoutFusionOn(options.gpu)) return "frozen fp16 NCHW";
    // 16: conv_taps' kernel list says whether the direct kernel may run (15 and before: 3 items).
    std::string variant = "frozen fp16 NCHW, fused layouts 16";
    if (options.gpu.directTaps) variant += ", taps direct";
    if (options.gpu.widenNarrowInputs) variant += ", narrow inputs widened";
    if (!options.gpu.padsInSums) variant += ", pads apart";
    if (!options.gpu.biasReluInPads) variant += ", bias + relu apart";
    if (options.gpu.localConvsJoined) variant += ", local convolutions joined";
    if (!options.gpu.inverseFftConsumesSpectrum) variant += ", inverse FFTs copying";
    if (!options.gpu.castsInPointwiseConvs) variant += ", fp32 casts apart";
    return variant;
}

GpuModule prepareForGpu(torch::jit::Module module, bool halfSafe, const SessionOptions& options,
                        const torch::Device& device, PhaseTrace& trace) {
    GpuModule gpu;
    gpu.module = std::move(module);
    // "cpu" freezes before the weights move to the GPU.
    const GpuSwitches::Freeze freeze = options.gpu.freeze;
    if (freeze == GpuSwitches::Freeze::BeforeMove) freezeAndFold(gpu, trace);
    gpu.module.to(device);
    graph::castTensorConstants(gpu.module, device, c10::nullopt);
    trace.mark("weights to the GPU");
    if (freeze == GpuSwitches::Freeze::AfterMove) freezeAndFold(gpu, trace);
    if (options.gpu.channelsLast) {  // a frozen module's weights are constants: only inputs change
        torch::NoGradGuard noGrad;
        for (auto parameter : gpu.module.parameters())
            if (parameter.dim() == 4)
                parameter.set_data(parameter.contiguous(at::MemoryFormat::ChannelsLast));
    }
    gpu.half = options.allowHalf && halfSafe;
    if (gpu.half && options.gpu.autocast) {
        graph::keepFftInFloat(gpu.module, false);
    } else if (gpu.half) {
        // fp16 weights rather than autocast: no cast kernels around every operation. The fp32
        // module stays until warm-up has measured the fp16 error against it.
        gpu.reference = gpu.module;
        gpu.module = graph::halfCopy(gpu.module, device);
        gpu.halfWeights = true;
    }
    // cuDNN's fused convolution + bias (+ residual sum) + ReLU on the frozen graph. Off: on the
    // big-LaMa architecture (H200) it saved 0.25 ms of 19.9 at 1024² and its rewrite cost 0.26 s
    // of start-up.
    if (gpu.frozen && options.gpu.cudnnFusion) {
        graph::forEachGraph(gpu.module, [](auto& graph) {
            torch::jit::EliminateCommonSubexpression(graph);
            torch::jit::FuseFrozenConvAddRelu(graph);
        });
    }
    trace.mark("layout, precision and graph rewrite");
    fuseLayouts(gpu, options.gpu, trace);
    return gpu;
}

GpuModule preparedFromCache(torch::jit::Module module, const SessionOptions& options,
                            PhaseTrace& trace) {
    GpuModule gpu;
    gpu.module = std::move(module);
    gpu.frozen = gpu.half = gpu.halfWeights = true;
    trace.mark("frozen fp16 module from the warm-up cache");
    // Running the rewrite again changes nothing where the cached graph has it already.
    fuseLayouts(gpu, options.gpu, trace);
    return gpu;
}

}  // namespace pm::engine
