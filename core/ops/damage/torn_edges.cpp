#include "core/ops/damage/torn_edges.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/ops/damage/damage_maps.h"

namespace pm::ops::damage {

namespace {
// A strip along the edge reaches at most this share of the shorter side into the picture.
constexpr double kMaxDepthShare = 0.08;
constexpr int kMinDepth = 6;
// Paper is this much brighter than the picture right inside the patch.
constexpr float kMinStep = 45.0f;
constexpr int kInsideRing = 5;  // px
// An intact border: covers this share of a side, with an inner edge this straight (px).
constexpr double kBorderCoverage = 0.9;
constexpr double kStraightEdge = 1.5;
// Too small to tell from a highlight touching the border.
constexpr int kMinArea = 12;
// The print's edge rarely lies exactly on the image border: a line or two of scanner background
// or lid shadow lies beyond it. A long strip (along at least kLongStrip of a side) this close to
// the sides (share of the shorter side, at least kMinGap px) counts as touching them; a small
// patch must touch them (a star of a flag, sky between leaves near a corner).
constexpr double kBorderGapShare = 0.006;
constexpr int kMinGap = 2;
constexpr double kLongStrip = 0.5;
// So does a broken corner this large in both directions (share of the shorter side): scratched_a's
// top-left corner at half size, 70x69 of 496 px looked at doubled, lies a pixel inside the left
// border. A flag's star near a corner (astronaut: 11x20 of 512) is far smaller.
constexpr double kLargeCornerShare = 0.05;
// A torn strip breaks into pieces where grime or a stain tints the paper: pieces this close (px)
// are one strip; along the border, where a torn strip narrows to a pixel or two, the pieces of
// one strip lie up to this share of the shorter side apart.
constexpr int kPieceJoin = 5;
constexpr double kStripJoinShare = 0.03;
constexpr double kMaxMedianDepth = 0.3;
// A long strip that reaches no second side (a half-size scan: where the torn strip narrows to a
// pixel near the corners, it is no longer paper-white there) hugs its side: half its pixels
// within this share of the shorter side (scratched_a's strip: 4 px of 496 at 1x).
constexpr double kOneSideMedianDepth = 0.015;
// continueThinStrips: blends of a sub-pixel strip lie in the outer two scan pixels (four working
// pixels of a scan looked at doubled).
constexpr int kThinStripDepth = 4;
// ...and run along it at least this far (working px), three times as far as they reach in.
constexpr int kThinStripRun = 12;

// Depth of each pixel from the nearest image border.
int depthOf(int x, int y, cv::Size size) {
    return std::min(std::min(x, y), std::min(size.width - 1 - x, size.height - 1 - y));
}

// Per side, the depth of the patch measured from that side at every position along it; a side that
// the patch covers nearly whole with a near-constant depth is an intact border.
bool isIntactBorder(const cv::Mat& patch, const cv::Rect& box) {
    const cv::Size size = patch.size();
    for (int side = 0; side < 4; ++side) {
        const bool vertical = side < 2;  // left, right
        const int length = vertical ? size.height : size.width;
        std::vector<double> depths;
        for (int i = 0; i < length; ++i) {
            int d = 0;
            for (;; ++d) {
                const int x = side == 0 ? d : side == 1 ? size.width - 1 - d : i;
                const int y = side == 2 ? d : side == 3 ? size.height - 1 - d : i;
                if (x < 0 || y < 0 || x >= size.width || y >= size.height) break;
                if (vertical ? (x < box.x || x >= box.br().x) : (y < box.y || y >= box.br().y))
                    break;
                if (!patch.at<uchar>(y, x)) break;
            }
            if (d > 0) depths.push_back(d);
        }
        if (depths.size() < kBorderCoverage * length) continue;
        double mean = 0, var = 0;
        for (double d : depths) mean += d;
        mean /= depths.size();
        for (double d : depths) var += (d - mean) * (d - mean);
        if (std::sqrt(var / depths.size()) <= kStraightEdge) return true;
    }
    return false;
}

// Paper broken off at the edge starts at the edge: half its pixels lie within `maxMedianDepth` of
// the image border (for a patch at a corner kMaxMedianDepth of its box's shorter side: real breaks
// on scratched_a 0.11-0.14, its long torn strip 0.04). A light band of picture that runs beside a side and reaches the border
// at one end keeps its distance from the side (brick's mortar joints, a light stripe of grass:
// 0.4-0.6). A torn strip along a single side (see judgePatch) must hug it closer still.
bool hugsTheBorder(const cv::Mat& patch, cv::Point offset, double maxMedianDepth, cv::Size size) {
    std::vector<int> depths;
    for (int y = 0; y < patch.rows; ++y) {
        const uchar* p = patch.ptr<uchar>(y);
        for (int x = 0; x < patch.cols; ++x)
            if (p[x]) depths.push_back(depthOf(x + offset.x, y + offset.y, size));
    }
    if (depths.empty()) return false;
    auto median = depths.begin() + static_cast<long>(depths.size() / 2);
    std::nth_element(depths.begin(), median, depths.end());
    return *median <= maxMedianDepth;
}

// One candidate patch: `labels` == `label` within the paper. Marks it in `out` when it is a torn
// edge: touching two sides (within `gap` px), no deeper than `maxDepth`, much lighter than the
// picture just inside it and not an intact border.
void judgePatch(const cv::Mat& luma, const cv::Mat& paper, const cv::Mat& labels, int label,
                const cv::Rect& labelBox, int maxDepth, int gap, bool longStripsOnly, cv::Mat& out) {
    const cv::Size size = luma.size();
    const cv::Rect roi = (labelBox + cv::Size(2 * kInsideRing, 2 * kInsideRing) -
                          cv::Point(kInsideRing, kInsideRing)) &
                         cv::Rect({}, size);
    const cv::Mat patch = (labels(roi) == label) & paper(roi);
    if (cv::countNonZero(patch) < kMinArea) return;
    const cv::Rect box = cv::boundingRect(patch) + roi.tl();
    // A shorter strip counts when it continues a broken corner already found (at half size the
    // torn strip breaks off a third of the way down the side, where it is no longer paper-white).
    if (longStripsOnly && box.width < kLongStrip * size.width &&
        box.height < kLongStrip * size.height && cv::countNonZero(out(roi) & patch) == 0)
        return;
    // A broken corner touches two sides; along one side alone a white patch at the border is
    // as often a flag's stripe, a lattice or a sky as a torn edge. A long strip hugging one side
    // (checked below) is the print's torn edge, whether or not it reaches a corner.
    const bool left = box.x <= gap, top = box.y <= gap, right = box.br().x >= size.width - gap,
               bottom = box.br().y >= size.height - gap;
    const bool twoSides = (left || right) && (top || bottom);
    if (!twoSides && !(longStripsOnly && (left || right || top || bottom))) return;
    // Quick reject: a box reaching deeper than the strip on every side it could belong to.
    const cv::Rect inner(maxDepth + 1, maxDepth + 1, size.width - 2 * maxDepth - 2,
                         size.height - 2 * maxDepth - 2);
    if ((box & inner).area() > 0) {
        for (int y = 0; y < patch.rows; ++y) {
            const uchar* p = patch.ptr<uchar>(y);
            for (int x = 0; x < patch.cols; ++x)
                if (p[x] && depthOf(x + roi.x, y + roi.y, size) > maxDepth) return;
        }
    }
    // Paper against picture: the ring just inside the patch is much darker.
    cv::Mat grown;
    cv::dilate(patch, grown,
               cv::getStructuringElement(cv::MORPH_ELLIPSE,
                                         {2 * kInsideRing + 1, 2 * kInsideRing + 1}));
    const cv::Mat ring = grown & ~patch & (paper(roi) == 0);
    if (cv::countNonZero(ring) == 0) return;
    const double patchTone = cv::mean(luma(roi), patch)[0];
    const double ringTone = cv::mean(luma(roi), ring)[0];
    if (patchTone - ringTone < kMinStep) return;
    const double hug = twoSides ? kMaxMedianDepth * std::min(box.width, box.height)
                                : kOneSideMedianDepth * std::min(size.width, size.height);
    if (!hugsTheBorder(patch, roi.tl(), hug, size)) return;
    cv::Mat whole = cv::Mat::zeros(size, CV_8UC1);
    patch.copyTo(whole(roi), patch);
    if (isIntactBorder(whole, box)) return;
    out(roi).setTo(255, patch);
}

// Labels of `paper` with the pieces of one torn strip joined: pieces kPieceJoin px apart, and
// within `maxDepth` of a side, pieces up to kStripJoinShare of the shorter side apart along it.
int joinedStrips(const cv::Mat& paper, int maxDepth, cv::Mat& labels, cv::Mat& stats) {
    const cv::Size size = paper.size();
    cv::Mat joined;
    cv::dilate(paper, joined,
               cv::getStructuringElement(cv::MORPH_ELLIPSE, {kPieceJoin, kPieceJoin}));
    const int stripJoin =
        std::max(kPieceJoin, static_cast<int>(std::lround(
                                 kStripJoinShare * std::min(size.width, size.height))));
    const cv::Rect sides[] = {{0, 0, maxDepth, size.height},
                              {size.width - maxDepth, 0, maxDepth, size.height},
                              {0, 0, size.width, maxDepth},
                              {0, size.height - maxDepth, size.width, maxDepth}};
    for (int side = 0; side < 4; ++side) {
        const cv::Size along = side < 2 ? cv::Size(1, stripJoin) : cv::Size(stripJoin, 1);
        cv::Mat bridged;
        cv::dilate(paper(sides[side]), bridged, cv::getStructuringElement(cv::MORPH_RECT, along));
        joined(sides[side]) |= bridged;
    }
    cv::Mat centroids;
    return cv::connectedComponentsWithStats(joined, labels, stats, centroids, 8, CV_32S);
}

}  // namespace

cv::Mat continueThinStrips(const cv::Mat& luma, const cv::Mat& blended, const cv::Mat& torn) {
    const cv::Size size = luma.size();
    if (cv::countNonZero(torn) == 0 || std::min(size.width, size.height) < 4 * kMinDepth)
        return torn.clone();
    // Only along a side that a found strip already runs along for kLongStrip of it (a torn print
    // edge); a light line of picture found at the border (sepia brick's mortar at half size, where
    // it meets the right border) is not continued along the top.
    bool stripSide[4];  // left, right, top, bottom
    for (int side = 0; side < 4; ++side) {
        const bool vertical = side < 2;
        const int length = vertical ? size.height : size.width;
        const cv::Rect band = side == 0   ? cv::Rect(0, 0, kThinStripDepth, size.height)
                              : side == 1 ? cv::Rect(size.width - kThinStripDepth, 0,
                                                     kThinStripDepth, size.height)
                              : side == 2 ? cv::Rect(0, 0, size.width, kThinStripDepth)
                                          : cv::Rect(0, size.height - kThinStripDepth,
                                                     size.width, kThinStripDepth);
        cv::Mat along;
        cv::reduce(torn(band), along, vertical ? 1 : 0, cv::REDUCE_MAX);
        stripSide[side] = cv::countNonZero(along) >= kLongStrip * length;
    }
    // Blends along the border: at most kThinStripDepth deep, kMinStep lighter than the picture
    // just past that depth (straight in from the nearest side): the strip is thin there. A light
    // patch of picture reaching the border (astronaut's suit at half size, grey copy) is as light
    // a few pixels further in.
    cv::Mat candidates = cv::Mat::zeros(size, CV_8UC1);
    for (int y = 0; y < size.height; ++y)
        for (int x = 0; x < size.width; ++x) {
            const int depth = depthOf(x, y, size);
            if (depth >= kThinStripDepth || !blended.at<uchar>(y, x)) continue;
            // Not in a corner (there findTornEdges' broken corners are judged; a scanner
            // margin's corner reads as a blend on both sides).
            const int across = x == depth || size.width - 1 - x == depth
                                   ? std::min(y, size.height - 1 - y)
                                   : std::min(x, size.width - 1 - x);
            if (across < 2 * kThinStripDepth) continue;
            const int side = x == depth ? 0 : size.width - 1 - x == depth ? 1 : y == depth ? 2 : 3;
            if (!stripSide[side]) continue;
            const int in = kThinStripDepth + 1;
            const cv::Point inside = x == depth                     ? cv::Point(in, y)
                                     : y == depth                   ? cv::Point(x, in)
                                     : size.width - 1 - x == depth  ? cv::Point(size.width - 1 - in, y)
                                                                    : cv::Point(x, size.height - 1 - in);
            if (luma.at<float>(y, x) - luma.at<float>(inside) >= kMinStep)
                candidates.at<uchar>(y, x) = 255;
        }
    // Runs of blend along the border that touch a found strip; short pieces (a corner of the
    // scanner margin, a light point at the border) are left alone.
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(candidates, labels, stats, centroids, 8, CV_32S);
    cv::Mat near;
    cv::dilate(torn, near, cv::getStructuringElement(cv::MORPH_RECT, {3, 3}));
    std::vector<uchar> keep(n, 0);
    for (int i = 1; i < n; ++i) {
        const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), h = stats.at<int>(i, cv::CC_STAT_HEIGHT);
        keep[i] = std::max(w, h) >= kThinStripRun && std::max(w, h) >= 3 * std::min(w, h) &&
                  cv::countNonZero(near(componentBox(stats, i)) &
                                   (labels(componentBox(stats, i)) == i)) > 0;
    }
    cv::Mat out = torn.clone();
    for (int y = 0; y < size.height; ++y)
        for (int x = 0; x < size.width; ++x)
            if (keep[labels.at<int>(y, x)]) out.at<uchar>(y, x) = 255;
    return out;
}

