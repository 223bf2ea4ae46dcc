#include "photo_io/repair_file.h"

#include <QDir>
#include <QFileInfo>

#include "core/common/error.h"
#include "core/image/image_io.h"
#include "core/ops/split/split_scan.h"
#include "photo_io/path_safety.h"
#include "photo_io/photo_saver.h"

namespace pm::photo_io {

namespace {
void save(const QString& path, const cv::Mat& pixels, const image::LoadedPhoto& source,
          const std::string& action) {
    const WriteResult written = savePhoto(
        path, pixels, saveOptionsFor(path, source.format, source.jpegQuality), source.metadata, action);
    if (!written.ok) throw Error(written.error.toStdString());
}

void refuseToReplace(const QString& output, const QString& input) {
    const QString refusal = overwriteRefusal(output, input, QStringLiteral("input"));
    if (!refusal.isEmpty()) throw Error(refusal.toStdString());
}

// The repair steps' filters and detectors need a few pixels around each pixel; a smaller image
// would fail deep inside them with a library assertion instead of a reason.
void checkRepairable(const QString& input, const cv::Mat& pixels) {
    if (pixels.cols >= kMinRepairSide && pixels.rows >= kMinRepairSide) return;
    throw Error(QStringLiteral("%1 is %2 x %3 pixels; repair needs at least %4 x %4")
                    .arg(input)
                    .arg(pixels.cols)
                    .arg(pixels.rows)
                    .arg(kMinRepairSide)
                    .toStdString());
}
}  // namespace

image::LoadedPhoto loadForRepair(const QString& input, const QString& output, const LoadWarning& warn) {
    refuseToReplace(output, input);
    image::LoadedPhoto photo = loadPhoto(input, warn);
    checkRepairable(input, photo.pixels);
    return photo;
}

std::string repairLoaded(cv::Mat& pixels, const ops::RepairParams& params, engine::JobContext& context) {
    const std::vector<ops::RepairStepResult> steps = ops::repairPhotoInPlace(pixels, {}, params, context);
    std::string summary;
    for (const ops::RepairStepResult& step : steps)
        summary += (summary.empty() ? "" : ", ") + ops::toString(step.step) + " (" + step.engineUsed + ")";
    return summary.empty() ? "nothing needed changing" : summary;
}

std::string repairFile(const QString& input, const QString& output, const ops::RepairParams& params,
                       engine::JobContext& context, const LoadWarning& warn) {
    image::LoadedPhoto photo = loadForRepair(input, output, warn);
    const std::string summary = repairLoaded(photo.pixels, params, context);
    save(output, photo.pixels, photo, kRepairAction);
    return summary;
}

QStringList splitScanFile(const QString& scan, const QString& outputDir, engine::JobContext& context,
                          const LoadWarning& warn) {
    const image::LoadedPhoto photo = loadPhoto(scan, warn);
    const std::vector<ops::DetectedPhoto> found = ops::detectPhotos(photo.pixels, {}, context);
    if (found.empty())
        throw Error("no photos were found on a scanner background in " + scan.toStdString() +
                    ": it looks like a single photo, so there is nothing to split");
    if (!QDir().mkpath(outputDir))
        throw Error("cannot create the output folder " + outputDir.toStdString());
    const QFileInfo info(scan);
    QStringList written;
    for (size_t i = 0; i < found.size(); ++i) {
        context.throwIfCancelled();
        const QString path = QDir(outputDir).filePath(
            QStringLiteral("%1-%2.%3").arg(info.completeBaseName()).arg(i + 1).arg(info.suffix()));
        refuseToReplace(path, scan);
        save(path, ops::extractPhoto(photo.pixels, found[i].box), photo, "split from a scan with PhotoMend");
        written << path;
    }
    return written;
}

}  // namespace pm::photo_io
