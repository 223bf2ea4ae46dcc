#pragma once
// Which pixels of a (downscaled) scan belong to photos rather than to the scanner bed. Internal to
// the split tool.
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

/// CV_8UC1 masks, 255 = photo.
struct PhotoMasks {
    /// Bed = the bed's colour, or a smooth neutral darkening of it (a soft shadow); every gradient
    /// above the noise counts as photo, so a light photo's outline still closes around it. Photos a
    /// few pixels apart may join.
    cv::Mat loose;
    /// Bed = the bed's colour or any neutral darkening of it, unless on a sharp edge (a cut edge is
    /// a step, a shadow a ramp). Separates photos that share a shadow, but leaves holes in photos.
    cv::Mat strict;
};

/// gradient: unblurred gradient of L* (its noise in `bed`); softGradient: the same after a 2 px
/// blur. thresholdLevels > 0 overrides the noise-based colour threshold.
PhotoMasks photoMasks(const cv::Mat& lab, const cv::Mat& gradient, const cv::Mat& softGradient,
                      const BedModel& bed, int thresholdLevels);

/// Gradient magnitude of a CV_32FC1 image (per pixel, same units as the image), after a Gaussian
/// blur of blurSigma (0 = none: keeps the response of an edge within a pixel of it).
cv::Mat gradientMagnitude(const cv::Mat& gray, cv::Mat* gx = nullptr, cv::Mat* gy = nullptr,
                          double blurSigma = 1.0);

}  // namespace pm::ops::split
