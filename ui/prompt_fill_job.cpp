#include "ui/prompt_fill_job.h"

#include <QCoreApplication>
#include <algorithm>
#include <cmath>

#include "core/common/error.h"
#include "core/engine/torch_backend.h"
#include "core/image/pixel_diff.h"

namespace pm::ui {

PromptFillRunner backendPromptFillRunner() {
    return [](const engine::PromptFillRequest& request, engine::JobContext& context) {
        std::string problem;
        const engine::TorchBackend* backend = engine::torchBackend(&problem);
        if (!backend) throw Error(problem);
        return backend->promptFill(request, context.device(), context);
    };
}

OpJob promptFillJob(const engine::PromptFillSettings& settings, const std::string& modelFolder,
                    PromptFillRunner runner, StepTimed onCpuStepTimed) {
    // Every word the worker shows is translated here, on the GUI thread, and carried into the job.
    const bool outpaint = settings.task == engine::PromptFillTask::Outpaint;
    const std::string undoText = (outpaint ? QCoreApplication::translate("PromptFillJob", "Extend the canvas")
                                           : QCoreApplication::translate("PromptFillJob", "Fill from a prompt"))
                                     .toStdString();
    const QString oneVariation = QCoreApplication::translate("PromptFillJob", "Step %1 of %2");
    const QString ofSeveral = QCoreApplication::translate("PromptFillJob", "Variation %1 of %2, step %3 of %4");
    const QString secondsLeft = QCoreApplication::translate("PromptFillJob", "about %1 s left");
    const QString minutesLeft = QCoreApplication::translate("PromptFillJob", "about %1 min left");
    const QString seedNote = QCoreApplication::translate("PromptFillJob", "PowerPaint, seed %1");
    const std::string eightBit = QCoreApplication::translate(
                                     "PromptFillJob",
                                     "Fill from a prompt works on 8-bit colour photos; this photo has another "
                                     "pixel format.")
                                     .toStdString();
    return [=](const cv::Mat& image, const cv::Mat& mask, engine::JobContext& context) {
        if (image.type() != CV_8UC3) throw Error(eightBit);
        engine::PromptFillRequest request;
        request.bgr = image;
        // Extending fills the new canvas only; a painted mask would also repaint part of the photo.
        if (!outpaint && cv::countNonZero(mask) > 0) request.mask = mask;
        request.settings = settings;
        request.modelFolder = modelFolder;
        double firstStepSeconds = 0.0;
        double lastStepSeconds = 0.0;  // the steady pace, without the first step's loading
        request.onStep = [&](const engine::PromptFillStep& step) {
            lastStepSeconds = step.secondsThisStep;
            const int total = step.steps * step.variations;
            const int done = step.variation * step.steps + step.step;
            QString stage = step.variations == 1
                                ? oneVariation.arg(step.step).arg(step.steps)
                                : ofSeveral.arg(step.variation + 1).arg(step.variations).arg(step.step).arg(step.steps);
            if (firstStepSeconds == 0.0) firstStepSeconds = step.secondsThisStep;
            // Only a slow engine needs the estimate; the first step (warm-up included) sets it.
            const double left = firstStepSeconds * (total - done);
            if (!context.device().cuda && firstStepSeconds > 0.0 && done < total) {
                const QString& unit = left < 90 ? secondsLeft : minutesLeft;
                const int amount = int(std::ceil(left < 90 ? left : left / 60.0));
                stage += QStringLiteral(" — ") + unit.arg(amount);
            }
            context.progress(double(done) / std::max(1, total), stage.toStdString());
        };
        const engine::PromptFillResult result = runner(request, context);
        if (onCpuStepTimed && !context.device().cuda && lastStepSeconds > 0.0) onCpuStepTimed(lastStepSeconds);
        OpOutput output;
        for (size_t k = 0; k < result.images.size(); ++k) {
            const cv::Mat& after = result.images[k];
            const cv::Rect changed = after.size() == image.size() ? image::differingRect(image, after)
                                                                  : cv::Rect(0, 0, after.cols, after.rows);
            const uint64_t seed = k < result.seeds.size() ? result.seeds[k] : settings.seed + k;
            output.steps.push_back({undoText, after, changed, seedNote.arg(seed).toStdString()});
        }
        // Several variations are offered to pick from; none is applied until the user picks one.
        if (output.steps.size() > 1) output.choices = std::move(output.steps), output.steps.clear();
        return output;
    };
}

}  // namespace pm::ui
