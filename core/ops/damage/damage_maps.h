#pragma once
// The per-pixel measures the damage detector thresholds (see detect_damage.h for the method).
#include <opencv2/core.hpp>

namespace pm::ops::damage {

/// Luminance as CV_32FC1 in 0..255 from CV_8U/CV_16U images with 1, 3 or 4 channels.
cv::Mat luminance(const cv::Mat& image);

/// Colourfulness as CV_32FC1 in grey levels: max(B, G, R) - min(B, G, R), lightly smoothed so one
/// noisy channel does not decide; all zero for a grey image.
cv::Mat chroma(const cv::Mat& image);

/// The colour a pixel carries beyond its print's own toning, CV_32FC1 in grey levels. A sepia,
/// selenium or cyanotype print is one colour at every tone: its chroma (25-60 grey levels on the
/// scratched scans) says nothing about whether a line is paper showing through or picture, and a
/// crease on it carries the toning like everything else. On a toned print (the colour at each tone
/// explains nearly every pixel's colour) this is the distance from that toning, measured like
/// chroma(); on any other photo it is chroma() itself. `luma`: luminance(image). `toned`
/// (optional): set to whether the print is toned (a grey print in three channels counts, a
/// one-channel image does not).
cv::Mat chromaBeyondToning(const cv::Mat& image, const cv::Mat& luma, bool* toned = nullptr);

/// The value below which `fraction` (0..1) of the pixels of a CV_32FC1 map in 0..255 lie, in whole
/// grey levels.
float percentile(const cv::Mat& map, double fraction);

/// The bounding box of component `label` in connectedComponentsWithStats' `stats`.
cv::Rect componentBox(const cv::Mat& stats, int label);

/// Local texture level, CV_32FC1: the 31x31 median of |luma - GaussianBlur(luma, sigma 2)|, never
/// below `floor` so perfectly flat synthetic areas do not make every tiny step significant.
cv::Mat textureLevel(const cv::Mat& luma, float floor = 1.0f);

}  // namespace pm::ops::damage
