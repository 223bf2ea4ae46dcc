#pragma once
// Coherence of a fill: which known patches the search may copy cheaply. A large hole should be
// filled from the surface around it (the wall, the sky, the tank), not with a collage of whatever
// object elsewhere in the photo happened to match a patch of the blurry first guess (an engine's
// fins stacked on a motorcycle, a gable and cobblestones pasted into the sky beside a roof). Each
// match of a target patch (near one connected part of the hole) to a source patch gets an extra
// cost, in the units of the patch distance, that the search adds to it:
// - colour: the source's (blurred) colour is rare or absent in the ring of known pixels around
//   that part of the hole, i.e. it belongs to a surface that does not touch it;
// - distance: the source lies farther from the target than a few radii of that part.
// (Reusing one source many times is priced separately: em_level_threads.h, setReuseCost.)
#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/core.hpp>

namespace pm::ops {

struct CoherenceParams {
    bool enabled = true;
    /// Extra mean error (8-bit levels per patch element) of a source whose colour the ring around
    /// the hole's part does not hold at all; colours holding at least `ringShare` of the ring cost
    /// nothing, rarer ones in between.
    double colourLevels = 8.0;
    double ringShare = 0.03;
    /// Shares seen from each target (0 = off: the whole ring's colour shares for every target of
    /// a part). Every ring pixel weighs 1 / (1 + d^2) at distance d from the target, about how
    /// much of the target's view of the hole's outline it takes up (the harmonic measure a
    /// diffusion from the ring gives it). A surface that touches the hole along a short stretch (a
    /// roof below a sky hole) is then cheap only near that stretch: it cannot grow a turret across
    /// the hole. What holds at least `localShare` of a target's view costs nothing, rarer up to
    /// regionLevels (colourLevels without regions).
    double localShare = 0.5;
    /// The shares are of regions (0 = of colour bins, which measured nothing: a pale turret shares
    /// its colours with the clouds and the roof on the ring): parts of the known image that no
    /// edge stronger than this crosses (Canny's low threshold on 8-bit grey, found on a finer level
    /// than the priced ones), texture folded into the nearest large part. A source patch pays for
    /// each region it holds by its share of the patch, so a sky patch holding the roof's edge pays
    /// for that piece of roof. Wide holes only (exemplar_fill.cpp).
    double regionEdge = 50.0;
    /// Extra mean error of a source patch wholly in a region the target does not see (the colour
    /// cost still applies; the larger of the two counts). 60 still let home's turret grow.
    double regionLevels = 100.0;
    /// With regions: only parts of the hole whose ring is at least this share one region (a sky,
    /// a wall), the regions here parted by colour edges too (knownRegions' byColour). Without
    /// the gate (fill14e) building.jpg's facade hole, whose ring is many panels, got a blob of the
    /// one large region there, the tree, and scenetext06's shop front the sign's letters (looked
    /// at, 100 %). Without the colour edges coffee's table, red saucer and cup body were one
    /// region of 61-64 % of the ring, and the cup's black rim was carried across its large hole.
    double dominantShare = 0.6;
    /// The ring: known pixels within this many radii of the part (at least a patch wide).
    double ringRadii = 0.75;
    /// Extra mean error of a source one near-distance beyond the near zone (linear in distance):
    /// sources within `nearRadii` radii of the target cost nothing.
    double distanceLevels = 4.0;
    double nearRadii = 3.0;
    /// Extra mean error per use of a source neighbourhood beyond `freeUses` copies of it in the
    /// current fill (em_level_threads.h, setReuseCost): no object stamped over a hole several times.
    double reuseLevels = 8.0;
    double freeUses = 1.2;
};

/// The coherence cost of one pyramid level; empty() = none.
struct SourcePrior {
    cv::Mat bin;    ///< CV_16UC1: colour bin of the patch centred at each pixel
    cv::Mat group;  ///< CV_16UC1: the hole part nearest each pixel (0 .. groups-1)
    int bins = 0;
    std::vector<int> binCost;     ///< [group * bins + bin]
    std::vector<float> near;      ///< per group: distance (px) that costs nothing
    std::vector<double> perNear;  ///< per group: cost of each further near-distance
    /// Local colour costs (CoherenceParams::localShare): `slot` (CV_32SC1 over `slotBox`) gives a
    /// target's row of `localCost`, -1 = none; `column[bin]` its column (-1: a colour no ring pixel
    /// near enough in colour holds, which costs `absentCost`).
    cv::Mat region;   ///< CV_32SC1 or empty: region of each known pixel (regionEdge)
    int regions = 0;
    cv::Mat slot;
    cv::Rect slotBox;
    std::vector<int> column;
    std::vector<int> localCost;
    int columns = 0;
    int absentCost = 0;
    /// With regions: per pixel, its patch's share (0..255) of each ring region (`classes` - 1 of
    /// them) and of all others (the last); a match costs the shares' mean of the target's costs.
    std::vector<uchar> fraction;
    int classes = 0;

