#include "core/ops/repair/damage_halo.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/ops/damage/damage_maps.h"

namespace pm::ops {

namespace {
// Reach per pixel of the longer side: scratched_a (624 px) has its crack's halo 3-4 px beyond the
// detected mask (luma 61 -> 53 from 2 to 8 px off the core, the curtain at 53).
constexpr double kReachPerPixel = 3.0 / 624;
// How far above (below) the surrounding picture a halo pixel stands, in 8-bit levels; the
// curtain's grain is about as large, so a pixel of grain at the hole's edge may join too (it is
// filled like the grain round it).
constexpr double kHaloLevels = 4.0;
// Larger scans are grown at this longer side (the detector's working side, working_scale.h).
constexpr double kLargestSide = 1400.0;

// Mean of `values` over the pixels where `weight` is 1, in a box of `side`; 0 where none are.
cv::Mat maskedMean(const cv::Mat& values, const cv::Mat& weight, int side) {
    cv::Mat sum, count;
    cv::boxFilter(values.mul(weight), sum, CV_32F, {side, side}, {-1, -1}, false);
    cv::boxFilter(weight, count, CV_32F, {side, side}, {-1, -1}, false);
    cv::Mat mean;
    cv::divide(sum, cv::max(count, 1e-3f), mean);
    return mean;
}

// growOverHalo at the image's own size; `marked` is 255 where the damage is.
cv::Mat growAtSize(const cv::Mat& image, const cv::Mat& marked, const cv::Mat& keep) {
    const int reach =
        std::max(1, static_cast<int>(std::lround(kReachPerPixel * std::max(image.cols, image.rows))));
    const cv::Mat luma = damage::luminance(image);
    // The picture round the damage: the mean over pixels beyond the halo's reach.
    // (A distance transform: an elliptic dilation that wide is slow on large scans.)
    cv::Mat distance;
    cv::distanceTransform(marked == 0, distance, cv::DIST_L2, cv::DIST_MASK_3);
    cv::Mat picture;
    cv::Mat(distance > reach + 1).convertTo(picture, CV_32F, 1.0 / 255);
    const cv::Mat background = maskedMean(luma, picture, 8 * reach + 1);
    const cv::Mat difference = luma - background;
    // Which way the damage next to each pixel goes (bright crack or dark one).
    cv::Mat inHole;
    marked.convertTo(inHole, CV_32F, 1.0 / 255);
    const cv::Mat damageSide = maskedMean(difference, inHole, 2 * reach + 3);
    cv::Mat halo = ((difference > kHaloLevels) & (damageSide > 0)) |
                   ((difference < -kHaloLevels) & (damageSide < 0));
    if (!keep.empty()) halo &= keep == 0;
    cv::Mat grown = marked.clone(), next;
    for (int step = 0; step < reach; ++step) {
        cv::dilate(grown, next, cv::Mat());
        next &= halo | grown;
        if (cv::countNonZero(next != grown) == 0) break;
        std::swap(grown, next);
    }
    return grown;
}
}  // namespace

cv::Mat growOverHalo(const cv::Mat& image, const cv::Mat& hole, const cv::Mat& keep) {
    const cv::Mat marked = hole != 0;
    if (cv::countNonZero(marked) == 0) return marked;
    const double f = std::min(1.0, kLargestSide / std::max(image.cols, image.rows));
    if (f == 1.0) return growAtSize(image, marked, keep);
    // A large scan is looked at reduced, like the detector does (working_scale.h): the halo
    // scales with the print, and the growth over a full 12 MP scan took seconds.
    cv::Mat small, smallHole, smallKeep;
    cv::resize(image, small, {}, f, f, cv::INTER_AREA);
    cv::resize(marked, smallHole, small.size(), 0, 0, cv::INTER_AREA);
    smallHole = smallHole > 0;
    if (!keep.empty()) {
        cv::resize(keep, smallKeep, small.size(), 0, 0, cv::INTER_AREA);
        smallKeep = smallKeep > 0;
    }
    const cv::Mat halo = growAtSize(small, smallHole, smallKeep) & ~smallHole;
    cv::Mat haloFull;
    cv::resize(halo, haloFull, image.size(), 0, 0, cv::INTER_NEAREST);
    if (!keep.empty()) haloFull &= keep == 0;
    return marked | haloFull;
}

}  // namespace pm::ops
