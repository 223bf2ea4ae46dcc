#pragma once
// What start-up does to a model before it serves on the GPU: freezing (weights become graph
// constants, batch norms folded), the weights' device and layout, fp16 weights with the FFTs kept
// in fp32, and the graph rewrites of graph/. Private to core/engine (it includes torch).
#include <string>

#include <torch/script.h>

#include "core/engine/inference_session.h"
#include "core/engine/runtime/phase_trace.h"

namespace pm::engine {

/// Whether the pads and sums of graph/layout_fusion.h are rewritten: by default where their CUDA
/// kernels were built.
bool layoutFusionOn(const GpuSwitches& gpu);

/// Whether start-up with these settings makes what the warm-up cache holds (the default GPU
/// path: frozen on the CPU, fp16 weights, NCHW).
bool warmCacheApplies(const ModelEntry& entry, const SessionOptions& options);
/// What the warm-up cache entry of this build's GPU path is called (it holds the rewritten graph).
std::string warmCacheVariant(const SessionOptions& options);

/// A module ready for the GPU, and what start-up made of it.
struct GpuModule {
    torch::jit::Module module;
    /// With fp16 weights: the fp32 module, until warm-up has measured the fp16 error against it.
    c10::optional<torch::jit::Module> reference;
    bool frozen = false;  ///< weights are graph constants: the rewrites may change them
    bool half = false;    ///< runs in fp16 (fp16 weights, or autocast)
    bool halfWeights = false;
    std::string note;  ///< the last step that was left out and why; "" when none was
};

/// Prepares a module loaded on the CPU for `device` as `options.gpu` asks; fp16 only where
/// `halfSafe` and options.allowHalf. A step that fails is left out (and named in the note): the
/// module is then slower, never wrong.
GpuModule prepareForGpu(torch::jit::Module module, bool halfSafe, const SessionOptions& options,
                        const torch::Device& device, PhaseTrace& trace);
/// A module from the warm-up cache: already what prepareForGpu made of the file last time.
GpuModule preparedFromCache(torch::jit::Module module, const SessionOptions& options,
                            PhaseTrace& trace);

}  // namespace pm::engine
