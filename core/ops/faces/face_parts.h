#pragma once
// Pieces of restoreFaces shared by its source files (not part of the public interface).
#include <opencv2/core.hpp>

#include "core/ops/faces/restore_faces.h"

namespace pm::ops::faces {

constexpr int kAlignedSize = 512;

/// The feathered ellipse over the face in the aligned 512x512 crop, CV_32FC1 in 0..1, exactly 0
/// outside the feather.
const cv::Mat& alignedFaceMask();

/// The part of the image that an aligned face (forward matrix `align`) can change.
cv::Rect footprint(const cv::Mat& align, cv::Size imageSize);

/// Warps an aligned-space image back into image coordinates, only over `roi`.
cv::Mat warpBack(const cv::Mat& aligned, const cv::Mat& align, const cv::Rect& roi, int interpolation);

/// Built-in restoration of an aligned CV_8UC3 face: edge-aware denoise, CLAHE on L and mild
/// sharpening on real structure (eyes, brows, lips, outlines); skin only gets a smooth tone lift and
/// keeps less of its fine texture, so a print's crackle and grain are never sharpened.
cv::Mat enhanceFace(const cv::Mat& aligned);

/// `restored` with the Lab mean and standard deviation of `reference` inside `weight` > 0.5.
cv::Mat matchColours(const cv::Mat& restored, const cv::Mat& reference, const cv::Mat& weight);

}  // namespace pm::ops::faces
