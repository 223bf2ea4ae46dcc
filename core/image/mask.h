#pragma once
// Masks are CV_8UC1 images in image coordinates: 255 = selected (to be filled), 0 = keep.
#include <string>

#include <opencv2/core.hpp>

namespace pm::image {

/// Any image (gray/colour, 8 or 16 bit) -> a CV_8UC1 mask where any non-zero pixel becomes 255.
/// With an alpha channel that is not opaque everywhere (strokes painted on a transparent layer),
/// the alpha alone marks: any visible pixel is marked, whatever its colour. With an alpha channel
/// that is opaque everywhere, the colour marks as without one (opaque black marks nothing).
cv::Mat toMask(const cv::Mat& pixels);

/// Loads a mask file (upright, like photos) and checks it matches `expected`. Throws pm::Error.
cv::Mat loadMask(const std::string& path, cv::Size expected);

}  // namespace pm::image
