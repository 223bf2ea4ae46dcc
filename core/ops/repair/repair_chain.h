#pragma once
// One-click Repair: scratches and dust, faded colour, grain, sharpening and faces, chained with
// sensible defaults. The chain holds one image and works on it step by step; after each step a
// callback sees the image, so the app can make every step its own undo step, and the CLI can run
// any subset of steps on a photo of hundreds of megapixels in bounded memory.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/engine/job_context.h"
#include "core/ops/damage/detect_damage.h"
#include "core/ops/faces/restore_faces.h"
#include "core/ops/remove/remove_object.h"
#include "core/ops/tone/tone.h"

namespace pm::ops {

enum class RepairStep { Scratches, Color, Denoise, Sharpen, Faces };

/// "scratches", "color", "denoise", "sharpen", "faces" (comma-separated). Throws pm::Error.
std::vector<RepairStep> parseRepairSteps(const std::string& text);
std::string toString(RepairStep step);

struct RepairParams {
    RepairParams() {
        tone.sharpen = 0.3;  // used only when the Sharpen step is chosen
        // Detected damage is already grown to cover its soft edges (detect_damage.h); growing it
        // again by Remove object's default would change four times the pixels for nothing.
        fill.growPixels = 1;
        // For the same reason a 1 px seam band: 3 px changed 2.4x the flagged pixels of a thin
        // scratch (bench/damage/REAL_SCANS.md); the fills look the same at 100%.
        fill.featherPixels = 1;
    }
    std::vector<RepairStep> steps{RepairStep::Scratches, RepairStep::Color, RepairStep::Denoise,
                                  RepairStep::Faces};
    DamageParams damage;
    RemoveParams fill;      ///< how detected damage is filled
    ToneParams tone;        ///< colour strength, denoise, sharpen amounts
    FaceParams faces;
    /// Bytes a repair may use for the photo and its work (repairPhoto's copy counts once more).
    /// 4 GiB repairs any 8-bit colour photo the loader accepts (500 MP) in place.
    std::int64_t memoryBudget = std::int64_t(4) << 30;
};

struct RepairStepResult {
    RepairStep step;
    cv::Rect changed;        ///< where it differs from the previous step's image
    std::string engineUsed;  ///< e.g. "built-in PatchMatch", "GPEN on CPU"
};

/// Called after every step that changed something, with the whole image as that step left it.
/// The image is only lent: the next step works on the same pixels, so copy what must be kept
/// (e.g. image(step.changed) for an undo history).
using RepairStepDone = std::function<void(const RepairStepResult& step, const cv::Mat& image)>;

struct RepairResult {
    cv::Mat image;  ///< after the last step (the input's pixels when none changed)
    std::vector<RepairStepResult> steps;  ///< the steps that changed something, in order
};

/// Runs the steps in the fixed order scratches -> colour -> denoise -> sharpen -> faces on a copy
/// of `image`. `damage`: the user's (edited) damage mask, or empty to detect it. Steps that change
/// nothing are omitted. Throws pm::Error when the photo is too large for the memory budget (see
/// checkRepairMemory) or a step fails, pm::Cancelled.
RepairResult repairPhoto(const cv::Mat& image, const cv::Mat& damage, const RepairParams& params,
                         engine::JobContext& context, const RepairStepDone& onStep = {});

/// The same on `image` itself: only one copy of the photo exists at any time, each step works band
/// by band, tile by tile or crop by crop on it. After an exception the pixels are partly repaired.
std::vector<RepairStepResult> repairPhotoInPlace(cv::Mat& image, const cv::Mat& damage,
                                                 const RepairParams& params,
                                                 engine::JobContext& context,
                                                 const RepairStepDone& onStep = {});

/// Bytes the chosen steps need at most besides the photo itself, for a photo of this size and
/// type (CV_8UC3...): full-size masks and grey copies (a few bytes a pixel) plus the bands and
/// tiles the steps work in. Measured with bench/memory/repair_memory.sh.
std::int64_t repairWorkingBytes(cv::Size size, int type, const std::vector<RepairStep>& steps);

/// Throws pm::Error naming the steps that cannot run when `photoCopies` copies of the photo plus
/// repairWorkingBytes are over params.memoryBudget; repairPhotoInPlace (one copy) and repairPhoto
/// (two) call it before the first step.
void checkRepairMemory(cv::Size size, int type, const RepairParams& params, int photoCopies = 1);

}  // namespace pm::ops
