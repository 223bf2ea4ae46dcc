#include "core/engine/diffusion/pipeline/task_prompts.h"

#include <algorithm>

namespace pm::engine::diffusion {
namespace {

// "TOKEN text" with the spacing PowerPaint's str.format gives ("P_obj " + text), or the text
// alone when the model has no task tokens.
std::string withToken(const std::string& token, const std::string& text, bool taskTokens) {
    if (!taskTokens) return text;
    return token + " " + text;
}

// PowerPaint's quality negative: "{}, worst quality, ..." (the user's negative prompt first).
std::string qualityNegative(const std::string& negative) {
    return negative + ", worst quality, low quality, normal quality, bad quality, blurry";
}

}  // namespace

TaskPrompts taskPrompts(const PromptFillSettings& settings, bool taskTokens) {
    const std::string& text = settings.prompt;
    const std::string& negative = settings.negativePrompt;
    TaskPrompts prompts;
    switch (settings.task) {
    case PromptFillTask::Fill:
        prompts.promptA = prompts.promptB = withToken("P_obj", text, taskTokens);
        prompts.negativeA = prompts.negativeB = qualityNegative(negative);
        break;
    case PromptFillTask::Remove:
    case PromptFillTask::Outpaint:
        prompts.promptA = prompts.promptB = withToken("P_ctxt", "empty scene blur " + text, taskTokens);
        prompts.negativeA = prompts.negativeB = withToken("P_obj", negative, taskTokens);
        break;
    case PromptFillTask::Shape:
        prompts.promptA = withToken("P_shape", text, taskTokens);
        prompts.promptB = withToken("P_ctxt", text, taskTokens);
        prompts.negativeA = qualityNegative(withToken("P_shape", negative, taskTokens));
        prompts.negativeB = qualityNegative(withToken("P_ctxt", negative, taskTokens));
        prompts.tradeoff = std::clamp(settings.fitting, 0.0, 1.0);
        break;
    }
    return prompts;
}

}  // namespace pm::engine::diffusion
