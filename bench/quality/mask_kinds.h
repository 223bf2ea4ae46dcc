#pragma once
// Synthetic holes for the quality benchmark, the same for every method and run (seeded).
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace pm::bench {

enum class MaskKind { Object, Strokes, Scratches, Large, Lines, Painted };

std::vector<MaskKind> allMaskKinds();
std::string maskKindName(MaskKind kind);

/// CV_8UC1, 255 = hole. Object: union of ellipses covering ~5% of the area; strokes: thick brush
/// polylines; scratches: thin (1-3 px) wandering curves; large: one box of ~20% of the area;
/// lines: needs the photo, see below (an object mask without it); painted: the user mask of
/// makePaintedObject (the photo is needed to paste into; gray without it).
cv::Mat makeMask(MaskKind kind, cv::Size size, uint64_t seed);
/// The same, and for `lines`: 2-3 round holes (about 6-10% of the shorter side across), each
/// centred on one of the photo's longest straight segments (cv::LineSegmentDetector), so that an
/// edge, moulding or frame runs through it.
cv::Mat makeMask(MaskKind kind, const cv::Mat& photo, uint64_t seed);

/// A removal as a user meets it, for measuring how far the mask should grow: the bench's other
/// kinds hand the fill the exact hole, so they only ever show what growing costs. Here a synthetic
/// object (an object-sized union of ellipses, shaded in one colour) is pasted into the photo with
/// an anti-aliased edge and a faint drop shadow or colour halo; the truth is the photo before. The
/// fill is given the mask a user would paint: the object's core (alpha >= 0.5) with a wobbly
/// brush outline that misses up to 2 px more of the edge in places and overshoots by up to 1.5 px
/// in others (PaintedOutline), so the soft edge and the shadow/halo lie outside it.
struct PaintedObject {
    cv::Mat image;      ///< CV_8UC3: the photo with the object pasted in, what the fill sees
    cv::Mat userMask;   ///< CV_8UC1, 255 = painted: what the fill is given
    /// CV_8UC1, 255 = every pixel the paste changed by more than 2 levels (object, edge, shadow or
    /// halo): where a fill is scored against the photo.
    cv::Mat footprint;
};
/// How the user's outline sits on the object's alpha-0.5 outline: it wanders between `overshoot`
/// pixels outside and `miss` pixels inside (the default: a quick, slightly tight painter). The
/// paste itself does not depend on it.
struct PaintedOutline {
    float overshoot = 1.6f;
    float miss = 2.6f;
};
PaintedObject makePaintedObject(const cv::Mat& photo, uint64_t seed,
                                const PaintedOutline& outline = {});

}  // namespace pm::bench
