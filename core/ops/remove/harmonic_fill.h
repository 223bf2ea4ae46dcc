#pragma once
// The membrane (Laplace) fill of a hole: every hole pixel is the mean of its four neighbours, the
// known pixels round the hole fixed. Of the smooth fills it is the one with the mean-value
// property: each pixel is the average of the boundary as seen from it (its harmonic measure), the
// best a smooth guess can do where nothing tells the middle of a hole from its edge. On the
// quality bench's objects, filled from the grown hole's edge as Remove fills them, it scored
// 18.2 dB against TELEA's 17.0 and NS's 17.0 (bench/quality/STRUCTURE_FILL.md, fill14h).
#include <opencv2/core.hpp>

namespace pm::ops {

/// `image`: 8-bit, 1-4 channels; `hole`: CV_8UC1, non-zero = unknown. Returns a copy of `image`
/// with the hole filled. Solved coarse to fine (Jacobi sweeps on a pyramid of the hole's box):
/// `fineSweeps` at full size, twice as many a level down, at most `sweeps`, so the cost is a few
/// sweeps of the box, whatever the hole's size (full size 10 and 60 below scored within 0.02 dB
/// of 60 everywhere). A hole with no known pixel round it gets the image's mean.
cv::Mat harmonicFill(const cv::Mat& image, const cv::Mat& hole, int sweeps = 60,
                     int fineSweeps = 60);

/// The membrane of `image` (8-bit, 1-4 channels) held only at the pixels of `known` (CV_8UC1,
/// non-zero): every other pixel is solved, free at the image's border (a part of a hole's ring as
/// the only boundary: one side of an edge). `known` must have a pixel set.
cv::Mat membraneFrom(const cv::Mat& image, const cv::Mat& known, int sweeps = 60,
                     int fineSweeps = 60);

}  // namespace pm::ops
