#pragma once
// The denoising loop of SD-1.5 inpainting as PowerPaint v1 runs it (its pipeline_powerpaint.py,
// diffusers' StableDiffusionInpaintPipeline): the task's prompts blended in embedding space,
// classifier-free guidance over a batch of [negative, positive], the UNet's 9 input channels
// (noisy latents, the mask at 1/8, the masked image's latents), DDIM or DPM-Solver++(2M), then the
// VAE decoder; one variation after another with its own seed, progress and cancel at every step.
// Works at the working size (work_area.h does the crop and the paste-back). Private to
// libphotomend-torch.so.
#include <functional>
#include <vector>

#include <opencv2/core.hpp>
#include <torch/torch.h>

#include "core/engine/diffusion/diffusion_models.h"
#include "core/engine/diffusion/pipeline/clip_tokenizer.h"
#include "core/engine/diffusion/pipeline/task_prompts.h"
#include "core/engine/prompt_fill_request.h"

namespace pm::engine::diffusion {

class PromptFillPipeline {
public:
    /// `taskTokens`: the tokenizer knows P_obj, P_ctxt and P_shape (PowerPaint).
    PromptFillPipeline(DiffusionModels& models, const ClipTokenizer& tokenizer, bool taskTokens);

    /// [negative; positive] text embeddings ([positive] alone when guidance <= 1), each the blend
    /// A * t + B * (1 - t) of its task prompts.
    torch::Tensor promptEmbeddings(const TaskPrompts& prompts, bool guidance);

    /// One CV_8UC3 image of the working size per variation. `bgr` CV_8UC3 and `mask` CV_8UC1 (non-zero
    /// = fill) of the working size, both sides multiples of 8. `cancelled` is asked before every
    /// step; when true, pm::Cancelled is thrown. `onStep` (optional) follows every step.
    std::vector<cv::Mat> generate(const cv::Mat& bgr, const cv::Mat& mask, const PromptFillSettings& settings,
                                  const std::function<void(const PromptFillStep&)>& onStep,
                                  const std::function<bool()>& cancelled);

private:
    torch::Tensor embed(const std::string& text);

    DiffusionModels& models_;
    const ClipTokenizer& tokenizer_;
    bool taskTokens_;
};

}  // namespace pm::engine::diffusion
