#pragma once
// A rewrite of frozen TorchScript graphs for the GPU: reflection pads feeding convolutions become
// one pad that writes channels last (the layout cuDNN's fp16 kernels use, so the convolutions
// stop transposing), with the convolutions' weights stored channels last; relu(a + b + bias),
// concatenations of such sums and residual additions after them become one relu_sum_cat that
// reads either layout and writes NCHW (fused_ops.h). Same output up to fp rounding (the sums are
// done in fp32); 1x1 convolutions, with the relu after them, become matrix products on NCHW data;
// the copies with which LaMa's Fourier units turn spectra into channels and back become one pass;
// last, the pads that read a fused sum's output are written by the sum itself (pad_fusion.cpp).
// The inverse FFT of a spectrum that nothing else reads overwrites it instead of a copy of it
// (inverseFftConsumesSpectrum; fused_ops.h irfft2_consuming).
// Optionally (localConvsJoined), the two padded convolutions of adjacent channel ranges that an FFC's
// local output sums become one over both ranges (local_conv_join.cpp).
// Measured on big-LaMa's architecture: bench/gpu/NOTES.md.
#include <memory>
#include <string>

namespace torch::jit {
struct Graph;
}

namespace pm::engine {

struct LayoutFusionCounts {
    int pads = 0;       ///< reflection pads now writing channels last
    int sums = 0;       ///< relu(a + b) now one relu_sum_cat
    int concats = 0;    ///< concatenations of relu_sum_cat outputs merged into one
    int residuals = 0;  ///< residual additions taken into a relu_sum_cat
    int conv1x1 = 0;    ///< 1x1 convolutions (with the relu after them) now matrix products
    int biasRelus = 0;  ///< other convolutions' bias and the relu after them now one pass
    int spectra = 0;    ///< Fourier-unit reshuffles (spectrum <-> channels) now one pass each
    int convTaps = 0;   ///< convolutions with at most 8 output channels as a product per tap
    int widenedSums = 0;  ///< x + y.to(x.dtype) with y fp32 (an FFT's output) now one pass
    int channelsLastWeights = 0;  ///< other convolutions whose weights are now channels last
    int padsInSums = 0;  ///< reflection pads now written by the relu_sum_cat they read
    int biasReluPads = 0;  ///< bias_relu_ passes now done by the reflection pad reading them
    int joinedConvs = 0;   ///< sums of two padded convolutions of adjacent channels now one
    int consumedSpectra = 0;  ///< inverse FFTs now overwriting their spectrum instead of a copy
    int widenedCasts = 0;  ///< fp32 casts of an fp16 1x1 convolution now written by its bias pass
    int widenedInputs = 0;  ///< pads of a few channels now appending zeros up to 8 for their convs

    LayoutFusionCounts& operator+=(const LayoutFusionCounts& other);
    /// How many rewrites of every kind, all together.
    int total() const;
    /// "74 pads, 72 sums, ..." for the start-up trace.
    std::string describe() const;
};

/// Measurement switches (PM_ENGINE_CONV_TAPS, PM_ENGINE_CL_WEIGHTS in the engine).
struct LayoutFusionOptions {
    bool convTaps = true;
    bool directTaps = false;  ///< engine_bench --switch direct_taps
    bool widenNarrowInputs = false;  ///< engine_bench --switch widen_inputs
    bool channelsLastWeights = true;
    bool padsInSums = true;  ///< engine_bench --switch pads_in_sums
    bool biasReluInPads = true;  ///< engine_bench --switch bias_relu_in_pads
    bool localConvsJoined = false;  ///< engine_bench --switch local_convs_joined
    /// engine_bench --switch irfft_consuming
    bool inverseFftConsumesSpectrum = true;
    /// engine_bench --switch cast_in_conv1x1
    bool castsInPointwiseConvs = true;
};

/// Rewrites what it recognises and leaves the rest; running it twice changes nothing more.
LayoutFusionCounts fuseLayoutsAndPointwise(const std::shared_ptr<torch::jit::Graph>& graph,
                                           const LayoutFusionOptions& options = {});

}  // namespace pm::engine
