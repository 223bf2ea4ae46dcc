#pragma once
// Synthetic damage with a known mask, and how a detected damage mask is scored against it. Shared by
// the damage benchmark and tests/ops_damage.
//
// Scoring (pixel level, tolerance band of `tolerance` px, 2 by default):
//  - recall    = |truth AND dilate(detected, disk radius tolerance)| / |truth|
//  - precision = |detected AND dilate(truth, disk radius tolerance)| / |detected|
//  - f1        = 2 * precision * recall / (precision + recall)
// The band forgives a detection that is one or two pixels wider or offset (the detector grows its
// mask on purpose so the fill covers soft scratch edges). Truth is the painted pixels whose
// luminance changed by at least kVisibleChange grey levels: a dark scratch across a black border is
// not damage anyone can see or needs to repair.
#include <cstdint>

#include <opencv2/core.hpp>

namespace pm::bench {

constexpr double kVisibleChange = 16.0;

struct SyntheticDamage {
    cv::Mat image;      ///< CV_8UC3 BGR with the damage painted in
    cv::Mat scratches;  ///< CV_8UC1 255 = visibly changed by a scratch
    cv::Mat specks;     ///< CV_8UC1 255 = visibly changed by a speck
};

struct DamageOptions {
    int curves = 8;        ///< random smooth curves, half bright and half dark
    int minWidth = 2;      ///< curve width in pixels
    int maxWidth = 4;
    int minLength = 80;    ///< curve length in pixels
    int maxLength = 350;
    int specks = 25;       ///< round specks of radius 1..3 px
};

/// Paints bright (near-white) and dark (near-black) random curves and specks over `bgr` (CV_8UC3),
/// anti-aliased, with 80-100% opacity. Deterministic for a seed.
SyntheticDamage paintSyntheticDamage(const cv::Mat& bgr, uint64_t seed,
                                     const DamageOptions& options = {});

struct DamageScore {
    double precision = 0, recall = 0, f1 = 0;
    double scratchRecall = 0, speckRecall = 0;
    double flaggedFraction = 0;  ///< detected pixels / image area
};

/// Scores `detected` (CV_8UC1, non-zero = damage) against the truth masks, as described above.
DamageScore scoreDamage(const cv::Mat& detected, const cv::Mat& scratches, const cv::Mat& specks,
                        int tolerance = 2);

}  // namespace pm::bench
