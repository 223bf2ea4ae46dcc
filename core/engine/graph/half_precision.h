#pragma once
// A module's precision and device as graph rewrites: a frozen module keeps its weights as graph
// constants, which Module::to() does not see, and LaMa's FFTs must stay in fp32 whatever the
// weights are.
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>
#include <c10/util/Optional.h>

namespace torch::jit {
struct Module;
}

namespace pm::engine::graph {

/// Moves the tensor constants of every graph to `device`, and casts the floating-point ones to
/// `dtype` when given. 0-dim integer constants (traced size arithmetic) stay where they are.
void castTensorConstants(const torch::jit::Module& module, const c10::Device& device,
                         c10::optional<at::ScalarType> dtype);

/// Casts every FFT's input to fp32 (no-ops on fp32 inputs). With `halfWeights` the spectra's real
/// and imaginary parts and the inverse FFT's output are cast back to fp16 for the convolutions
/// that read them.
void keepFftInFloat(const torch::jit::Module& module, bool halfWeights);

/// An fp16 copy of an fp32 module on `device`: weights, buffers and frozen constants in fp16, FFTs
/// in fp32. A clone, so its methods get their own executors (the fp32 module may have run already).
torch::jit::Module halfCopy(const torch::jit::Module& module, const c10::Device& device);

}  // namespace pm::engine::graph
