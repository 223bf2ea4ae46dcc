#include "core/ops/remove/source_cost.h"

#include <algorithm>
#include <cmath>
#include <map>

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

// A colour bin's neighbours: the bins within one bin in every channel, itself included.
std::vector<int> neighbourBins(int colourBin, int colours) {
    const int dims = colours == 1 ? 1 : 3;
    const int i = dims == 1 ? 0 : colourBin / (kBins * kBins),
              j = dims == 1 ? 0 : colourBin / kBins % kBins, k = colourBin % kBins;
    std::vector<int> out;
    for (int di = dims == 1 ? 0 : -1; di <= (dims == 1 ? 0 : 1); ++di)
        for (int dj = dims == 1 ? 0 : -1; dj <= (dims == 1 ? 0 : 1); ++dj)
            for (int dk = -1; dk <= 1; ++dk) {
                const int a = i + di, c = j + dj, e = k + dk;
                if (a < 0 || c < 0 || e < 0 || a >= kBins || c >= kBins || e >= kBins) continue;
                const int n = (a * kBins + c) * kBins + e;
                out.push_back(n);
            }
    return out;
}

// The largest share among a bin and its neighbours: a colour at a bin's edge counts as the
// surface it borders.
std::vector<double> spreadShares(const std::vector<double>& counts, int colours) {
    std::vector<double> shares(counts.size(), 0.0);
    for (size_t b = 0; b < counts.size(); ++b) {
        double best = 0.0;
        for (int n : neighbourBins(static_cast<int>(b), colours))
            best = std::max(best, counts[static_cast<size_t>(n)]);
        shares[b] = best;
    }
    return shares;
}

struct RingPixel {
    float x, y;
    int key;  ///< colour bin, or region with CoherenceParams::regionEdge
    int group;
    int surface;  ///< region parted by colour edges too (knownRegions' byColour), or key
};

}  // namespace

cv::Mat knownRegions(const cv::Mat& colourIn, const cv::Mat& hole, int patchRadius, double edge,
                     bool byColour) {
    cv::Mat labels;
    cv::Mat colour = colourIn;
    if (colour.channels() == 4 || colour.channels() == 2) {
        std::vector<cv::Mat> planes;
        cv::split(colour, planes);
        planes.resize(colour.channels() == 4 ? 3 : 1);
        cv::merge(planes, colour);
    }
    cv::Mat grey;
    if (colour.channels() == 3)
        cv::cvtColor(colour, grey, cv::COLOR_BGR2GRAY);
    else
        grey = colour;
    // (Edges of every colour channel, tried: home's sky kept clean, but the motorcycle's tank
    // lost half its red, 1234 -> 435 pixels.)
    cv::Mat edges;
    cv::Canny(grey, edges, edge, 2 * edge, 3, true);
    if (byColour && colour.channels() == 3) {
        // Lab's two colour planes: a red saucer on a brown table of the same brightness. (The
        // B, G and R planes part shading too: leuvenA's sky and scenetext03's wall fell apart.)
        cv::Mat lab;
        cv::cvtColor(colour, lab, cv::COLOR_BGR2Lab);
        std::vector<cv::Mat> planes;
        cv::split(lab, planes);
        for (size_t i = 1; i < planes.size(); ++i) {
            cv::Mat more;
            cv::Canny(planes[i], more, edge, 2 * edge, 3, true);
            edges |= more;
        }
    }
    const cv::Mat free = (hole == 0) & (edges == 0);
    cv::Mat parts, stats, centroids;
    const int n = cv::connectedComponentsWithStats(free, parts, stats, centroids, 4, CV_32S);
    const int side = 2 * patchRadius + 1, minArea = 4 * side * side;
    std::vector<int> relabel(static_cast<size_t>(n), 0);
    int regions = 1;
    for (int i = 1; i < n; ++i)
        if (stats.at<int>(i, cv::CC_STAT_AREA) >= minArea)
            relabel[static_cast<size_t>(i)] = regions++;
    cv::Mat big(parts.size(), CV_8UC1);
    for (int y = 0; y < parts.rows; ++y)
        for (int x = 0; x < parts.cols; ++x) {
            int& p = parts.at<int>(y, x);
            p = relabel[static_cast<size_t>(p)];
            big.at<uchar>(y, x) = p > 0 ? 0 : 255;
        }
    if (regions == 1) return cv::Mat(hole.size(), CV_32SC1, cv::Scalar(0));
    cv::Mat distance, nearest;
    cv::distanceTransform(big, distance, nearest, cv::DIST_L2, cv::DIST_MASK_3,
                          cv::DIST_LABEL_PIXEL);
    // DIST_LABEL_PIXEL numbers the zero pixels (the regions' pixels) in raster order.
    std::vector<int> regionOfLabel(1, 0);
    for (int y = 0; y < parts.rows; ++y)
        for (int x = 0; x < parts.cols; ++x)
            if (!big.at<uchar>(y, x)) regionOfLabel.push_back(parts.at<int>(y, x));
    labels.create(hole.size(), CV_32SC1);
    for (int y = 0; y < parts.rows; ++y)
        for (int x = 0; x < parts.cols; ++x)
            labels.at<int>(y, x) =
                hole.at<uchar>(y, x)
                    ? 0
                    : regionOfLabel[static_cast<size_t>(nearest.at<int>(y, x))];
    return labels;
}

