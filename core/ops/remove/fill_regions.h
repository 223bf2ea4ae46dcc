#pragma once
// Geometry of a fill: grow the mask, split it into crops around its connected regions (so a large
// photo is never processed whole), and paste a filled crop back through a feathered seam so that
// every pixel outside the grown mask plus its feather band stays bit-identical.
#include <vector>

#include <opencv2/core.hpp>

namespace pm::ops {

/// Non-zero pixels of `mask` (CV_8UC1) dilated by `pixels` with a round kernel; 255 = fill, 0 =
/// keep.
cv::Mat growMask(const cv::Mat& mask, int pixels);

/// growMask with a growth by width: parts of the mask wider than 2 `thinRadius` pixels (objects,
/// blobs: what a disc of that radius fits in) grow by `pixels`, the rest (scratches, hairs, thin
/// strokes) by `thinPixels`.
cv::Mat growMaskByWidth(const cv::Mat& mask, int pixels, int thinPixels, float thinRadius);

struct RegionPlan {
    int minMargin = 32;        ///< context kept around every region, in pixels
    double marginRatio = 1.0;  ///< ... or this fraction of the region's larger side when more
};

/// One crop per group of nearby connected regions of `hole` (CV_8UC1): each region's bounding box
/// is grown by its context margin and clipped to the image; overlapping boxes are merged until none
/// overlap, so every region lies wholly inside exactly one box. Sorted top to bottom, left to
/// right.
std::vector<cv::Rect> planFillRegions(const cv::Mat& hole, const RegionPlan& plan = {});

/// The same for a hole known only within `part` of a larger image of size `frame` (`hole` is that
/// part; zero outside it): boxes are in the image's coordinates and clipped to the frame. Lets a
/// 24 MP photo be planned from the mask's bounding box alone.
std::vector<cv::Rect> planFillRegions(const cv::Mat& hole, const cv::Rect& part, cv::Size frame,
                                      const RegionPlan& plan = {});

/// Blend weights (CV_32FC1): 1 inside `hole`, falling linearly to 0 over `featherPixels` outside it
/// (Euclidean distance), 0 everywhere else.
cv::Mat featherWeights(const cv::Mat& hole, int featherPixels);

/// dst = weights * fill + (1 - weights) * dst wherever weights > 0; dst is untouched elsewhere.
/// dst and fill have the same size and type (CV_8U or CV_16U, any channel count).
void pasteFeathered(cv::Mat& dst, const cv::Mat& fill, const cv::Mat& weights);

}  // namespace pm::ops
