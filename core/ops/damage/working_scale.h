#pragma once
// The size the damage detector looks at a scan in. Its ridge scales, windows and lengths are in
// pixels and were tuned on scans of 300-1000 px whose finest detail (grain, cracks) is a pixel or
// two wide. The same print scanned at twice the resolution shows every crack twice as wide, and
// at half the resolution half as wide: the detector must see the print at about the same size
// either way (issue 13: a 400 px scan and a 4000 px one).
//
// How it picks the size:
//  - Longer than kWorkingSide (1400 px): reduced to it (also bounds the time of a 12 MP scan).
//  - Oversampled: a scan whose finest detail is far wider than a pixel (scanned at more dots per
//    inch than the print holds, or enlarged) loses almost nothing when halved: halved, as long
//    as it stays at least kMinWorkingSide long. Measured on the test photos enlarged 2x: halving
//    loses at most 0.3 of what reducing to a third loses; on the photos as they are, at least
//    0.42 (scratched_c) and mostly 0.5-0.9 (grain and texture sit at the pixel level).
//  - Shorter than kMinWorkingSide (320 px): doubled, so hairlines are more than the finest ridge
//    scale and the length and window rules see them as on a larger scan.
// Thread-safety: pure function.
#include <opencv2/core.hpp>

namespace pm::ops::damage {

/// `image` (CV_8U or CV_16U, 1, 3 or 4 channels) at its working size; `scale` = working size /
/// image size (1: `image` itself, not a copy).
cv::Mat workingCopy(const cv::Mat& image, double& scale);

/// The scale workingCopy picks, without keeping the copy.
double workingScale(const cv::Mat& image);

/// The smallest scale at which an image of `size` holds all its detail, given the `workingScale`
/// workingCopy picked for it: twice that when workingCopy halved it for being oversampled (the
/// copy at twice the scale was found oversampled), else 1.
double detailScale(cv::Size size, double workingScale);

}  // namespace pm::ops::damage
