#pragma once
// The built-in cartoon's steps, each on 8-bit BGR at the working scale. Split out so each can be
// read (and tuned) on its own; cartoon.cpp chains them.
#include <opencv2/core.hpp>

#include "core/ops/cartoon/cartoon.h"

namespace pm::ops::cartoon {

/// What makes one style look like itself. All distances are in 8-bit L*a*b* units.
struct Recipe {
    int smoothPasses;        ///< bilateral passes (each flattens texture a little more)
    double smoothSigma;      ///< bilateral colour sigma
    double flatten;          ///< 0..1: region mean colour vs the smoothed image
    double mergeDistance;    ///< neighbouring regions closer than this merge into one
    double steps;            ///< luminance steps over 0..255
    double stepHardness;     ///< 1 = no steps, ~6 = almost hard steps
    double stepMix;          ///< 0..1: how much of the stepped luminance is used
    double saturation;       ///< chroma gain
    double lineSigma;        ///< inner Gaussian of the difference of Gaussians, working pixels
    double lineWeak;         ///< DoG response (L units) where a line may continue
    double lineStrong;       ///< DoG response a line must reach somewhere to be kept
    int lineMinPixels;       ///< shorter connected lines are dropped (specks of texture)
    double lineMaxCrowding;  ///< lines whose surroundings are more than this full of lines are texture
    double lineOpacity;      ///< 0..1
    bool inkBlack;           ///< black ink (comic) or a darker shade of the colour (anime)
};

const Recipe& recipeFor(CartoonStyle style);

/// Edge-preserving smoothing: texture and noise go, edges stay.
cv::Mat smoothKeepingEdges(const cv::Mat& bgr, const Recipe& recipe);

/// Superpixels of the smoothed image merged by colour, each painted with its mean colour, blended
/// with `smoothed` by recipe.flatten.
cv::Mat flattenRegions(const cv::Mat& smoothed, const Recipe& recipe);

/// SLIC superpixels of an 8-bit L*a*b* image, cells of about cellSide x cellSide: CV_32S labels
/// 0..n-1 (n = the grid's cells; a label may be unused or, rarely, split in two pieces).
cv::Mat superpixels(const cv::Mat& lab, int cellSide, double compactness, int iterations);

/// The guided filter of `src` with the colour image `guide` (both 8-bit BGR, same size): window
/// radius in pixels, eps on the 0..1 scale; fitted at 1/subsample of the size and applied at full.
cv::Mat colourGuidedFilter(const cv::Mat& guide, const cv::Mat& src, int radius, double eps, int subsample);

/// Soft luminance steps (a smooth staircase, not a hard global quantisation) and livelier colour.
cv::Mat shadeAndColour(const cv::Mat& bgr, const Recipe& recipe);

/// Line opacity 0..1 (CV_32F): dark side of difference-of-Gaussians edges of `smoothed`, kept only
/// where a connected line reaches the strong threshold and is long enough (hysteresis), so noise
/// and fine texture draw nothing.
cv::Mat lineAlpha(const cv::Mat& smoothed, const Recipe& recipe);

/// The cartoon at the photo's size, in one pass over it: `lowResult` (8-bit BGR, made from
/// `lowGuide`, the photo at the working scale) brought to size by fast guided filter upsampling (He
/// & Sun 2015), so its edges follow the full-size photo; `lowLines` (CV_32F opacity at the working
/// scale) drawn over it; then blended with `photo` (8-bit BGR): strength 1 = all cartoon.
cv::Mat composeCartoon(const cv::Mat& lowGuide, const cv::Mat& lowResult, const cv::Mat& lowLines,
                       const cv::Mat& photo, const Recipe& recipe, double strength);

}  // namespace pm::ops::cartoon
