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
//     there to count. Hysteresis: weak pixels join a component only when it holds strong pixels.
//  3. Shape of each connected component: scratches are long (bounding-box diagonal >= minLength) and
//     thin (area / diagonal <= 7 px, no part wider than ~10 px); specks are small, compact, stand out
//     from a flat ring around them and have no other candidate nearby.
//  4. Components inside dense candidate texture (more than a fifth of a 41x41 window, discounting the
//     component's own width) are dropped.
//  5. The accepted components are dilated by 2 px so the fill also covers the soft edges of a scratch.
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
