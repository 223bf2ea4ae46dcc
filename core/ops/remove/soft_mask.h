#pragma once
// A soft mask (Edit > Feather Mask, or a grey mask from another editor) says how much of each pixel
// goes: the fill replaces the pixels where the mask is at least half, blends into those where it is
// less (weight mask/255, as a feathered selection does in Photoshop or GIMP), and never touches a
// pixel where it is 0. A mask of only 0 and 255 is a hard mask: removeObject grows it and feathers a
// seam outside it instead (remove_object.h).
#include <opencv2/core.hpp>

namespace pm::ops {

/// Whether `mask` (CV_8UC1) has pixels between 0 and 255.
bool isSoftMask(const cv::Mat& mask);

/// The pixels the fill has to produce for a soft mask: every non-zero one (0/255 CV_8UC1), so that
/// each blended pixel has filled content to blend with.
cv::Mat softMaskHole(const cv::Mat& mask);

/// Paste weights (CV_32FC1) of a soft mask: 1 where the mask is >= 128, mask/255 below, 0 where it
/// is 0.
cv::Mat softMaskWeights(const cv::Mat& mask);

}  // namespace pm::ops