namespace {

// CoherenceParams::localShare: each target's colour shares over the ring of its part, every ring
// pixel weighted by 1 / (1 + d^2), as the eye at the target sees the outline (a diffusion from
// the ring, the harmonic measure, weighs a stretch of it about so). `nearHole`: distance of each
// pixel of `roi` to the nearest hole pixel.
void addLocalCosts(SourcePrior& prior, const std::vector<RingPixel>& ring,
                   const cv::Mat& nearHole, const cv::Rect& roi, int patchRadius, int colours,
                   double colourCost, double localShare, double dominantShare) {
    // With regions, only parts whose ring is mostly one region (a sky, a wall) are priced: on a
    // ring of many regions (a facade's panels, a shop front) every one holds a small share, and
    // the one large region (a tree, a sign) took the whole hole. The regions counted here are
    // parted by colour edges too: grey edges made coffee's table, red saucer and cup body one
    // region of 61 % of the ring, which priced the cup's white inside as foreign and carried the
    // black rim under the cup's far side across the middle of the hole.
    std::vector<char> priced(64, 1);  // groups: at most 64 (makeSourcePrior)
    if (!prior.region.empty()) {
        std::map<std::pair<int, int>, int> count;
        std::map<int, int> total;
        for (const RingPixel& r : ring) {
            ++count[{r.group, r.surface}];
            ++total[r.group];
        }
        std::map<int, int> most;
        for (const auto& [key, n] : count) most[key.first] = std::max(most[key.first], n);
        for (const auto& [g, n] : total)
            if (g < static_cast<int>(priced.size()) && most[g] < dominantShare * n)
                priced[static_cast<size_t>(g)] = 0;
    }
    // The ring's colours, and every colour within one bin of one of them (a column each).
    const bool byRegion = !prior.region.empty();
    const int keys = byRegion ? prior.regions : prior.bins;
    std::vector<int> ringIndex(static_cast<size_t>(keys), -1);
    std::vector<int> ringBins;
    for (const RingPixel& r : ring)
        if (ringIndex[static_cast<size_t>(r.key)] < 0) {
            ringIndex[static_cast<size_t>(r.key)] = static_cast<int>(ringBins.size());
            ringBins.push_back(r.key);
        }
    const int kinds = static_cast<int>(ringBins.size());
    prior.column.assign(static_cast<size_t>(keys), -1);
    std::vector<std::vector<int>> neighbours;  // per column: ring colours within one bin
    for (int k = 0; k < kinds; ++k)
        for (int n : byRegion ? std::vector<int>{ringBins[static_cast<size_t>(k)]}
                              : neighbourBins(ringBins[static_cast<size_t>(k)], colours)) {
            if (prior.column[static_cast<size_t>(n)] < 0) {
                prior.column[static_cast<size_t>(n)] = static_cast<int>(neighbours.size());
                neighbours.emplace_back();
            }
            neighbours[static_cast<size_t>(prior.column[static_cast<size_t>(n)])].push_back(k);
        }
    prior.columns = static_cast<int>(neighbours.size());
    if (byRegion) {
        // Each source patch's share of every ring region (the last class: all other regions), so
        // a sky patch that holds the roof's edge pays for its piece of roof.
        const int classes = prior.columns + 1;
        cv::Mat cls(prior.region.size(), CV_8UC1);
        for (int y = 0; y < cls.rows; ++y)
            for (int x = 0; x < cls.cols; ++x) {
                const int c = prior.column[static_cast<size_t>(prior.region.at<int>(y, x))];
                cls.at<uchar>(y, x) = static_cast<uchar>(c < 0 ? classes - 1 : c);
            }
        const int side = 2 * patchRadius + 1;
        prior.fraction.assign(static_cast<size_t>(cls.total()) * static_cast<size_t>(classes), 0);
        for (int c = 0; c < classes; ++c) {
            cv::Mat f = cls == c, share;
            cv::blur(f, share, cv::Size(side, side));
            for (int y = 0; y < cls.rows; ++y)
                for (int x = 0; x < cls.cols; ++x)
                    prior.fraction[(static_cast<size_t>(y) * static_cast<size_t>(cls.cols) +
                                    static_cast<size_t>(x)) *
                                       static_cast<size_t>(classes) +
                                   static_cast<size_t>(c)] = share.at<uchar>(y, x);
        }
        prior.classes = classes;
    }
    prior.absentCost = static_cast<int>(colourCost);
    // Targets: centres of patches that reach the hole.
    std::vector<cv::Point> targets;
    for (int y = 0; y < nearHole.rows; ++y) {
        const float* d = nearHole.ptr<float>(y);
        for (int x = 0; x < nearHole.cols; ++x)
            if (d[x] <= static_cast<float>(patchRadius) + 1.0f &&
                priced[prior.group.at<ushort>(roi.y + y, roi.x + x)])
                targets.emplace_back(roi.x + x, roi.y + y);
    }
    if (targets.empty()) return;
    std::vector<cv::Point> corners(targets);
    prior.slotBox = cv::boundingRect(corners);
    prior.slot = cv::Mat(prior.slotBox.size(), CV_32SC1, cv::Scalar(-1));
    for (size_t t = 0; t < targets.size(); ++t)
        prior.slot.at<int>(targets[t] - prior.slotBox.tl()) = static_cast<int>(t);
    // Bounded work on huge rings: every stride-th ring pixel (the same ones on every run).
    const double work = static_cast<double>(targets.size()) * static_cast<double>(ring.size());
    const size_t stride = static_cast<size_t>(std::max(1.0, std::ceil(work / 2.0e7)));
    const int stride2 = prior.columns + (byRegion ? 1 : 0);
    prior.localCost.assign(targets.size() * static_cast<size_t>(stride2), 0);
    cv::parallel_for_(cv::Range(0, static_cast<int>(targets.size())), [&](const cv::Range& r) {
        std::vector<double> share(static_cast<size_t>(kinds));
        for (int t = r.start; t < r.end; ++t) {
            const cv::Point p = targets[static_cast<size_t>(t)];
            const int g = prior.group.at<ushort>(p);
            std::fill(share.begin(), share.end(), 0.0);
            double total = 0.0;
            for (size_t i = 0; i < ring.size(); i += stride) {
                const RingPixel& q = ring[i];
                if (q.group != g) continue;
                const float dx = q.x - static_cast<float>(p.x), dy = q.y - static_cast<float>(p.y);
                const double w = 1.0 / (1.0 + dx * dx + dy * dy);
                share[static_cast<size_t>(ringIndex[static_cast<size_t>(q.key)])] += w;
                total += w;
            }
            int* out = prior.localCost.data() + static_cast<size_t>(t) * stride2;
            if (byRegion) out[prior.columns] = prior.absentCost;
            for (int c = 0; c < prior.columns; ++c) {
                double best = 0.0;
                for (int k : neighbours[static_cast<size_t>(c)])
                    best = std::max(best, share[static_cast<size_t>(k)]);
                best = total > 0 ? best / total : 1.0;
                out[c] = static_cast<int>(colourCost *
                                          std::clamp(1.0 - best / localShare, 0.0, 1.0));
            }
        }
    });
}

}  // namespace

