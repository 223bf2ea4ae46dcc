#pragma once
// One-click Repair: scratches and dust, faded colour, grain, sharpening and faces, chained with
// sensible defaults. Each step's result is kept separately so the app can make every step its own
// undo step and the CLI can run any subset.
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
    }
    std::vector<RepairStep> steps{RepairStep::Scratches, RepairStep::Color, RepairStep::Denoise,
                                  RepairStep::Faces};
    DamageParams damage;
    RemoveParams fill;      ///< how detected damage is filled
    ToneParams tone;        ///< colour strength, denoise, sharpen amounts
    FaceParams faces;
};

struct RepairStepResult {
    RepairStep step;
    cv::Mat image;           ///< the whole image after this step
    cv::Rect changed;        ///< where it differs from the previous step's image
    std::string engineUsed;  ///< e.g. "built-in PatchMatch", "GPEN on CPU"
};

/// Runs the steps in the fixed order scratches -> colour -> denoise -> sharpen -> faces. `damage`:
/// the user's (edited) damage mask, or empty to detect it. Steps that change nothing are omitted.
std::vector<RepairStepResult> repairPhoto(const cv::Mat& image, const cv::Mat& damage,
                                          const RepairParams& params, engine::JobContext& context);

}  // namespace pm::ops
