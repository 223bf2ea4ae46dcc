#include "core/ops/remove/source_cost.h"

#include <algorithm>
#include <cmath>

#include <opencv2/core/utility.hpp>

#include <opencv2/imgproc.hpp>

namespace pm::ops {
namespace {

// Colours are compared in coarse bins (8 per channel, 32 levels wide): a surface's shading and
// grain stay within a bin or its neighbour, a distinct object's colour does not.
constexpr int kShift = 5;
constexpr int kBins = 256 >> kShift;

int binOf(const uchar* c, int colours) {
    if (colours == 1) return c[0] >> kShift;
    return ((c[0] >> kShift) * kBins + (c[1] >> kShift)) * kBins + (c[2] >> kShift);
}

// The largest share among a bin and its neighbours: a colour at a bin's edge counts as the
// surface it borders.
std::vector<double> spreadShares(const std::vector<double>& counts, int colours) {
    std::vector<double> shares(counts.size(), 0.0);
    const int side = kBins, dims = colours == 1 ? 1 : 3;
    for (size_t b = 0; b < counts.size(); ++b) {
        const int i = dims == 1 ? 0 : static_cast<int>(b) / (side * side);
        const int j = dims == 1 ? 0 : static_cast<int>(b) / side % side;
        const int k = static_cast<int>(b) % side;
        double best = 0.0;
        for (int di = dims == 1 ? 0 : -1; di <= (dims == 1 ? 0 : 1); ++di)
            for (int dj = dims == 1 ? 0 : -1; dj <= (dims == 1 ? 0 : 1); ++dj)
                for (int dk = -1; dk <= 1; ++dk) {
                    const int a = i + di, c = j + dj, e = k + dk;
                    if (a < 0 || c < 0 || e < 0 || a >= side || c >= side || e >= side) continue;
                    best = std::max(best, counts[static_cast<size_t>((a * side + c) * side + e)]);
                }
        shares[b] = best;
    }
    return shares;
}

}  // namespace

SourcePrior makeSourcePrior(const cv::Mat& guide, const cv::Mat& hole, int patchRadius,
                            const CoherenceParams& params) {
    CV_Assert(guide.depth() == CV_8U && hole.type() == CV_8UC1 && hole.size() == guide.size());
    SourcePrior prior;
    const int side = 2 * patchRadius + 1;
    const double elements = static_cast<double>(side * side * guide.channels());
    const int colours = guide.channels() >= 3 ? 3 : 1;
    cv::Mat colour;
    if (guide.channels() == colours) {
        colour = guide;
    } else {
        std::vector<cv::Mat> planes;
        cv::split(guide, planes);
        planes.resize(static_cast<size_t>(colours));
        cv::merge(planes, colour);
    }
    // A patch's colour is its mean: grain and thin detail do not make it another surface.
    cv::blur(colour, colour, cv::Size(side, side));
    prior.bins = colours == 1 ? kBins : kBins * kBins * kBins;
    prior.bin.create(hole.size(), CV_16UC1);
    cv::parallel_for_(cv::Range(0, hole.rows), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            const uchar* c = colour.ptr<uchar>(y);
            ushort* b = prior.bin.ptr<ushort>(y);
            for (int x = 0; x < hole.cols; ++x)
                b[x] = static_cast<ushort>(binOf(c + x * colours, colours));
        }
    });
    // Parts of the hole, each pixel's nearest part and distance to it, each part's radius: only
    // over the hole's box grown by the widest ring (targets and rings lie inside it); `group`
    // reads 0 elsewhere, where no target is.
    const cv::Rect bounds = cv::boundingRect(hole);
    if (bounds.area() == 0) return SourcePrior();
    cv::Mat inside;
    cv::distanceTransform(hole(bounds) != 0, inside, cv::DIST_L2, cv::DIST_MASK_3);
    double largest = 0;
    cv::minMaxLoc(inside, nullptr, &largest);
    const int reach = static_cast<int>(std::ceil(
        std::max(params.ringRadii * std::max(largest, static_cast<double>(side)),
                 static_cast<double>(side)) + 2 * patchRadius + 2));
    const cv::Rect roi = cv::Rect(bounds.x - reach, bounds.y - reach, bounds.width + 2 * reach,
                                  bounds.height + 2 * reach) &
                         cv::Rect(0, 0, hole.cols, hole.rows);
    const cv::Mat holeRoi = hole(roi);
    cv::Mat parts;
    int groups = cv::connectedComponents(holeRoi != 0, parts, 8, CV_32S) - 1;
    const int maxGroups = 64;  // more (a spray of specks) share one ring
    groups = std::min(groups, maxGroups);
    cv::Mat distance, nearest;
    cv::distanceTransform(holeRoi == 0, distance, nearest, cv::DIST_L2, cv::DIST_MASK_3,
                          cv::DIST_LABEL_PIXEL);
    cv::distanceTransform(holeRoi != 0, inside, cv::DIST_L2, cv::DIST_MASK_3);
    // DIST_LABEL_PIXEL labels each zero pixel; map those labels to the parts they lie in.
    double maxLabel = 0;
    cv::minMaxLoc(nearest, nullptr, &maxLabel);
    std::vector<int> partOfLabel(static_cast<size_t>(maxLabel) + 1, 0);
    std::vector<float> radius(static_cast<size_t>(groups), 1.0f);
    for (int y = 0; y < holeRoi.rows; ++y) {
        const uchar* h = holeRoi.ptr<uchar>(y);
        const int* p = parts.ptr<int>(y);
        const int* n = nearest.ptr<int>(y);
        const float* in = inside.ptr<float>(y);
        for (int x = 0; x < holeRoi.cols; ++x)
            if (h[x]) {
                const int g = std::min(p[x] - 1, maxGroups - 1);
                partOfLabel[static_cast<size_t>(n[x])] = g;
                radius[static_cast<size_t>(g)] = std::max(radius[static_cast<size_t>(g)], in[x]);
            }
    }
    prior.group = cv::Mat(hole.size(), CV_16UC1, cv::Scalar(0));
    // Each part's ring: known pixels nearest to it, beyond a patch radius (nearer ones read the
    // removed object in the blur) and within ringRadii of its radius.
    std::vector<double> counts(static_cast<size_t>(groups * prior.bins), 0.0);
    std::vector<int> totals(static_cast<size_t>(groups), 0);
    std::vector<float> ringWidth(static_cast<size_t>(groups));
    prior.near.resize(static_cast<size_t>(groups));
    prior.perNear.assign(static_cast<size_t>(groups),
                         elements * params.distanceLevels * params.distanceLevels);
    for (int g = 0; g < groups; ++g) {
        const float scale = std::max(radius[static_cast<size_t>(g)], static_cast<float>(side));
        ringWidth[static_cast<size_t>(g)] =
            std::max(static_cast<float>(params.ringRadii) * scale, static_cast<float>(side)) +
            static_cast<float>(patchRadius);
        prior.near[static_cast<size_t>(g)] = static_cast<float>(params.nearRadii) * scale;
    }
    for (int y = 0; y < holeRoi.rows; ++y) {
        const int* n = nearest.ptr<int>(y);
        const float* d = distance.ptr<float>(y);
        const ushort* b = prior.bin.ptr<ushort>(roi.y + y) + roi.x;
        ushort* out = prior.group.ptr<ushort>(roi.y + y) + roi.x;
        for (int x = 0; x < holeRoi.cols; ++x) {
            const int g = partOfLabel[static_cast<size_t>(n[x])];
            out[x] = static_cast<ushort>(g);
            const size_t gi = static_cast<size_t>(g);
            if (d[x] <= static_cast<float>(patchRadius) || d[x] > ringWidth[gi]) continue;
            counts[gi * static_cast<size_t>(prior.bins) + b[x]] += 1.0;
            ++totals[gi];
        }
    }
    const double colourCost = elements * params.colourLevels * params.colourLevels;
    prior.binCost.assign(counts.size(), 0);
    for (int g = 0; g < groups; ++g) {
        if (totals[static_cast<size_t>(g)] == 0) continue;  // no ring: any colour
        std::vector<double> share(counts.begin() + g * prior.bins,
                                  counts.begin() + (g + 1) * prior.bins);
        for (double& s : share) s /= totals[static_cast<size_t>(g)];
        share = spreadShares(share, colours);
        for (int b = 0; b < prior.bins; ++b)
            prior.binCost[static_cast<size_t>(g * prior.bins + b)] = static_cast<int>(
                colourCost *
                std::clamp(1.0 - share[static_cast<size_t>(b)] / std::max(params.ringShare, 1e-6),
                           0.0, 1.0));
    }
    return prior;
}

}  // namespace pm::ops
