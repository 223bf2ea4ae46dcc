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

cv::Mat ellipse(int radius) {
    return cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * radius + 1, 2 * radius + 1});
}

// Mean of `values` over the pixels where `weight` is 1, in a box of `side`; 0 where none are.
cv::Mat maskedMean(const cv::Mat& values, const cv::Mat& weight, int side) {
    cv::Mat sum, count;
    cv::boxFilter(values.mul(weight), sum, CV_32F, {side, side}, {-1, -1}, false);
    cv::boxFilter(weight, count, CV_32F, {side, side}, {-1, -1}, false);
    cv::Mat mean;
    cv::divide(sum, cv::max(count, 1e-3f), mean);
    return mean;
}
}  // namespace

cv::Mat growOverHalo(const cv::Mat& image, const cv::Mat& hole, const cv::Mat& keep) {
    const cv::Mat marked = hole != 0;
    if (cv::countNonZero(marked) == 0) return marked;
    const int reach =
        std::max(1, static_cast<int>(std::lround(kReachPerPixel * std::max(image.cols, image.rows))));
    const cv::Mat luma = damage::luminance(image);
    // The picture round the damage: the mean over pixels beyond the halo's reach.
    cv::Mat near;
    cv::dilate(marked, near, ellipse(reach + 1));
    cv::Mat picture;
    cv::Mat(near == 0).convertTo(picture, CV_32F, 1.0 / 255);
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

}  // namespace pm::ops
