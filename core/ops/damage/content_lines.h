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
// The caller passes every pixel a line could reach at any sensitivity, so the verdict does not
// depend on the sensitivity and a higher one still never marks less.
#include <opencv2/core.hpp>

#include "core/ops/damage/ridge_profile.h"

namespace pm::ops::damage {

/// CV_8U mask, 255 around the candidate lines (`lines`: CV_8U ridge centres of `ridges`, pieces
/// up to `joinGap` px apart taken as one line) that are picture content by the measures above.
/// `chroma`: CV_32F colourfulness (damage_maps.h).
cv::Mat contentLineZones(const Ridges& ridges, const cv::Mat& lines, const cv::Mat& chroma,
                         int joinGap);

}  // namespace pm::ops::damage
