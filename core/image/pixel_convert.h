#pragma once
// Layout conversions the tools need before analysing a photo: PhotoMend's pixels are 8- or 16-bit
// gray, BGR or BGRA; detectors and models want 8-bit BGR or gray.
#include <opencv2/core.hpp>

namespace pm::image {

/// 8-bit BGR (gray is expanded, alpha dropped, 16-bit scaled). Shares data when already 8-bit BGR.
cv::Mat toBgr8(const cv::Mat& pixels);
/// 8-bit gray (16-bit scaled). Shares data when already 8-bit gray.
cv::Mat toGray8(const cv::Mat& pixels);

}  // namespace pm::image
