#pragma once
// Repair old photo, step 1: find scratches, cracks and dust specks on a scan, as a mask that Remove
// object (or any inpainting) then fills. The detector prefers missing faint damage to flagging real
// detail: eyelashes, hair, fabric and text sit in textured neighbourhoods and are suppressed there.
//
// How it decides (all on luminance):
//  1. Thin bright / dark structures: white top-hat and black-hat with an 11 px disk (anything narrower
//     than the disk, i.e. 1-8 px wide lines and small specks, stands out against its surroundings).
//  2. Contrast against the local texture level: the median, over a 31x31 window, of the absolute
//     difference between luminance and a Gaussian blur (sigma 2). A median ignores a thin line that
//     crosses the window, but rises in grass, hair and fabric, so the same scratch must be stronger
//     there to count. Strong pixels: above max(8 levels, 60 grey levels) at sensitivity 0.5.
//  3. Line measure: the top-hat averaged along 15 px segments in 12 directions, minus its average
//     over the 15x15 square; scratch pixels must be line-like. Hysteresis: weak line-like pixels join
//     a component only when it holds strong ones.
//  4. Each scratch component must be long (bounding-box diagonal >= 4 x minLength: short pieces look
//     like eyelids, creases and leaf edges), thin (area / diagonal <= 7 px, no part wider than
//     ~10 px), outside dense candidate texture (<= 20% of a 41x41 window), 3x stronger than the band
//     4-12 px around it, and lie on one surface (with the line removed, the background must not step
//     across it: outlines and creases between two surfaces do).
//  5. Specks: small (<= 80 px), compact, 1.3x the strong threshold, no other candidate in a ring
//     2-6 px around them and 4x the grey-level spread of that ring.
//  6. The accepted components are dilated by 2 px so the fill also covers the soft edges.
// Measured on synthetic damage over the faded test photos: see bench/damage/damage_bench.cpp.
// Thread-safety: pure function; the context is used for progress and cancellation only.
#include <opencv2/core.hpp>

#include "core/engine/job_context.h"

namespace pm::ops {

struct DamageParams {
    double sensitivity = 0.5;  ///< 0..1: higher finds fainter damage and risks more false hits
    bool scratches = true;     ///< look for long thin scratches and cracks
    bool dust = true;          ///< look for small isolated specks
    int minLength = 15;        ///< shortest scratch, in pixels (bounding-box diagonal)
};

/// image: CV_8U or CV_16U, 1, 3 or 4 channels. Returns a CV_8UC1 mask of the same size, 255 = damaged.
/// Throws pm::Error for an empty image or an unsupported type, pm::Cancelled when the job is cancelled.
cv::Mat detectDamage(const cv::Mat& image, const DamageParams& params, engine::JobContext& context);

}  // namespace pm::ops
