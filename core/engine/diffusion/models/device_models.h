#pragma once
// The three networks behind the DiffusionModels interface on their device, with the GPU fast path:
// NHWC weights when asked, the UNet step replayed from a CUDA graph per input shape, and an fp16
// VAE decode that is redone in fp32 when it overflows. Private to libphotomend-torch.so.
#include <memory>

#include "core/engine/diffusion/diffusion_models.h"
#include "core/engine/diffusion/models/clip_text.h"
#include "core/engine/diffusion/models/unet.h"
#include "core/engine/diffusion/models/vae.h"

namespace pm::engine::diffusion {

/// The networks must already have `options`' device and dtype (the loader or the benchmark made
/// them so); their convolution weights are turned to NHWC here when options.channelsLast.
std::unique_ptr<DiffusionModels> makeDiffusionModels(std::shared_ptr<ClipTextModel> text,
                                                     std::shared_ptr<UNet> unet,
                                                     std::shared_ptr<Vae> vae,
                                                     const DiffusionLoadOptions& options);

/// The module's 4-D parameters (convolution kernels) in NHWC, in place (the layers keep them).
void toChannelsLast(torch::nn::Module& module);

/// ResnetBlock::setInPlace on every residual block of `module`.
void setInPlaceActivations(torch::nn::Module& module, bool inPlace);

/// How many VAE encodes and decodes were replayed from captured CUDA graphs so far (0 without).
int64_t replayedVaeGraphs(const DiffusionModels& models);

/// How many UNet steps were replayed from a captured CUDA graph so far (0 without graphs);
/// `models` must come from makeDiffusionModels. The benchmark prints it, so a silent fallback to
/// eager steps shows.
int64_t replayedGraphSteps(const DiffusionModels& models);

}  // namespace pm::engine::diffusion
