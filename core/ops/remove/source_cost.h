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

    bool empty() const { return bin.empty(); }
    int cost(cv::Point target, cv::Point source) const {
        const int g = group.at<ushort>(target);
        const size_t gi = static_cast<size_t>(g);
        const float dx = static_cast<float>(source.x - target.x),
                    dy = static_cast<float>(source.y - target.y);
        const float beyond = std::sqrt(dx * dx + dy * dy) - near[gi];
        const double far = beyond > 0.0f ? perNear[gi] * beyond / near[gi] : 0.0;
        return binCost[gi * static_cast<size_t>(bins) + bin.at<ushort>(source)] +
               static_cast<int>(std::min(far, 1.0e8));
    }
};

/// The prior of a level: `guide` 8-bit, the first three channels (or the first) colour; `hole`
/// CV_8UC1, non-zero = unknown; patches of side 2 patchRadius + 1 over all guide channels.
SourcePrior makeSourcePrior(const cv::Mat& guide, const cv::Mat& hole, int patchRadius,
                            const CoherenceParams& params);

}  // namespace pm::ops
