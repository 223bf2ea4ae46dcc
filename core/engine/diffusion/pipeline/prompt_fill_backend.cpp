#include "core/engine/diffusion/pipeline/prompt_fill_backend.h"

#include <mutex>
#include <set>
#include <utility>

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
    std::set<std::pair<int, int>> warmed;  ///< working sizes already run on these models
};

LoadedModels& loadedModels() {
    static LoadedModels loaded;
    return loaded;
}

// The models of `folder` on `device`, loading them when another set (or none) is loaded.
// `loaded.mutex` is held.
PromptFillModels& modelsFor(LoadedModels& loaded, const std::string& folder, const DeviceInfo& device,
                            const std::function<void()>& beforeLoading) {
    std::string problem;
    if (!promptFillModelInstalled(folder, &problem))
        throw Error("no prompt-fill model is installed in " + folder + " (" + problem + ")");
    if (!loaded.models || loaded.folder != folder || loaded.cuda != device.cuda) {
        loaded.models.reset();  // free the old weights before loading the new ones
        loaded.warmed.clear();
        if (beforeLoading) beforeLoading();
        loaded.models =
            std::make_unique<PromptFillModels>(loadPromptFillModels(folder, diffusionLoadOptions(device.cuda)));
        loaded.folder = folder;
        loaded.cuda = device.cuda;
    }
    return *loaded.models;
}

}  // namespace

PromptFillResult promptFillOnDevice(const PromptFillRequest& request, const DeviceInfo& device, JobContext& context) {
    LoadedModels& loaded = loadedModels();
    std::lock_guard<std::mutex> lock(loaded.mutex);
    PromptFillModels& models = modelsFor(loaded, request.modelFolder, device,
                                         [&] { context.progress(0.0, "loading the prompt-fill model"); });
    PromptFillRequest withProgress = request;
    withProgress.onStep = [&](const PromptFillStep& step) {
        const double done = step.variation * step.steps + step.step;
        context.progress(done / (static_cast<double>(step.variations) * step.steps),
                         "variation " + std::to_string(step.variation + 1) + " of " +
                             std::to_string(step.variations) + ", step " + std::to_string(step.step) + " of " +
                             std::to_string(step.steps));
        if (request.onStep) request.onStep(step);
    };
    return runPromptFill(*models.networks, models.tokenizer, models.taskTokens, withProgress,
                         [&] { return context.cancelled(); });
}

void preparePromptFillOnDevice(const std::string& folder, const DeviceInfo& device) {
    LoadedModels& loaded = loadedModels();
    std::lock_guard<std::mutex> lock(loaded.mutex);
    PromptFillModels& models = modelsFor(loaded, folder, device, nullptr);
    if (!device.cuda) return;
    std::vector<cv::Size> cold;
    for (const cv::Size& size : promptFillBuckets())
        if (!loaded.warmed.count({size.width, size.height})) cold.push_back(size);
    warmUpPromptFill(*models.networks, models.tokenizer, models.taskTokens, cold);
    for (const cv::Size& size : cold) loaded.warmed.insert({size.width, size.height});
}

}  // namespace pm::engine::diffusion
