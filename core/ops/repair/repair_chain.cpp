#include "core/ops/repair/repair_chain.h"

#include <algorithm>
#include <sstream>

#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/image/pixel_diff.h"
#include "core/ops/repair/damage_fill.h"

namespace pm::ops {

namespace {
constexpr RepairStep kOrder[] = {RepairStep::Scratches, RepairStep::Color, RepairStep::Denoise,
                                 RepairStep::Sharpen, RepairStep::Faces};

// Reports progress of step `index` of `count` as a fraction of the whole chain.
class StepContext : public engine::JobContext {
public:
    StepContext(engine::JobContext& outer, int index, int count)
        : outer_(outer), index_(index), count_(count) {}
    bool cancelled() const override { return outer_.cancelled(); }
    void progress(double fraction, const std::string& stage) override {
        outer_.progress((index_ + std::clamp(fraction, 0.0, 1.0)) / count_, stage);
    }
    engine::InferenceSession* model(const std::string& task) override { return outer_.model(task); }
    std::string modelProblem(const std::string& task) const override { return outer_.modelProblem(task); }
    const engine::DeviceInfo& device() const override { return outer_.device(); }

private:
    engine::JobContext& outer_;
    int index_;
    int count_;
};
}  // namespace

std::string toString(RepairStep step) {
    switch (step) {
    case RepairStep::Scratches: return "scratches";
    case RepairStep::Color: return "color";
    case RepairStep::Denoise: return "denoise";
    case RepairStep::Sharpen: return "sharpen";
    case RepairStep::Faces: return "faces";
    }
    return {};
}

std::vector<RepairStep> parseRepairSteps(const std::string& text) {
    std::vector<RepairStep> steps;
    std::stringstream stream(text);
    std::string item;
    while (std::getline(stream, item, ',')) {
        if (item.empty()) continue;
        const auto* found = std::find_if(std::begin(kOrder), std::end(kOrder),
                                         [&](RepairStep s) { return toString(s) == item; });
        if (found == std::end(kOrder)) {
            throw Error("unknown repair step '" + item +
                        "'; use scratches, color, denoise, sharpen or faces");
        }
        if (std::find(steps.begin(), steps.end(), *found) == steps.end()) steps.push_back(*found);
    }
    if (steps.empty()) throw Error("no repair steps given");
    return steps;
}

std::vector<RepairStepResult> repairPhoto(const cv::Mat& image, const cv::Mat& damage,
                                          const RepairParams& params, engine::JobContext& context) {
    std::vector<RepairStep> steps;
    for (RepairStep s : kOrder)
        if (std::find(params.steps.begin(), params.steps.end(), s) != params.steps.end())
            steps.push_back(s);

    std::vector<RepairStepResult> results;
    cv::Mat current = image;
    for (size_t i = 0; i < steps.size(); ++i) {
        context.throwIfCancelled();
        StepContext stepContext(context, int(i), int(steps.size()));
        RepairStepResult result{steps[i], {}, {}, "built-in"};
        switch (steps[i]) {
        case RepairStep::Scratches: {
            const cv::Mat mask =
                damage.empty() ? detectDamage(current, params.damage, stepContext) : damage;
            if (cv::countNonZero(mask) == 0) continue;
            // Faces are filled by diffusion from their own skin only (damage_fill.h).
            RemoveResult filled = fillDamage(current, mask, params.fill, stepContext);
            result.image = filled.image;
            result.engineUsed = filled.engineUsed;
            break;
        }
        case RepairStep::Color:
            result.image = restoreColor(current, params.tone.colorStrength);
            break;
        case RepairStep::Denoise:
            result.image = reduceNoise(current, params.tone.denoise);
            break;
        case RepairStep::Sharpen:
            result.image = sharpen(current, params.tone.sharpen);
            break;
        case RepairStep::Faces: {
            FaceResult faces = restoreFaces(current, params.faces, stepContext);
            if (faces.facesRestored == 0) continue;
            result.image = faces.image;
            result.engineUsed = faces.engineUsed;
            break;
        }
        }
        result.changed = image::differingRect(current, result.image);
        if (result.changed.empty()) continue;
        current = result.image;
        results.push_back(std::move(result));
    }
    context.progress(1.0, "done");
    return results;
}

}  // namespace pm::ops
