#pragma once
// Built-in exemplar inpainting: multi-scale PatchMatch (Barnes et al. 2009) with the EM-style
// completion of Wexler et al. 2007. A nearest-neighbour field maps every patch that touches the
// hole to a fully known patch of the same image; propagation and random search improve it, weighted
// voting turns it into pixels, and a coarse-to-fine pyramid carries the structure down to full
// resolution. Narrow holes (scratches, brush strokes) lean on frequency-selective
// reconstruction (frequency_fill.h): see PatchMatchParams::narrowShare.
#include <cstdint>
#include <functional>

#include <opencv2/core.hpp>

#include "core/ops/remove/diffusion_mix.h"
#include "core/ops/remove/sided_membrane.h"
#include "core/ops/remove/line_continuation.h"
#include "core/ops/remove/source_cost.h"

namespace pm::ops {

struct PatchMatchParams {
    int patchSize = 7;          ///< odd, >= 3
    int coarseIterations = 12;  ///< EM iterations at the coarsest level, fewer at finer ones
    int fineIterations = 3;     ///< EM iterations at full resolution when the hole is small
    int searchSweeps = 2;       ///< propagation + random search sweeps per EM iteration
    /// Above this many patches that touch the hole, a level gets a single EM iteration and finer
    /// ones only the voting of the upsampled field: keeps a large hole on a 12 MP photo within a
    /// second.
    int workBudget = 60000;
    /// Weight of the texture feature (local gradient energy) next to colour in patch distances;
    /// 0 matches colour only, which drifts towards flat, blurry fills.
    double textureGain = 10.0;
    /// Spatial spread (pixels) of the final vote around each patch centre: lower keeps more detail;
    /// near 0 each pixel comes from the one patch centred on it, keeping the grain of smooth skies.
    double finalSpread = 0.01;
    /// Low frequencies (Gaussian sigma, pixels) taken from a diffusion fill; 0 = patches only.
    /// Lower values take more of the image from diffusion, which smears a dark object at the hole's
    /// edge into a sky as a blotch (6 did, on the quality bench's rocket, and scored lower).
    double diffusionBaseSigma = 12.0;
    /// Take only the diffusion's shading (the mean of its colour channels' low band), not its
    /// colour: diffused colour is the haze a red or pink border spreads into the hole.
    bool diffusionBaseGrey = true;
    /// Scale of the patches' detail above that low band (1 = as copied). Copied detail is right in
    /// kind but rarely in place, so past the eye's need it only adds error.
    double detailGain = 1.0;
    /// The same for narrow holes, above their FSR low band.
    double narrowDetailGain = 1.0;
    /// Wide holes: the patches' detail is scaled down (never up) so that the hole's RMS luma
    /// Laplacian is at most this times that of the known ring around it; 0 = off. A fill busier
    /// than its surroundings copied something that is not there (a turret and cloud edges in a
    /// sky, sharp fur between a cat's soft eyes).
    double ringDetailCap = 1.0;
    /// Wide holes: after the above, the membrane fill's share in all but the finest detail
    /// (diffusion_mix.h, harmonic_fill.h). Off (shares 0): objects 17.23 dB, below NS's 17.89.
    DiffusionMix diffusionMix;
    /// ... with a membrane per side where the ring round the hole is two surfaces (an edge through
    /// the hole), each pixel on the side the patches put it (sided_membrane.h). Off: the plain
    /// membrane smears the edge's two colours over both sides (ela_original's green haze).
    bool sidedMembrane = true;
    /// ... and, where the ring is not two flat surfaces but exactly one line was drawn across
    /// the hole (continueLines) with its two halves of the ring apart in colour, the two sides of
    /// that line (sidesOfLine): a straight edge between textured surfaces stays straight too.
    bool sidesOfLines = true;
    SidedMembraneParams sides;
    /// Where the patches' low band differs from the base's by more than this (8-bit levels, any
    /// channel), their detail fades and, where the base's colour is nearer to the ring round the
    /// hole than theirs, the base's colour replaces theirs, fully at twice it: they copied another
    /// object there (a turret into a sky, engine fins over a tank). 0 = off. The same for narrow
    /// holes' FSR base (narrowMismatchLevels, detail only).
    /// Off: with 20 objects scored 16.92 -> 17.13 dB (HF 0.91) and large holes 14.67 -> 14.76,
    /// but building.jpg's large hole got grey smudges over its facade and home.jpg's turret only
    /// a pale blur in place of its top (looked at, 100 %; STRUCTURE_FILL.md). Without the ring
    /// test it scored 17.23 but smeared a barrier's yellow into scenetext05's pavement.
    double mismatchLevels = 0.0;
    double narrowMismatchLevels = 0.0;
    /// Match the fill's level to its surroundings: the fill's error on a ring of known pixels
    /// around the hole, smoothed over `offsetSmoothing` pixels along the ring, is spread smoothly
    /// over the hole (smooth_offset.h), so no outline and no border haze show.
    bool smoothOffset = true;
    /// Draw straight lines that cross the hole through it before the patches fill the rest
    /// (line_continuation.h).
    bool continueLines = true;
    LineContinuation lines;
    /// Prefer sources on the surface around the hole and near it (source_cost.h).
    CoherenceParams coherence;
    double offsetSmoothing = 2.0;
    /// Narrow holes (scratches, strokes), where FSR replaces diffusion when OpenCV has xphoto: a
    /// hole with at least `narrowShare` of its pixels within `narrowReach` of a known pixel takes
    /// its low band (sigma `narrowBaseSigma`) from FSR; one with narrowShare + 0.08 of them within
    /// `thinReach` is filled by FSR alone.
    /// (narrowReach 14, was 10: brush strokes up to about 28 px wide after growth get the FSR low
    /// band too; +1.07 dB on the quality bench's strokes, STRUCTURE_FILL.md. narrowShare 0.75,
    /// was 0.9: strokes whose crossings are wider than that reach take it too, instead of the
    /// patches alone, which pasted a brick chimney into leuvenA's sky.)
    float narrowReach = 14.0f;
    /// The low band of narrow holes from xphoto's FSR_FAST (where OpenCV has xphoto) instead of
    /// the built-in frequency fill (frequency_fill.h): kept to compare them (quality_bench
    /// --xphoto-narrow). With narrowShare
    /// 0.75 and RemoveParams::thinRadius 12 the built-in one scored higher on the quality bench's
    /// strokes (20.27 dB against 19.96) and lines (20.05 against 19.34), in a fraction of the time.
    bool narrowBaseByXphoto = false;
    /// Deep inside a narrow hole the frequency fill extrapolates from far away, and where the hole
    /// straddles a boundary it mixes the two colours into a dark blob (astronaut's flag edge,
    /// scenetext06's pilaster, round 40-50 px holes that count as narrow with narrowShare 0.75).
    /// Pixels deeper than `narrowFullDepth` from a known pixel take the low band of the wide
    /// holes' fill instead, fully from `narrowFadeDepth` on; 0 = the narrow base everywhere.
    /// Only round holes, whose area is below `narrowRoundArea` times that of the disc of the
    /// hole's radius: brush strokes, long and thin but wide where they cross, scored lower with it
    /// (20.27 -> 20.00 dB on the quality bench) since the frequency fill is better at crossings.
    float narrowFullDepth = 5.0f;
    float narrowFadeDepth = 11.0f;
    double narrowRoundArea = 3.0;
    /// ... and only where the two fills' low bands (Gaussian sigma narrowApartSigma) differ by more
    /// than this many 8-bit levels, fully from twice it; 0 = wherever deep.
    double narrowApartLevels = 20.0;
    double narrowApartSigma = 4.0;
    float thinReach = 3.5f;
    double narrowShare = 0.75;
    double narrowBaseSigma = 1.2;
    /// Where the EM iterations of large levels run: CPU threads, or libtorch tensors on the GPU (the
    /// same tensor code on the CPU only for its tests). A GPU error leaves them to the threads.
    enum class Device { Threads, Gpu, TensorsOnCpu } device = Device::Threads;
    /// Levels with fewer patches that touch the hole stay on CPU threads: their kernel launches would
    /// cost more than the work.
    int deviceMinTargets = 16384;
    int bandPixels = 0;  ///< also synthesize known pixels this close to the hole (seam blending)
    uint64_t seed = 1;   ///< same seed, same input: same output, whatever the thread count
    bool profile = false;  ///< print the time of every stage to stderr
    std::function<void()> checkpoint;      ///< called between levels and iterations; may throw
    std::function<void(double)> progress;  ///< fraction 0..1 of this fill
};

/// Fills the non-zero pixels of `hole` (CV_8UC1, same size) in `image` (CV_8U or CV_16U, 1/3/4
/// channels; alpha is filled like colour). Returns an image of the same type whose hole pixels
/// (and, with bandPixels, known pixels near the hole) are synthesized; all other pixels are copied.
/// Needs some known pixels: a hole that leaves no whole known patch is filled by diffusion instead.
cv::Mat patchMatchInpaint(const cv::Mat& image, const cv::Mat& hole,
                          const PatchMatchParams& params = {});

}  // namespace pm::ops
