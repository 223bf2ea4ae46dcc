#include "core/engine/diffusion/pipeline/prompt_fill_backend.h"

#include <mutex>

#include "core/common/error.h"
#include "core/engine/diffusion/pipeline/prompt_fill.h"

namespace pm::engine::diffusion {
namespace {

// One model set at a time: SD-1.5 is ~2 GB in fp16, and a user works with one at a time.
struct LoadedModels {
    std::mutex mutex;
    std::string folder;
    bool cuda = false;
    std::unique_ptr<PromptFillModels> models;
};

LoadedModels& loadedModels() {
    static LoadedModels loaded;
    return loaded;
}

}  // namespace

PromptFillResult promptFillOnDevice(const PromptFillRequest& request, const DeviceInfo& device, JobContext& context) {
    LoadedModels& loaded = loadedModels();
    std::lock_guard<std::mutex> lock(loaded.mutex);
    std::string problem;
    if (!promptFillModelInstalled(request.modelFolder, &problem))
        throw Error("no prompt-fill model is installed in " + request.modelFolder + " (" + problem + ")");
    if (!loaded.models || loaded.folder != request.modelFolder || loaded.cuda != device.cuda) {
        loaded.models.reset();  // free the old weights before loading the new ones
        context.progress(0.0, "loading the prompt-fill model");
        DiffusionLoadOptions options;
        options.device = device.cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
        options.dtype = device.cuda ? torch::kHalf : torch::kFloat32;
        loaded.models = std::make_unique<PromptFillModels>(loadPromptFillModels(request.modelFolder, options));
        loaded.folder = request.modelFolder;
        loaded.cuda = device.cuda;
    }
    PromptFillRequest withProgress = request;
    withProgress.onStep = [&](const PromptFillStep& step) {
        const double done = step.variation * step.steps + step.step;
        context.progress(done / (static_cast<double>(step.variations) * step.steps),
                         "variation " + std::to_string(step.variation + 1) + " of " +
                             std::to_string(step.variations) + ", step " + std::to_string(step.step) + " of " +
                             std::to_string(step.steps));
        if (request.onStep) request.onStep(step);
    };
    PromptFillModels& models = *loaded.models;
    return runPromptFill(*models.networks, models.tokenizer, models.taskTokens, withProgress,
                         [&] { return context.cancelled(); });
}

}  // namespace pm::engine::diffusion
