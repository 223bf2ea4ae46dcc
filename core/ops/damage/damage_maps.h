#pragma once
// The per-pixel measures the damage detector thresholds (see detect_damage.h for the method).
#include <opencv2/core.hpp>

namespace pm::ops::damage {

/// Luminance as CV_32FC1 in 0..255 from CV_8U/CV_16U images with 1, 3 or 4 channels.
cv::Mat luminance(const cv::Mat& image);

/// How much thin bright (white top-hat) or dark (black-hat) structure each pixel carries, CV_32FC1.
struct ThinResponses {
    cv::Mat bright;
    cv::Mat dark;
};
ThinResponses thinResponses(const cv::Mat& luma);

/// How line-like the response around each pixel is, CV_32FC1 in grey levels: the largest mean of
/// `response` along a `length` px segment through the pixel (over 12 orientations) minus its mean over
/// the surrounding square. A scratch keeps its full contrast along its own direction while the square
/// mean dilutes it; isotropic texture and blobs score about the same in every direction, i.e. ~0.
cv::Mat lineResponse(const cv::Mat& response, int length = 15);

/// Local texture level, CV_32FC1: the 31x31 median of |luma - GaussianBlur(luma, sigma 2)|, never below
/// `floor` so perfectly flat synthetic areas do not make every tiny step significant.
cv::Mat textureLevel(const cv::Mat& luma, float floor = 1.0f);

}  // namespace pm::ops::damage
