#pragma once
// A scanned crack or speck is not a sharp mark: its paper-white core fades into the picture over a
// few pixels (the print's broken emulsion, the scanner's blur, JPEG ringing). The detector marks
// the core and a small margin; a fill that starts inside the fading edge reads that brightness as
// picture and carries it back in, so the filled crack stays visible as a pale ghost (scratched_a's
// long white crack: its filled core stood 24 levels above the curtain beside it). The hole is
// therefore grown over the halo first, so the fill reads only the picture beyond it.
#include <opencv2/core.hpp>

namespace pm::ops {

/// `hole` (CV_8UC1, non-zero = damage) grown, through connected neighbours, over the pixels that
/// still stand out from the picture around them on the same side as the damage next to them
/// (brighter beside a bright crack, darker beside a dark one), at most a reach that scales with
/// the image (3 px on a 600 px scan). Pixels where `keep` (CV_8UC1, may be empty) is non-zero are
/// never added. `image`: CV_8U/CV_16U, 1/3/4 channels, the size of `hole`.
cv::Mat growOverHalo(const cv::Mat& image, const cv::Mat& hole, const cv::Mat& keep);

}  // namespace pm::ops
