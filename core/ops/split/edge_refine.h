#pragma once
// Turns a rough photo region into a precise rotated box: the skew angle from the region's gradient
// directions, then straight lines fitted to the four cut edges at full resolution. Internal to the
// split tool.
#include <array>

#include <opencv2/core.hpp>

namespace pm::ops::split {

/// Dominant edge direction in (-45, 45] degrees (clockwise positive) of the pixels in band whose
/// gradient exceeds minGradient; NaN when there are none.
double dominantEdgeAngle(const cv::Mat& gx, const cv::Mat& gy, const cv::Mat& band,
                         float minGradient);

struct RefinedBox {
    cv::RotatedRect box;
    double confidence = 0.0;
    /// Per side (left, right, top, bottom): the share of its length found on one straight line,
    /// or -1 for a side on the scan's own border, where there is no edge to find.
    std::array<double, 4> sideStraightness{};
};

/// gray: CV_32FC1 full-resolution scan. rough: the region's box in the same coordinates with its
/// angle already near the photo's. Returns the box whose sides sit on the photo's edges; a side on
/// the scan's own border stays there.
RefinedBox refineBox(const cv::Mat& gray, const cv::RotatedRect& rough);

}  // namespace pm::ops::split
