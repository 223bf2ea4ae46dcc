#pragma once
// A whole prompt-fill request on a photo: the outpainting canvas, the work crop at the working size,
// the denoising loop per variation and the feathered paste-back into the full-size photo; and the
// models it needs from a diffusers folder. Private to libphotomend-torch.so.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/engine/diffusion/diffusion_models.h"
#include "core/engine/diffusion/pipeline/clip_tokenizer.h"
#include "core/engine/prompt_fill_request.h"

namespace pm::engine::diffusion {

struct PromptFillModels {
    std::unique_ptr<DiffusionModels> networks;
    ClipTokenizer tokenizer;
    bool taskTokens = false;  ///< PowerPaint's P_obj, P_ctxt, P_shape are known
};

/// Gives `tokenizer` PowerPaint's task tokens (P_obj, P_ctxt, P_shape, 10 ids each) when the text
/// encoder's embedding table has room for them (`textEncoderVocabSize`, the rows of its table as
/// loaded: 49408 for SD-1.5, 49438 for PowerPaint v1, whose download ships SD-1.5's config and adds
/// the rows in its weights) or the tokenizer folder added them. Returns whether it did.
bool addPowerPaintTaskTokens(ClipTokenizer& tokenizer, int64_t textEncoderVocabSize);

/// Reads `folder`/tokenizer and loads the networks (loadDiffusionModels), then the task tokens
/// where the loaded text encoder has rows for them. Throws pm::Error naming what is missing or broken.
PromptFillModels loadPromptFillModels(const std::string& folder, const DiffusionLoadOptions& options);

/// The working sizes the GPU warms at start: 640² (PowerPaint's short side, a fill in a photo
/// bigger than the crop) and 512² (outpainting's).
std::vector<cv::Size> promptFillBuckets();

/// Runs each working size once through the whole loop (text, VAE encode, `steps` guided UNet steps,
/// VAE decode) on a grey picture with a centred mask, so that cuDNN's algorithm choices, the
/// allocator's blocks and the UNet step's CUDA graph (its first step runs eagerly, the second is
/// captured) exist before the first request. Keeps no state that could change a later result.
void warmUpPromptFill(DiffusionModels& networks, const ClipTokenizer& tokenizer, bool taskTokens,
                      const std::vector<cv::Size>& sizes, int steps = 2);

/// Runs `request` (its modelFolder is not read: the models are given). Throws pm::Error for a bad
/// request (no mask, a mask of another size, nothing to extend), pm::Cancelled when `cancelled`
/// turns true between steps.
PromptFillResult runPromptFill(DiffusionModels& networks, const ClipTokenizer& tokenizer, bool taskTokens,
                               const PromptFillRequest& request, const std::function<bool()>& cancelled);

}  // namespace pm::engine::diffusion
