#pragma once
// The per-pixel measures the damage detector thresholds (see detect_damage.h for the method).
#include <vector>

#include <opencv2/core.hpp>

namespace pm::ops::damage {

/// Luminance as CV_32FC1 in 0..255 from CV_8U/CV_16U images with 1, 3 or 4 channels.
cv::Mat luminance(const cv::Mat& image);

/// Colourfulness as CV_32FC1 in grey levels: max(B, G, R) - min(B, G, R), lightly smoothed so one
/// noisy channel does not decide; all zero for a grey image.
cv::Mat chroma(const cv::Mat& image);

/// The value below which `fraction` (0..1) of the pixels of a CV_32FC1 map in 0..255 lie, in whole
/// grey levels.
float percentile(const cv::Mat& map, double fraction);

/// The whole-grey-level histogram percentile() reads (256 bins), so that a large photo can be
/// counted part by part: adds the pixels of `map` to `histogram` (resized to 256 when empty).
void addToHistogram(const cv::Mat& map, std::vector<double>& histogram);
/// percentile() of the pixels counted in `histogram`.
float percentile(const std::vector<double>& histogram, double fraction);

/// Local texture level, CV_32FC1: the 31x31 median of |luma - GaussianBlur(luma, sigma 2)|, never
/// below `floor` so perfectly flat synthetic areas do not make every tiny step significant.
cv::Mat textureLevel(const cv::Mat& luma, float floor = 1.0f);

}  // namespace pm::ops::damage
