#include "core/ops/repair/repair_chain.h"

#include <algorithm>
#include <sstream>

#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/ops/damage/face_guard.h"
#include "core/ops/damage/working_scale.h"
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

namespace {

std::vector<RepairStep> inOrder(const std::vector<RepairStep>& chosen) {
    std::vector<RepairStep> steps;
    for (RepairStep s : kOrder)
        if (std::find(chosen.begin(), chosen.end(), s) != chosen.end()) steps.push_back(s);
    return steps;
}

// What a step needs besides the photo: bytes per pixel of full-size maps, plus a fixed amount for
// the bands, tiles and crops it works in (measured with bench/memory/repair_memory.sh, rounded up).
struct StepMemory {
    double perPixel;
    std::int64_t fixed;
};

constexpr std::int64_t kMiB = std::int64_t(1) << 20;

StepMemory stepMemory(RepairStep step, int type) {
    const bool bgr8 = type == CV_8UC3;
    // Face detection works on a full-size 8-bit grey copy (a 16-bit photo goes through a 16-bit
    // grey first); restoring faces cuts them from an 8-bit BGR copy unless the photo is one.
    const double findFaces = bgr8 ? 1.0 : 3.0;
    switch (step) {
        case RepairStep::Scratches:
            // Detection: the faces' grey and the full-size mask (it looks at a copy of at most
            // 1400 px); the fill: the mask and the grown hole, plus the crops being filled.
            return {std::max(findFaces, 2.0), 700 * kMiB};
        case RepairStep::Faces:
            return {bgr8 ? 1.0 : 3.0, 300 * kMiB};
        case RepairStep::Color:
        case RepairStep::Denoise:
        case RepairStep::Sharpen:
            return {0.0, 500 * kMiB};
    }
    return {0.0, 0};
}

std::int64_t photoBytes(cv::Size size, int type) {
    return std::int64_t(size.width) * size.height * CV_ELEM_SIZE(type);
}

std::string gigabytes(std::int64_t bytes) {
    std::ostringstream out;
    out.precision(1);
    out << std::fixed << double(bytes) / double(std::int64_t(1) << 30) << " GB";
    return out.str();
}

}  // namespace

std::int64_t repairWorkingBytes(cv::Size size, int type, const std::vector<RepairStep>& steps) {
    const double pixels = double(size.width) * size.height;
    std::int64_t most = 0;
    for (RepairStep step : steps) {
        const StepMemory m = stepMemory(step, type);
        most = std::max(most, std::int64_t(m.perPixel * pixels) + m.fixed);
    }
    return most;
}

void checkRepairMemory(cv::Size size, int type, const RepairParams& params, int photoCopies) {
    const std::vector<RepairStep> steps = inOrder(params.steps);
    const std::int64_t photo = photoCopies * photoBytes(size, type);
    const std::int64_t needed = photo + repairWorkingBytes(size, type, steps);
    if (needed <= params.memoryBudget) return;
    std::string over;
    for (RepairStep step : steps)
        if (photo + repairWorkingBytes(size, type, {step}) > params.memoryBudget)
            over += (over.empty() ? "" : ", ") + toString(step);
    const double megapixels = double(size.width) * size.height / 1e6;
    std::ostringstream reason;
    reason.precision(0);
    reason << std::fixed << "this " << megapixels << " MP photo (" << size.width << "x"
           << size.height << ", " << CV_ELEM_SIZE(type)
           << " bytes a pixel) is too large to repair within " << gigabytes(params.memoryBudget)
           << ": it needs about " << gigabytes(needed);
    if (over.empty())
        reason << "; choose fewer steps";
    else
        reason << "; these steps cannot run at this size: " << over;
    throw Error(reason.str());
}

namespace {

std::vector<RepairStepResult> runSteps(cv::Mat& image, const cv::Mat& damage,
                                       const RepairParams& params, engine::JobContext& context,
                                       const RepairStepDone& onStep) {
    const std::vector<RepairStep> steps = inOrder(params.steps);
    std::vector<RepairStepResult> results;
    for (size_t i = 0; i < steps.size(); ++i) {
        context.throwIfCancelled();
        StepContext stepContext(context, int(i), int(steps.size()));
        RepairStepResult result{steps[i], {}, "built-in"};
        switch (steps[i]) {
        case RepairStep::Scratches: {
            // Faces are found once: detection leaves them alone, the fill diffuses inside them
            // from their own skin only (damage_fill.h).
            const std::vector<cv::Rect> faces = damage::protectedFaceZones(image);
            cv::Mat detected;
            // A large scan the detector found oversampled is filled at the size that holds all
            // its detail (damage_fill.h): a fraction of the time, nothing a viewer can see.
            double fillScale = 1.0;
            if (damage.empty()) {
                DamageStages stages;
                detected = detectDamage(image, params.damage, stepContext, &faces, &stages);
                fillScale = damage::detailScale(image.size(), stages.workingScale);
            }
            const cv::Mat& mask = damage.empty() ? detected : damage;
            if (cv::countNonZero(mask) == 0) continue;
            const RemoveResult filled =
                fillDamageInPlace(image, mask, params.fill, stepContext, &faces, fillScale);
            result.changed = filled.changed;
            result.engineUsed = filled.engineUsed;
            break;
        }
        case RepairStep::Color:
            result.changed = restoreColorInPlace(image, params.tone.colorStrength);
            break;
        case RepairStep::Denoise:
            result.changed = reduceNoiseInPlace(image, params.tone.denoise);
            break;
        case RepairStep::Sharpen:
            result.changed = sharpenInPlace(image, params.tone.sharpen);
            break;
        case RepairStep::Faces: {
            const FaceResult faces = restoreFacesInPlace(image, params.faces, stepContext);
            if (faces.facesRestored == 0) continue;
            result.changed = faces.changed;
            result.engineUsed = faces.engineUsed;
            break;
        }
        }
        if (result.changed.empty()) continue;
        if (onStep) onStep(result, image);
        results.push_back(std::move(result));
    }
    context.progress(1.0, "done");
    return results;
}

}  // namespace

std::vector<RepairStepResult> repairPhotoInPlace(cv::Mat& image, const cv::Mat& damage,
                                                 const RepairParams& params,
                                                 engine::JobContext& context,
                                                 const RepairStepDone& onStep) {
    if (image.empty()) throw Error("Repair: the image is empty");
    checkRepairMemory(image.size(), image.type(), params);
    return runSteps(image, damage, params, context, onStep);
}

RepairResult repairPhoto(const cv::Mat& image, const cv::Mat& damage, const RepairParams& params,
                         engine::JobContext& context, const RepairStepDone& onStep) {
    if (image.empty()) throw Error("Repair: the image is empty");
    checkRepairMemory(image.size(), image.type(), params, 2);
    RepairResult result;
    result.image = image.clone();
    result.steps = runSteps(result.image, damage, params, context, onStep);
    return result;
}

}  // namespace pm::ops