    bool empty() const { return bin.empty(); }
    int cost(cv::Point target, cv::Point source) const {
        const int g = group.at<ushort>(target);
        const size_t gi = static_cast<size_t>(g);
        int colour = -1;
        if (!slot.empty() && slotBox.contains(target)) {
            const int row = slot.at<int>(target - slotBox.tl());
            if (row >= 0 && classes > 0) {
                const uchar* f = fraction.data() +
                                 (static_cast<size_t>(source.y) * static_cast<size_t>(bin.cols) +
                                  static_cast<size_t>(source.x)) *
                                     static_cast<size_t>(classes);
                const int* c =
                    localCost.data() + static_cast<size_t>(row) * static_cast<size_t>(classes);
                double sum = 0.0;
                for (int k = 0; k < classes; ++k) sum += f[k] * static_cast<double>(c[k]);
                colour = std::max(static_cast<int>(sum / 255.0),
                                  binCost[gi * static_cast<size_t>(bins) + bin.at<ushort>(source)]);
            } else if (row >= 0) {
                const int key = region.empty() ? bin.at<ushort>(source) : region.at<int>(source);
                const int c = column[static_cast<size_t>(key)];
                colour = c < 0 ? absentCost
                               : localCost[static_cast<size_t>(row) * static_cast<size_t>(columns) +
                                           static_cast<size_t>(c)];
                if (!region.empty())
                    colour = std::max(
                        colour, binCost[gi * static_cast<size_t>(bins) + bin.at<ushort>(source)]);
            }
        }
        if (colour < 0) colour = binCost[gi * static_cast<size_t>(bins) + bin.at<ushort>(source)];
        const float dx = static_cast<float>(source.x - target.x),
                    dy = static_cast<float>(source.y - target.y);
        const float beyond = std::sqrt(dx * dx + dy * dy) - near[gi];
        const double far = beyond > 0.0f ? perNear[gi] * beyond / near[gi] : 0.0;
        return colour + static_cast<int>(std::min(far, 1.0e8));
    }
};

/// The prior of a level: `guide` 8-bit, the first three channels (or the first) colour; `hole`
/// CV_8UC1, non-zero = unknown; patches of side 2 patchRadius + 1 over all guide channels.
/// `regions`: CV_32SC1 labels of the known image's regions from knownRegions, at any size (a
/// finer level's: a coarse level's edges leak), or empty; used with params.regionEdge.
/// `surfaces`: the same parted by colour edges too (byColour), for the one-surface test
/// (dominantShare); empty = found here.
SourcePrior makeSourcePrior(const cv::Mat& guide, const cv::Mat& hole, int patchRadius,
                            const CoherenceParams& params, const cv::Mat& regions = cv::Mat(),
                            const cv::Mat& surfaces = cv::Mat());

/// Regions of the known pixels of `colour` (8-bit, 1 or 3 channels): parts that no edge
/// stronger than `edge` crosses, of at least 4 patches of side 2 patchRadius + 1; edge pixels and
/// smaller parts (texture) belong to the nearest such part. CV_32SC1, hole pixels 0, regions 1..
/// `byColour`: edges of Lab's two colour planes part regions too (3-channel colour only).
cv::Mat knownRegions(const cv::Mat& colour, const cv::Mat& hole, int patchRadius, double edge,
                     bool byColour = false);

}  // namespace pm::ops
