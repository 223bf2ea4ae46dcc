#pragma once
// Edits of a selection mask (CV_8UC1, non-zero = selected) that users ask for after a click or a
// brush stroke: grow/shrink by N px, feather the edge, select similar colour, invert. Every function
// returns a new mask of the same size and leaves its input alone, so the caller can keep the old one
// for undo.
#include <opencv2/core.hpp>

namespace pm::ops::selection {

/// Dilates by `pixels` with an elliptical kernel (round corners, like a brush of that radius);
/// negative pixels shrink. The result is 0/255.
cv::Mat growMask(const cv::Mat& mask, int pixels);
/// Erodes by `pixels` (negative grows).
cv::Mat shrinkMask(const cv::Mat& mask, int pixels);

/// Softens the edge over about `pixels` on each side of it: a ramp 0..255 (Gaussian of the 0/255
/// mask), the selection's inside and outside further than `pixels` from the edge unchanged.
cv::Mat featherMask(const cv::Mat& mask, int pixels);

/// 255 where the mask is zero and the other way round.
cv::Mat invertMask(const cv::Mat& mask);

struct WandSettings {
    /// Largest difference per channel (0..255) from the clicked pixel's colour that is still "similar".
    int tolerance = 32;
    /// true: only pixels connected to the click (flood fill); false: every similar pixel of the photo.
    bool contiguous = true;
    /// Compare with the average over a 3x3 window around the click instead of one noisy pixel.
    bool sampleAverage = true;
};

/// Magic wand: the pixels of `image` (any layout PhotoMend uses) similar in colour to the one at `seed`,
/// as a 0/255 mask. A seed outside the image selects nothing.
cv::Mat magicWand(const cv::Mat& image, cv::Point seed, const WandSettings& settings = {});

/// Share of pixels both masks select over those either selects (1 when both are empty): the measure
/// the selection tests and benchmark use against reference masks.
double maskIoU(const cv::Mat& a, const cv::Mat& b);

}  // namespace pm::ops::selection
