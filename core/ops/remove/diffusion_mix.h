#pragma once
// The expected-error compromise for the middle of a wide hole. Copied patches get the kind of
// detail right (grain, texture) but rarely its place: whatever structure they carry there (a
// turret, a second eye, a cornice) is one guess of many. A diffusion fill is another guess, smooth
// and free of foreign objects. Where both are guesses, their mean is nearer the truth than either
// (the quality bench's objects: patches 17.23 dB, NS 17.89, their mean 18.29), but the mean halves
// the grain, and a fill without grain looks smeared. So only the coarser part is mixed: the fill
// keeps its finest detail (above a Gaussian of sigma `fineSigma`, where the eye sees grain and
// sharpness) and takes `share` of the diffusion's difference below it, more where they are far
// apart.
#include <opencv2/core.hpp>

namespace pm::ops {

struct DiffusionMix {
    /// Share of the diffusion in the grey level (mean of the colour channels) below fineSigma.
    double share = 0.5;
    /// ... and in colour (each channel less that grey). Diffused colour is the haze a coloured
    /// border spreads into a hole; at half, StructureFill.NoHazeFromAColouredBorder still passes,
    /// and a quarter scored less (17.66 dB against 17.76, an earlier variant).
    double colourShare = 0.5;
    double fineSigma = 1.5;
    /// Where the two differ by more than this (8-bit levels, any channel, below fineSigma) the
    /// patches copied something the surroundings do not hold (a turret in a sky, a tree on a
    /// facade): there the diffusion's share rises to all of it, reached at twice this, so no
    /// ghost of the object stays at half strength. 0 = the shares everywhere (objects 17.94 dB
    /// against 18.13). It also takes all of the membrane across a straight edge the patches
    /// carried on, which the membrane smears (ela_original, bench/quality/STRUCTURE_FILL.md).
    double apartLevels = 20.0;
    bool enabled() const { return share > 0 || colourShare > 0; }
};

/// `fill`: CV_8U or CV_16U, 1-4 channels, the hole (`hole` CV_8UC1 non-zero) filled. `diffused`:
/// 8-bit, the same photo's diffusion fill at any smaller (or the same) size, with at least as many
/// colour channels as `fill` has up to 3 (alpha is left alone). Changes hole pixels only; the
/// difference is averaged over hole pixels only (normalised convolution), so the known pixels
/// round the hole add nothing.
void mixDiffusion(cv::Mat& fill, const cv::Mat& hole, const cv::Mat& diffused,
                  const DiffusionMix& mix);

}  // namespace pm::ops
