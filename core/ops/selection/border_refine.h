#pragma once
// Brings a selection computed on a downscaled copy back to full resolution with a border that
// follows the photo's edges, at the cost of the border only: tiles away from the edge are copied
// from the upscaled mask, tiles on it get a guided filter (He et al.) whose guide is the photo
// projected on the colour axis that best separates object from background in that tile.
#include <opencv2/core.hpp>

namespace pm::ops::selection {

struct BorderRefineSettings {
    int tileSize = 128;      ///< full-resolution tiles the work is split into (and run in parallel)
    /// Guided filter regularisation, for a guide scaled to 0..1 per tile: edges with less contrast
    /// than about sqrt(eps) are smoothed over.
    double eps = 0.004;
};

/// coarse: 0/255 CV_8UC1 at a smaller size; bgr: the photo, 8-bit BGR. Returns a 0/255 mask of the
/// photo's size whose pixels differ from the plain upscale of `coarse` only within about one
/// coarse pixel of its border.
cv::Mat refineBorder(const cv::Mat& bgr, const cv::Mat& coarse, const BorderRefineSettings& settings = {});

}  // namespace pm::ops::selection
