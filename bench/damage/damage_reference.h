#pragma once
// Hand-drawn reference damage for the real scans in ../shared/testdata/old-photos, stored as vector
// shapes (bench/damage/reference/<photo>.txt) so one drawing serves the scan at any resolution.
//
// File format, one shape per line ('#' starts a comment):
//   size W H            the image size the coordinates below are in
//   line WIDTH x y ...  a crack or scratch: a polyline WIDTH px wide
//   circle RADIUS x y   a speck
//   poly x y ...        a filled area: a broken corner, a torn edge
//   ignore <shape>      don't care: ambiguous, counted neither as found nor as a false alarm
//
// Scoring against a detected mask uses the tolerance band of damage_synth.h (scaled with the
// resolution), with the "ignore" pixels left out of both precision and recall.
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace pm::bench {

struct ReferenceDamage {
    cv::Mat damage;  ///< CV_8UC1, 255 = damaged
    cv::Mat ignore;  ///< CV_8UC1, 255 = don't care
};

/// Rasterises the reference file at `size` (coordinates and widths scaled from its "size" line).
/// Throws std::runtime_error when the file is missing or malformed.
ReferenceDamage loadReferenceDamage(const std::string& path, cv::Size size);

/// One damage shape of a reference file (not the "ignore" ones), rasterised alone: which drawn
/// crack, speck or torn edge a detector misses (damage_real_bench --shapes).
struct ReferenceShape {
    std::string text;  ///< the shape's line in the file
    cv::Mat mask;      ///< CV_8UC1, 255 = this shape
};
std::vector<ReferenceShape> loadReferenceShapes(const std::string& path, cv::Size size);

struct ReferenceScore {
    double precision = 0, recall = 0;
    double flaggedFraction = 0;  ///< detected pixels / image area
};

/// `tolerance` px at the reference's own size, scaled with `detected`'s size (at least 1 px).
ReferenceScore scoreAgainstReference(const cv::Mat& detected, const ReferenceDamage& reference,
                                     double scale, double tolerance = 2.0);

/// Speck level (issue 13: dust specks stay): how many drawn specks ("circle" shapes) the detected
/// mask touches within the tolerance, and how many speck components the detector marked
/// (`speckStage`: DamageStages::specks, any size) touch no drawn shape, damage or don't-care.
struct SpeckScore {
    int drawn = 0, found = 0;     ///< drawn specks, and those the mask touches
    int marked = 0, matched = 0;  ///< speck components marked, and those on a drawn shape
    double recall() const { return drawn ? static_cast<double>(found) / drawn : 1.0; }
    double precision() const { return marked ? static_cast<double>(matched) / marked : 1.0; }
};
SpeckScore scoreSpecks(const cv::Mat& detected, const cv::Mat& speckStage, const std::string& path,
                       double scale, double tolerance = 2.0);

}  // namespace pm::bench
