#pragma once
// Frequency-selective extrapolation for thin holes (scratches, hairs, brush strokes): every block
// of the image that holds hole pixels is modelled, over a 32x32 window around it, as a sum of a
// few Fourier basis functions fitted to the known pixels (weighted so that pixels near the block
// count most), and the model's values fill the block's hole pixels. This is the method of
// xphoto's FSR (Seiler and Kaup 2010; Genser et al. 2018: block splitting by texture, spectral
// weighting, iteration count by contrast), written for speed: single precision, no allocations
// in the iteration loop, and blocks far enough apart filled in parallel, so a 0.3 MP photo's
// scratches take a fraction of a second instead of one to two seconds.
#include <opencv2/core.hpp>

namespace pm::ops {

struct FrequencyFillParams {
    /// Largest iteration count of one block (its contrast decides how many below this: a flat
    /// block needs few basis functions). xphoto's FSR_FAST uses 100.
    int maxIterations = 100;
    int minIterations = 20;
};

/// Fills the non-zero pixels of `hole` (CV_8UC1) in `image` (CV_8UC1 or CV_8UC3, BGR) and returns
/// the result; pixels outside the hole are copied unchanged. The result does not depend on the
/// number of threads.
cv::Mat frequencySelectiveFill(const cv::Mat& image, const cv::Mat& hole,
                               const FrequencyFillParams& params = {});

}  // namespace pm::ops
