#pragma once
// Repairing one photo file into another, shared by `photomend-cli repair` and the app's batch dialog:
// load, run the chosen repair steps, save in the output's format with the metadata carried over.
#include <QString>
#include <string>

#include "core/engine/job_context.h"
#include "core/ops/repair/repair_chain.h"
#include "photo_io/photo_saver.h"

namespace pm::photo_io {

/// The smallest photo `repairFile` accepts, per side. Measured with photomend-cli: every step
/// (scratches with PatchMatch, colour, grain, sharpening) handles 3 pixels per side, while at 1 or 2
/// OpenCV asserts inside the steps' filters.
constexpr int kMinRepairSide = 3;

/// The history entry of a repaired photo.
constexpr const char* kRepairAction = "repaired with PhotoMend";

/// repairFile's first part: refuses an `output` that would replace `input`, loads the photo and
/// checks that it is big enough to repair. Throws pm::Error.
image::LoadedPhoto loadForRepair(const QString& input, const QString& output, const LoadWarning& warn);
/// repairFile's middle: runs the steps on `pixels` in place (a photo of hundreds of megapixels is
/// held only once); returns the summary ("colour, grain (built-in)").
std::string repairLoaded(cv::Mat& pixels, const ops::RepairParams& params, engine::JobContext& context);

/// Returns a one-line summary of what was done ("colour, grain (built-in)"). Throws pm::Error (bad
/// input, a photo too small to repair, failed save) and pm::Cancelled. Never writes `input`, not
/// through a link or another name of it either.
std::string repairFile(const QString& input, const QString& output, const ops::RepairParams& params,
                       engine::JobContext& context, const LoadWarning& warn = {});

/// Saves each photo found on a scan as OUTPUT_DIR/<scan name>-<n>.<scan's extension>; returns the
/// paths written. Throws pm::Error.
QStringList splitScanFile(const QString& scan, const QString& outputDir, engine::JobContext& context,
                          const LoadWarning& warn = {});

}  // namespace pm::photo_io