SourcePrior makeSourcePrior(const cv::Mat& guide, const cv::Mat& hole, int patchRadius,
                            const CoherenceParams& params, const cv::Mat& regions,
                            const cv::Mat& surfaces) {
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
    cv::Mat surface;  // regions parted by colour edges too, for the one-surface test
    if (params.regionEdge > 0) {
        if (regions.empty())
            prior.region = knownRegions(colour, hole, patchRadius, params.regionEdge);
        else
            cv::resize(regions, prior.region, hole.size(), 0, 0, cv::INTER_NEAREST);
        prior.region.setTo(0, hole);
        if (!prior.region.empty()) {
            if (surfaces.empty())
                surface = knownRegions(colour, hole, patchRadius, params.regionEdge, true);
            else
                cv::resize(surfaces, surface, hole.size(), 0, 0, cv::INTER_NEAREST);
        }
        double most = 0;
        cv::minMaxLoc(prior.region, nullptr, &most);
        prior.regions = static_cast<int>(most) + 1;
        if (prior.regions <= 1) {
            prior.region.release();
            surface.release();
        }
    }
    // A patch's colour is its mean: grain and thin detail do not make it another surface.
    if (colour.data == guide.data) colour = colour.clone();
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
    std::vector<RingPixel> ring;
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
            const int key = prior.region.empty() ? static_cast<int>(b[x])
                                                 : prior.region.at<int>(roi.y + y, roi.x + x);
            ring.push_back({static_cast<float>(roi.x + x), static_cast<float>(roi.y + y), key, g,
                            surface.empty() ? key : surface.at<int>(roi.y + y, roi.x + x)});
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
    if (params.localShare > 0 && !ring.empty())
        addLocalCosts(prior, ring, distance, roi, patchRadius, colours,
                      prior.region.empty()
                          ? colourCost
                          : elements * params.regionLevels * params.regionLevels,
                      params.localShare, params.dominantShare);
    return prior;
}

}  // namespace pm::ops
