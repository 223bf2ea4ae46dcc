#pragma once
// Synthetic holes for the quality benchmark, the same for every method and run (seeded).
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace pm::bench {

enum class MaskKind { Object, Strokes, Scratches, Large, Lines };

std::vector<MaskKind> allMaskKinds();
std::string maskKindName(MaskKind kind);

/// CV_8UC1, 255 = hole. Object: union of ellipses covering ~5% of the area; strokes: thick brush
/// polylines; scratches: thin (1-3 px) wandering curves; large: one box of ~20% of the area;
/// lines: needs the photo, see below (an object mask without it).
cv::Mat makeMask(MaskKind kind, cv::Size size, uint64_t seed);
/// The same, and for `lines`: 2-3 round holes (about 6-10% of the shorter side across), each
/// centred on one of the photo's longest straight segments (cv::LineSegmentDetector), so that an
/// edge, moulding or frame runs through it.
cv::Mat makeMask(MaskKind kind, const cv::Mat& photo, uint64_t seed);

}  // namespace pm::bench
