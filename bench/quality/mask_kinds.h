#pragma once
// Synthetic holes for the quality benchmark, the same for every method and run (seeded).
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace pm::bench {

enum class MaskKind { Object, Strokes, Scratches, Large };

std::vector<MaskKind> allMaskKinds();
std::string maskKindName(MaskKind kind);

/// CV_8UC1, 255 = hole. Object: union of ellipses covering ~5% of the area; strokes: thick brush
/// polylines; scratches: thin (1-3 px) wandering curves; large: one box of ~20% of the area.
cv::Mat makeMask(MaskKind kind, cv::Size size, uint64_t seed);

}  // namespace pm::bench
