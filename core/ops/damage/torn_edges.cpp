#include "core/ops/damage/torn_edges.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

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
}  // namespace

cv::Mat findTornEdges(const cv::Mat& luma, const cv::Mat& paper) {
    const cv::Size size = luma.size();
    cv::Mat out = cv::Mat::zeros(size, CV_8UC1);
    const int maxDepth =
        std::max(kMinDepth, static_cast<int>(kMaxDepthShare * std::min(size.width, size.height)));
    if (std::min(size.width, size.height) < 4 * kMinDepth) return out;
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(paper, labels, stats, centroids, 8, CV_32S);
    for (int i = 1; i < n; ++i) {
        const cv::Rect box(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                           stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
        if (stats.at<int>(i, cv::CC_STAT_AREA) < kMinArea) continue;
        // A broken corner touches two sides; along one side alone a white patch at the border is
        // as often a flag's stripe, a lattice or a sky as a torn edge.
        const bool left = box.x == 0, top = box.y == 0, right = box.br().x == size.width,
                   bottom = box.br().y == size.height;
        if (!((left || right) && (top || bottom))) continue;
        // Quick reject: a box reaching deeper than the strip on every side it could belong to.
        const cv::Rect inner(maxDepth + 1, maxDepth + 1, size.width - 2 * maxDepth - 2,
                             size.height - 2 * maxDepth - 2);
        const cv::Rect roi = (box + cv::Size(2 * kInsideRing, 2 * kInsideRing) -
                              cv::Point(kInsideRing, kInsideRing)) &
                             cv::Rect({}, size);
        const cv::Mat patch = labels(roi) == i;
        bool tooDeep = false;
        if ((box & inner).area() > 0) {
            for (int y = 0; y < patch.rows && !tooDeep; ++y) {
                const uchar* p = patch.ptr<uchar>(y);
                for (int x = 0; x < patch.cols; ++x)
                    if (p[x] && depthOf(x + roi.x, y + roi.y, size) > maxDepth) {
                        tooDeep = true;
                        break;
                    }
            }
        }
        if (tooDeep) continue;
        // Paper against picture: the ring just inside the patch is much darker.
        cv::Mat grown;
        cv::dilate(patch, grown,
                   cv::getStructuringElement(cv::MORPH_ELLIPSE,
                                             {2 * kInsideRing + 1, 2 * kInsideRing + 1}));
        const cv::Mat ring = grown & ~patch & (paper(roi) == 0);
        if (cv::countNonZero(ring) == 0) continue;
        const double patchTone = cv::mean(luma(roi), patch)[0];
        const double ringTone = cv::mean(luma(roi), ring)[0];
        if (patchTone - ringTone < kMinStep) continue;
        cv::Mat whole = cv::Mat::zeros(size, CV_8UC1);
        patch.copyTo(whole(roi), patch);
        if (isIntactBorder(whole, box)) continue;
        out(roi).setTo(255, patch);
    }
    return out;
}

}  // namespace pm::ops::damage
