#pragma once
// A second synthetic damage painter, unlike damage_synth.h's (which the detector was tuned on): what
// real prints show. Branching cracks (a jagged trunk that splits, 1-5 px, tapering, in the paper's
// cream or grime's brown rather than pure white or black), 1 px hairlines across the whole print,
// and dust: specks of 1-2 px and irregular fibres. Truth masks are the visibly changed pixels, as in
// damage_synth.h, and scoreDamage() scores against them.
#include <cstdint>

#include <opencv2/core.hpp>

#include "bench/damage/damage_synth.h"

namespace pm::bench {

struct CrackOptions {
    int cracks = 3;     ///< branching cracks
    int hairlines = 3;  ///< 1 px lines
    int dust = 30;      ///< specks and fibres
};

/// Paints onto `bgr` (CV_8UC3); deterministic for a seed. scratches = cracks and hairlines, specks
/// = dust. Sizes scale with the image (a 4000 px scan gets proportionally longer, wider cracks).
SyntheticDamage paintCrackDamage(const cv::Mat& bgr, uint64_t seed, const CrackOptions& options = {});

}  // namespace pm::bench
