#include "ui/mode_jobs.h"

#include <QCoreApplication>
#include <map>

namespace pm::ui {

namespace {
// Step names go into the undo history; they are translated on the GUI thread and carried into jobs.
std::string text(const QString& translated) { return translated.toStdString(); }
}  // namespace

OpJob removeJob(const ops::RemoveParams& params) {
    const std::string undoText = text(QCoreApplication::translate("ModeJobs", "Remove object"));
    return [params, undoText](const cv::Mat& image, const cv::Mat& mask, engine::JobContext& context) {
        const ops::RemoveResult result = ops::removeObject(image, mask, params, context);
        OpOutput output;
        output.steps.push_back({undoText, result.image, result.changed, result.engineUsed});
        return output;
    };
}

OpJob repairJob(const ops::RepairParams& params) {
    // Step titles are translated here, on the GUI thread, and carried into the job.
    std::map<ops::RepairStep, std::string> titles = {
        {ops::RepairStep::Scratches, text(QCoreApplication::translate("ModeJobs", "Fill scratches and dust"))},
        {ops::RepairStep::Color, text(QCoreApplication::translate("ModeJobs", "Restore colour"))},
        {ops::RepairStep::Denoise, text(QCoreApplication::translate("ModeJobs", "Reduce grain"))},
        {ops::RepairStep::Sharpen, text(QCoreApplication::translate("ModeJobs", "Sharpen"))},
        {ops::RepairStep::Faces, text(QCoreApplication::translate("ModeJobs", "Restore faces"))}};
    return [params, titles](const cv::Mat& image, const cv::Mat& mask, engine::JobContext& context) {
        const bool painted = cv::countNonZero(mask) > 0;
        OpOutput output;
        // Every step becomes its own undo step, so the history needs each step's image; the chain
        // itself works on one copy and lends it after each step.
        ops::repairPhoto(image, painted ? mask : cv::Mat(), params, context,
                         [&](const ops::RepairStepResult& step, const cv::Mat& after) {
                             output.steps.push_back({titles.at(step.step), after.clone(),
                                                     step.changed, step.engineUsed});
                         });
        return output;
    };
}

OpJob facesJob(const ops::FaceParams& params) {
    const std::string undoText = text(QCoreApplication::translate("ModeJobs", "Restore faces"));
    const std::string none = text(QCoreApplication::translate("ModeJobs", "No faces were found."));
    return [params, undoText, none](const cv::Mat& image, const cv::Mat&, engine::JobContext& context) {
        ops::FaceResult result = ops::restoreFaces(image, params, context);
        OpOutput output;
        if (result.facesRestored > 0) {
            output.steps.push_back({undoText, std::move(result.image), result.changed, result.engineUsed});
            output.summary = undoText + ": " + std::to_string(result.facesRestored) + " (" + result.engineUsed + ")";
        } else {
            output.summary = none;
        }
        return output;
    };
}

OpJob cartoonJob(const ops::CartoonParams& params) {
    const std::string undoText = text(QCoreApplication::translate("ModeJobs", "Cartoonize"));
    ops::CartoonParams inPlace = params;
    inPlace.longSide = 0;  // the document keeps its size; other sizes open as new photos
    return [inPlace, undoText](const cv::Mat& image, const cv::Mat&, engine::JobContext& context) {
        ops::CartoonResult result = ops::cartoonize(image, inPlace, context);
        OpOutput output;
        const cv::Rect whole(0, 0, image.cols, image.rows);
        output.steps.push_back({undoText, std::move(result.image), whole, result.engineUsed});
        return output;
    };
}

OpJob detectDamageJob(const ops::DamageParams& params) {
    const std::string maskText = text(QCoreApplication::translate("ModeJobs", "Detect damage"));
    // One translatable sentence, filled in on the worker.
    const QString summary = QCoreApplication::translate(
        "ModeJobs", "Detect damage: %1% of the photo marked; refine it with the brush and eraser, then Apply.");
    return [params, maskText, summary](const cv::Mat& image, const cv::Mat&, engine::JobContext& context) {
        OpOutput output;
        output.mask = ops::detectDamage(image, params, context);
        output.maskText = maskText;
        const double percent = 100.0 * cv::countNonZero(output.mask) / double(output.mask.total());
        output.summary = summary.arg(percent, 0, 'f', 1).toStdString();
        return output;
    };
}

}  // namespace pm::ui
