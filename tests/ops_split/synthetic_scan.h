#pragma once
// Flatbed scans built in the test: photos pasted at known boxes on an off-white, noisy bed, each
// with a soft drop shadow, so every detected box can be checked against the truth.
#include <vector>

#include <opencv2/core.hpp>

namespace pm::test {

struct PastedPhoto {
    cv::Mat pixels;         ///< CV_8UC3 photo as it was before being laid on the bed
    cv::RotatedRect truth;  ///< where it lies: size = pixels' size, angle as in DetectedPhoto
};

/// An off-white bed (BGR) with sensor noise and a faint light fall-off.
cv::Mat makeBed(cv::Size size, cv::Scalar colour, double noiseSigma, unsigned seed);

/// Lays photo on scan (CV_8UC3) with a soft shadow below-right of it; returns where it lies.
PastedPhoto pastePhoto(cv::Mat& scan, const cv::Mat& photo, cv::Point2f centre, double angle);

/// A textured stand-in for a photo: smooth colour areas, some lines and grain.
cv::Mat syntheticPhoto(cv::Size size, unsigned seed);

/// The real photos in testdata/photos as CV_8UC3 (empty when absent), else synthetic ones.
std::vector<cv::Mat> samplePhotos(int count);

/// Intersection over union of two rotated rectangles.
double rotatedIoU(const cv::RotatedRect& a, const cv::RotatedRect& b);

/// Difference of two skew angles in degrees (both in (-45, 45], so a sideways box counts as 90).
double angleError(double a, double b);

}  // namespace pm::test
