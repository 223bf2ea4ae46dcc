#pragma once
// Faces are what a viewer looks at first, and eyes, brows, lids, lips, nostrils and hair strands are
// exactly the thin dark curves and bright specks a damage detector looks for. A detected face is
// therefore a protected zone: damage is accepted there only when it is unmistakable (see
// detect_damage.cpp) and is filled only by smooth diffusion from the face's own pixels, never with
// patches copied from elsewhere (see core/ops/repair/damage_fill.h).
#include <vector>

#include <opencv2/core.hpp>

namespace pm::ops::damage {

/// The detected faces of `image` (any type detectFaces accepts), each box grown by a fifth of its
/// size on every side (forehead, chin, hairline and ears) and clipped to the image. Empty when no
/// face detector is installed.
std::vector<cv::Rect> protectedFaceZones(const cv::Mat& image);

/// CV_8UC1 of `size`, 255 inside any of `zones`.
cv::Mat zoneMask(cv::Size size, const std::vector<cv::Rect>& zones);

/// The zone that holds most of `box` (at least half of its area), or nullptr.
const cv::Rect* zoneHolding(const std::vector<cv::Rect>& zones, const cv::Rect& box);

}  // namespace pm::ops::damage
