#pragma once
// The prompts PowerPaint v1 gives its text encoder for each task (TASK_PROMPT["ppt1"] in
// open-mmlab/PowerPaint's app.py): two prompts A and B whose embeddings are blended as
// A * t + B * (1 - t), for the prompt (t = fitting degree for Shape, else 1) and for the negative
// prompt (t = 1: PowerPaint's pipeline passes tradeoff_nag = 1). Torch-free.
#include <string>

#include "core/engine/prompt_fill_request.h"

namespace pm::engine::diffusion {

struct TaskPrompts {
    std::string promptA, promptB;
    std::string negativeA, negativeB;
    double tradeoff = 1.0;          ///< weight of promptA
    double negativeTradeoff = 1.0;  ///< weight of negativeA
};

/// `taskTokens`: the model has PowerPaint's P_obj/P_ctxt/P_shape (PowerPaint v1). Without them (plain
/// SD-1.5 inpainting) the same texts are used without the task tokens.
TaskPrompts taskPrompts(const PromptFillSettings& settings, bool taskTokens);

}  // namespace pm::engine::diffusion
