#pragma once
// Seamless colour for a patch fill: copied patches come from elsewhere in the photo, where the light
// may differ a little; at the hole's edge that shows as an outline, and a diffusion low band pulls
// the border's colours inwards as a haze. Instead, measure how far the fill is off on a ring of
// known pixels around the hole and spread that offset smoothly over the hole (a membrane, as in
// Poisson / mean-value cloning), so the fill's own colours stay and only its level is matched.
#include <opencv2/core.hpp>

namespace pm::ops {

/// `fill` and `original`: same size and type (CV_8U or CV_16U, 1 to 4 channels). `fill` is the
/// original with its `hole` (CV_8UC1, non-zero = synthesized) filled and, on `ring` (CV_8UC1,
/// known pixels next to the hole), a synthesized estimate of pixels that are in fact known. The
/// offset original - fill on the ring, smoothed over `smoothSigma` pixels, is interpolated over the
/// hole and added to `fill` at every non-zero pixel of `apply` (the hole, and the ring pixels the
/// caller keeps synthesized). Pixels outside `apply` are not touched. Each ring pixel's offset is
/// clipped to +-maxOffset (8-bit levels): larger ones are unmatched structure, not light.
void addSmoothOffset(cv::Mat& fill, const cv::Mat& original, const cv::Mat& hole,
                     const cv::Mat& ring, const cv::Mat& apply, double smoothSigma = 2.0,
                     double maxOffset = 10.0);

/// The membrane alone (exposed for tests): values (CV_32FC(n)) known where `weights` (CV_32FC1)
/// is 1, filled where it is 0 by push-pull interpolation over a pyramid; smooth, no overshoot.
cv::Mat pushPullFill(const cv::Mat& values, const cv::Mat& weights);

}  // namespace pm::ops
