#pragma once
// Where two images differ: undo patches and "changed" boxes are cut to this rectangle.
#include <opencv2/core.hpp>

namespace pm::image {

/// Bounding box of the pixels where `a` and `b` (same size and type) differ in any channel; empty
/// when they are equal.
cv::Rect differingRect(const cv::Mat& a, const cv::Mat& b);

}  // namespace pm::image
