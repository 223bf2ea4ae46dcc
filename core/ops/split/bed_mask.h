#pragma once
// Which pixels of a (downscaled) scan belong to photos rather than to the scanner bed. Internal to the
// split tool.
#include <opencv2/core.hpp>

namespace pm::ops::split {

/// The bed's colour and noise, taken from the scan's border band (photos may touch the border, so
/// medians, not means).
struct BedModel {
    cv::Vec3f lab;              ///< median L*a*b* of the border band
    float sigmaL = 0.f;         ///< robust noise of L* on the bed
    float sigmaChroma = 0.f;    ///< robust noise of a*, b* on the bed
    float gradientNoise = 0.f;  ///< median gradient magnitude on the bed
};

/// lab: CV_32FC3 L*a*b* (L 0..100). gradient: CV_32FC1 gradient magnitude of L*, same size.
BedModel estimateBed(const cv::Mat& lab, const cv::Mat& gradient);

/// CV_8UC1 mask, 255 = photo. A pixel is bed when it has the bed's colour, or is a smooth neutral
/// darkening of it (the soft shadow a photo casts); every sharp edge counts as photo, so a light
/// photo's outline still closes around it. thresholdLevels > 0 overrides the noise-based threshold.
cv::Mat photoMask(const cv::Mat& lab, const cv::Mat& gradient, const BedModel& bed,
                  int thresholdLevels);

/// Gradient magnitude of a CV_32FC1 image after a light blur (per pixel, same units as the image).
cv::Mat gradientMagnitude(const cv::Mat& gray, cv::Mat* gx = nullptr, cv::Mat* gy = nullptr);

}  // namespace pm::ops::split