cv::Mat findTornEdges(const cv::Mat& luma, const cv::Mat& paper) {
    const cv::Size size = luma.size();
    cv::Mat out = cv::Mat::zeros(size, CV_8UC1);
    const int shorter = std::min(size.width, size.height);
    const int maxDepth = std::max(kMinDepth, static_cast<int>(kMaxDepthShare * shorter));
    if (shorter < 4 * kMinDepth) return out;
    const int gap =
        std::max(kMinGap, static_cast<int>(std::lround(kBorderGapShare * shorter)));
    // Broken corners: single patches of paper touching two sides (a large one within `gap`).
    const int largeCorner = static_cast<int>(std::lround(kLargeCornerShare * shorter));
    cv::Mat labels, stats, centroids;
    int n = cv::connectedComponentsWithStats(paper, labels, stats, centroids, 8, CV_32S);
    for (int i = 1; i < n; ++i) {
        if (stats.at<int>(i, cv::CC_STAT_AREA) < kMinArea) continue;
        const cv::Rect box = componentBox(stats, i);
        const bool large = std::min(box.width, box.height) >= largeCorner;
        judgePatch(luma, paper, labels, i, box, maxDepth, large ? gap : 0, false, out);
    }
    // Torn print edges: long strips in pieces, a little inside the image border.
    n = joinedStrips(paper, maxDepth, labels, stats);
    for (int i = 1; i < n; ++i)
        judgePatch(luma, paper, labels, i, componentBox(stats, i), maxDepth, gap, true, out);
    return out;
}

}  // namespace pm::ops::damage
