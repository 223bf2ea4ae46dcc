#pragma once
// Lines of the picture that look like scratches pixel by pixel but not as a whole (issue 13: an
// automatic repair that is unsure leaves the pixels alone).
//
// Measured over each candidate line (its ridge centres joined across small gaps), not per pixel:
//  - Edge of the content: a scratch lies on ONE surface, so a few pixels out on both sides the
//    print has the same tone. The outline of an eye, the shadow under a tyre or a saucer's rim
//    runs along a step between two surfaces: the far sides differ by a good part of the line's
//    own contrast (on the hand-drawn cracks of the real scans at most a quarter of it).
//  - Lopsided profile: the line stands out much less from one side than from the other.
//  - Colour: a crack or scratch on a print shows the paper base, which is nearly colourless. A
//    highlight on a red saucer or a glint on a coloured spoon carries the picture's colour.
// Judged on candidates found at a fixed level, so the verdict does not depend on the sensitivity
// and a higher one still never marks less.
#include <opencv2/core.hpp>

#include "core/ops/damage/ridge_profile.h"

namespace pm::ops::damage {

/// The most a line's mean step across it and its mean asymmetry may be, as shares of its mean
/// contrast, for it still to count as damage.
struct ContentLimits {
    double stepShare;
    double asymmetryShare;
};

/// Measured on the pixels of a line whose profile passed (a scratch lies on one surface). At 1x
/// (damage_real_bench) the hand-drawn cracks of scratched_a and scratched_c reach a step of 0.26
/// and an asymmetry of 0.38; a cat's eye outlines, tyre shadows and the saucer's rim 0.3-0.8.
inline constexpr ContentLimits kProfileLimits{0.3, 0.5};
/// On a small scan looked at enlarged (working_scale.h) the resampling takes a little of a thin
/// ridge's contrast but nothing of a step between two wide surfaces: scratched_c's crack at half
/// size (doubled) stands out 24 levels on its clean middle against 26 at 1x, and its step share
/// rises from 0.27 to 0.31. The step limit is raised by that loss (x 1.1).
inline constexpr ContentLimits kEnlargedProfileLimits{0.33, 0.5};
/// Measured on every pixel a line can reach by continuation: the real cracks reach an asymmetry of
/// 0.38, the highlights along the motorcycle's exhaust pipe 0.62-0.72. The step is not judged
/// there (continued cracks of crack_synth.h cross picture edges).
inline constexpr ContentLimits kReachLimits{1e9, 0.6};

/// CV_8U mask, 255 around the candidate lines (`lines`: CV_8U ridge centres of `ridges`, pieces up
/// to `joinGap` px apart taken as one line) that are picture content: measured over the pixels of
/// each line that are set in `measured` (a subset of `lines`). `chroma`: CV_32F colourfulness
/// (damage_maps.h).
cv::Mat contentLineZones(const Ridges& ridges, const cv::Mat& lines, const cv::Mat& measured,
                         const cv::Mat& chroma, int joinGap, const ContentLimits& limits);

}  // namespace pm::ops::damage
