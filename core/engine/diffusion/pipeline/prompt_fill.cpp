#include "core/engine/diffusion/pipeline/prompt_fill.h"

#include "core/common/error.h"
#include "core/engine/diffusion/models/diffusers_folder.h"
#include "core/engine/diffusion/pipeline/prompt_fill_pipeline.h"
#include "core/engine/diffusion/pipeline/work_area.h"

namespace pm::engine::diffusion {
namespace {

constexpr int kWorkingShortSide = 640;          // PowerPaint's app: the short side at 640 ...
constexpr int kOutpaintWorkingShortSide = 512;  // ... and 512 for outpainting
constexpr int kTaskTokenCount = 3 * ClipTokenizer::kTaskTokenVectors;

}  // namespace

bool addPowerPaintTaskTokens(ClipTokenizer& tokenizer, int64_t vocabSize) {
    const bool folderHasThem = tokenizer.tokenId("P_obj_0") >= 0;
    if (!folderHasThem && vocabSize < tokenizer.idCount() + kTaskTokenCount) return false;
    // In the order the loader merges their embeddings in (PowerPaint's app.py add_tokens order).
    for (const std::string& name : powerPaintTaskNames()) tokenizer.addTaskToken(name);
    return tokenizer.idCount() <= vocabSize;
}

PromptFillModels loadPromptFillModels(const std::string& folder, const DiffusionLoadOptions& options) {
    PromptFillModels models{nullptr, ClipTokenizer::fromFolder(folder + "/tokenizer"), false};
    models.networks = loadDiffusionModels(folder, options);
    // The table's rows as loaded, not the config's vocab_size: PowerPaint v1's download carries
    // SD-1.5's text_encoder/config.json (49408) and adds its task tokens' rows in the weights.
    models.taskTokens = addPowerPaintTaskTokens(models.tokenizer, models.networks->textVocabularySize());
    return models;
}

std::vector<cv::Size> promptFillBuckets() {
    return {cv::Size(kWorkingShortSide, kWorkingShortSide),
            cv::Size(kOutpaintWorkingShortSide, kOutpaintWorkingShortSide)};
}

void warmUpPromptFill(DiffusionModels& networks, const ClipTokenizer& tokenizer, bool taskTokens,
                      const std::vector<cv::Size>& sizes, int steps) {
    PromptFillPipeline pipeline(networks, tokenizer, taskTokens);
    PromptFillSettings settings;  // guided, as every request the programs make
    settings.steps = steps;
    for (const cv::Size& size : sizes) {
        const cv::Mat grey(size, CV_8UC3, cv::Scalar(128, 128, 128));
        cv::Mat mask = cv::Mat::zeros(size, CV_8UC1);
        mask(cv::Rect(size.width / 4, size.height / 4, size.width / 2, size.height / 2)).setTo(255);
        pipeline.generate(grey, mask, settings, nullptr, nullptr);
    }
    networks.requestDone();
}

PromptFillResult runPromptFill(DiffusionModels& networks, const ClipTokenizer& tokenizer, bool taskTokens,
                               const PromptFillRequest& request, const std::function<bool()>& cancelled) {
    const PromptFillSettings& settings = request.settings;
    if (request.bgr.type() != CV_8UC3 || request.bgr.empty()) throw Error("prompt fill needs an 8-bit colour photo");
    if (!request.mask.empty() && (request.mask.type() != CV_8UC1 || request.mask.size() != request.bgr.size()))
        throw Error("the mask must be one channel of the photo's size");

    const bool outpaint = settings.task == PromptFillTask::Outpaint;
    cv::Mat canvas = request.bgr;
    cv::Mat mask = request.mask;
    if (outpaint) {
        if (settings.extend.empty() && request.mask.empty())
            throw Error("outpainting needs sides to extend (LEFT,RIGHT,TOP,BOTTOM pixels)");
        ExtendedCanvas extended = extendCanvas(request.bgr, request.mask, settings.extend);
        canvas = extended.bgr;
        mask = extended.mask;
    } else if (mask.empty()) {
        throw Error("prompt fill needs a mask of what to fill");
    }

    const int shortSide = settings.workingShortSide > 0 ? settings.workingShortSide
                          : outpaint                    ? kOutpaintWorkingShortSide
                                                        : kWorkingShortSide;
    const WorkArea area = planWorkArea(mask, shortSide, 2 * shortSide);
    PromptFillPipeline pipeline(networks, tokenizer, taskTokens);
    const std::vector<cv::Mat> generated =
        pipeline.generate(toWorkingImage(canvas, area), toWorkingMask(mask, area), settings, request.onStep, cancelled);

    networks.requestDone();  // the pictures are on the host now

    PromptFillResult result;
    result.workCrop = area.crop;
    result.workingSize = area.working;
    for (size_t k = 0; k < generated.size(); ++k) {
        result.images.push_back(pasteBack(canvas, mask, area.crop, generated[k]));
        result.seeds.push_back(settings.seed + k);
    }
    return result;
}

}  // namespace pm::engine::diffusion
