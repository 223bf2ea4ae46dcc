#pragma once
// The tone functions compute in float 0..1 whatever the input depth; alpha is set aside untouched.
#include <opencv2/core.hpp>

namespace pm::ops::tone {

struct FloatImage {
    cv::Mat color;  ///< CV_32FC1 or CV_32FC3 (BGR), 0..1
    cv::Mat alpha;  ///< the input's alpha as it was, or empty
    int depth = CV_8U;
};

/// Throws pm::Error unless the image is CV_8U or CV_16U with 1, 3 or 4 channels.
void checkToneInput(const cv::Mat& image);

FloatImage toFloat(const cv::Mat& image);
/// Back to the input's depth (rounded, saturated), with its alpha.
cv::Mat fromFloat(const cv::Mat& color, const FloatImage& like);

/// Rec. 601 luma of a CV_32FC3 BGR image (or the channel itself when it has one).
cv::Mat luma(const cv::Mat& color);

}  // namespace pm::ops::tone
