#pragma once
// One level of the PatchMatch pyramid on CPU threads: the nearest-neighbour field (NNF) from every patch that
// touches the hole to a fully known patch, and the operations that build, improve and vote with it.
// Internal to exemplar_fill.cpp; split out to keep both files short.
#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

#include "core/ops/remove/source_cost.h"

namespace pm::ops::patchmatch {

struct Level {
    cv::Mat guide;   ///< CV_8UC1 or CV_8UC3: known pixels plus the current estimate in the hole
    cv::Mat hole;    ///< CV_8UC1, non-zero = unknown
    int radius = 3;  ///< patches are (2 radius + 1)^2

    cv::Mat sourceOk;  ///< CV_8UC1: the patch centred here is inside and fully known
    cv::Mat target;    ///< CV_8UC1: the patch centred here is inside and near the hole
    cv::Rect box;      ///< bounding box of `target`
    int targetCount = 0;
    int sourceCount = 0;
    std::vector<cv::Point>
        sparseSources;           ///< all sources, only when they are too rare to draw blindly
    std::vector<cv::Point> nnf;  ///< per pixel of `box`: centre of the matched known patch
    std::vector<int> dist;       ///< per pixel of `box`: sum of squared differences to it
                                 ///< plus the match's sourceCost
    /// CV_32SC1 or empty: extra cost of copying the patch centred at each pixel (reuse), added to
    /// its distance by the CPU search, as is `prior`'s cost of each match (coherence).
    cv::Mat sourceCost;
    SourcePrior prior;

    size_t at(int x, int y) const {
        return static_cast<size_t>(y - box.y) * static_cast<size_t>(box.width) +
               static_cast<size_t>(x - box.x);
    }
};

/// A seed for one stripe, row or sweep of a search, from the search's seed: results depend on the
/// seed and the part, never on which thread ran it.
uint64_t mixSeed(uint64_t a, uint64_t b);

/// Fills sourceOk, target (patch centres within `reach` >= radius of a hole pixel), box and the
/// source bookkeeping; sizes the field to `box`.
void prepare(Level& level, int reach);
/// Random known patch for every target.
void randomField(Level& level, uint64_t seed);
/// Field of a finer level from its coarser one (offsets doubled), repaired where it points at a
/// patch that is not fully known at the finer scale.
void upsampleField(const Level& coarse, Level& fine, uint64_t seed);
/// level.sourceCost = base (empty: none) plus a cost for reusing a source: where the current field
/// copies one neighbourhood more than `freeUses` times over (the density of matched patch centres
/// around a source, 1 for a plain shifted copy), each further use costs a mean error of `levels`
/// per patch element. Stops one object being stamped over a hole several times.
void setReuseCost(Level& level, const cv::Mat& base, double levels, double freeUses);
/// Recomputes dist after the guide changed.
void updateDistances(Level& level);
/// Alternating propagation + random search sweeps (Barnes et al.), in parallel horizontal stripes.
void searchField(Level& level, int sweeps, int maxRadius, uint64_t seed);
/// Per-target vote weight exp(-mse / 2 sigma^2), sigma^2 = `scale` times the 75th percentile of the
/// patch errors.
cv::Mat voteWeights(const Level& level, double scale = 1.0);
/// For every non-zero pixel of outMask: the weighted mean (empty `weights`: every patch weighs 1)
/// over the target patches covering it of the pixel their match puts there, read from `source`
/// (same size as the level, CV_8U, CV_16U or CV_32F, 1 to 4 channels) and written to `out` (same
/// type). Sources are fully known patches, so `out` may be `source` when outMask covers only hole
/// pixels. `spread` > 0 also weights each patch by a Gaussian of the pixel's distance from its
/// centre: small values keep each patch's own pixels (sharp), large ones average all overlapping
/// patches (smooth).
void vote(const Level& level, const cv::Mat& weights, const cv::Mat& source, cv::Mat& out,
          const cv::Mat& outMask, double spread = 0.0);

}  // namespace pm::ops::patchmatch
