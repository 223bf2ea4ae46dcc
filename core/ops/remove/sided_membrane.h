#pragma once
// The membrane per side of an edge that runs through a hole. The plain membrane (harmonic_fill.h)
// averages the whole ring: where a green strap's edge crosses a hole against black, it fills both
// sides with a green-black blend, and the diffusion mix (diffusion_mix.h) spreads that as a green
// haze over the black the patches had continued cleanly (ela_original, bench/quality/
// STRUCTURE_FILL.md, fill14j). When the ring round the hole is two surfaces of clearly different
// colour meeting in one edge through it (a strap, a horizon), each gets its own membrane, held by
// its part of the ring; every hole pixel takes the side most of the ring it sees is on, and near
// the middle, where the edge may run, the side the patches put it on. When the edge's two ends
// are one straight line, the line itself says the side everywhere (the patches bend it); when the
// edge pieces entering the hole from two sides are one circle (a rim, an outline), the arc does.
// A ring of many colours (an object's busy surroundings) is left to the plain membrane.
#include <opencv2/core.hpp>

namespace pm::ops {

struct SidedMembraneParams {
    /// The two sides' mean colours must differ by at least this (8-bit levels, any channel) ...
    double minContrast = 40.0;
    /// ... and each side's pixels lie within this share of that difference of their mean (RMS):
    /// two surfaces, not a spread of colours split in two.
    double maxSpread = 0.25;
    /// ... and at most this many levels (RMS, colour distance): an orange beside green and dark
    /// leaves is three surfaces, not two (orange.jpg's stroke: 25.96 -> 23.95 dB split in two).
    double maxSpreadLevels = 20.0;
    /// The smaller side holds at least this share of the ring.
    double minShare = 0.1;
    /// Width (px) of the ring of known pixels round the hole read for the two sides.
    int ringPixels = 3;
    /// The sides must meet in one edge through the hole: where they meet in the known band this
    /// wide (px) round it, two lines whose directions differ by at most maxAngle degrees, each
    /// passing within maxOffset of their distance of the other's middle. A round outline (a ball
    /// meeting the hole twice), a corner or a ragged edge keep the plain membrane: there the patches
    /// guess which side a pixel is on, and the plain membrane's blend is the safer guess
    /// (stuff.jpg's object: 21.36 -> 18.70 dB with every two-colour ring split).
    int edgeReach = 12;
    double maxAngle = 20.0;
    double maxOffset = 0.15;
    /// The patches' colour is compared with each side's membrane after a Gaussian of this sigma
    /// (px): the side is a surface, not the grain on it.
    double sigma = 2.0;
    /// Where a pixel sees more than 0.5 + patchBand of the ring on one side (its harmonic
    /// measure), it takes that side; only between, where the edge may run, do the patches choose:
    /// the patches also carry one side's surface on into the other's (a ball's white spread into
    /// the wall beside it, a tree over a facade), and there they are wrong.
    double patchBand = 0.25;
    /// A pixel whose patches are farther than this (8-bit levels, any channel) from both sides'
    /// membranes belongs to neither side (something copied, a turret or a tree): it keeps the plain
    /// membrane.
    double maxDistance = 40.0;
    /// When the two meeting lines are one straight line (the RMS distance of their pixels from one
    /// line fitted to both at most this, px), the edge runs straight through the hole: every hole
    /// pixel takes the side of that line it lies on, not the side the patches put it on (they bend
    /// the edge where their pieces meet: a wavy horizon, issue 14). 0: the patches choose, as above.
    double maxLineResidual = 1.5;
    /// Across the straight line the two membranes are blended over this many px (an edge's blur).
    double lineWidth = 2.0;
    /// Beside a straight line the patches' own misplaced edge would stay as a ghost in the detail
    /// the mix keeps (a thin light line and a dark shadow where they bent the edge). Where the
    /// patches (after `sigma`) are more than this share of the way to the other side's colour, and
    /// haloPixels round that, the fill becomes its side's membrane plus the patches' detail above
    /// a Gaussian of detailSigma, clipped to grainClip times the side's grain on the ring (RMS).
    /// (0.25 left a soft dark arc of 4-5 levels where the 12 MP horizon's patches had bent it;
    /// 0.1 makes it fainter, ela_original's lines 26.71 -> 26.79 dB, nothing else moved.)
    double misplacedShare = 0.1;
    int haloPixels = 4;
    double detailSigma = 1.5;
    double grainClip = 1.5;
    /// A curved edge (sidesOfArc): the edge pieces entering the hole from two sides (Canny in the
    /// known band arcReach px round it, each piece at least 2/3 of the band long and reaching within
    /// arcEntry px of the hole) fit one circle with an RMS distance of at most maxLineResidual, do
    /// not fit one straight line as well, and the circle's radius is at least minArcRadius times
    /// the hole's extent (its box's longer side): an outline that curves gently across the hole,
    /// not a ball or a blob whose far side the hole hides. 0: no arcs.
    double minArcRadius = 0.75;
    int arcEntry = 3;
    /// The band read for the arc's pieces (px): longer pieces than edgeReach's say the curvature
    /// better (at 12 MP a disc's rim from 10 px pieces was 8 px off its circle mid-hole).
    int arcReach = 24;
    /// At most this many edge pieces may enter the hole: more is a texture, no one edge.
    int maxArcPieces = 8;
};

/// The two sides of a hole's ring and their membranes (empty where the ring is not two surfaces
/// meeting in one edge through the hole).
struct Sides {
    cv::Mat membranes[2];  ///< each side's membrane, held by its part of the ring only
    cv::Mat measure;       ///< CV_8UC1: the share of the ring (x 255) a pixel sees on side 1
    /// The straight edge through the hole, when its two ends are one line: a x + b y + c is the
    /// signed distance (px, in the box's coordinates) from it, positive on side 1. All zero when
    /// the edge is not straight.
    cv::Vec3d line{0.0, 0.0, 0.0};
    double grain[2] = {0.0, 0.0};  ///< each side's RMS colour spread on the ring (8-bit levels)
    /// The curved edge through the hole (sidesOfArc): centre x, centre y, radius (px, the box's
    /// coordinates); side 1 is inside the circle. Radius 0: none.
    cv::Vec3d circle{0.0, 0.0, 0.0};
    bool found() const { return !measure.empty(); }
    bool straight() const { return line[0] != 0.0 || line[1] != 0.0; }
    bool curved() const { return circle[2] > 0.0; }
    /// The edge's place is known (a line or an arc): each pixel's side is where it lies.
    bool onEdge() const { return straight() || curved(); }
    /// Signed distance (px) of (x, y) from the edge, positive on side 1 (onEdge() only).
    double distance(double x, double y) const;
};

/// `colour`: 8-bit, 1-3 channels, the hole's box with a margin of at least ringPixels, its hole
/// pixels unknown; `hole`: CV_8UC1 of the same size. Needs no fill: it runs beside the patches.
Sides findSides(const cv::Mat& colour, const cv::Mat& hole, const SidedMembraneParams& params = {});

/// The sides of a straight line drawn through the hole (line_continuation.h), a x + b y + c = 0 in
/// the box's coordinates: the ring split by the line, when its two halves differ by minContrast
/// (a step edge, not a thin line on one surface). Empty otherwise.
Sides sidesOfLine(const cv::Mat& colour, const cv::Mat& hole, const cv::Vec3d& line,
                  const SidedMembraneParams& params = {});

/// The circle a smooth curved edge through the hole lies on (a fish's outline, a plate's rim):
/// the edge pieces entering the hole from two sides fit one circle (see minArcRadius). Centre x,
/// centre y, radius in the box's coordinates; radius 0 when there is none, or the edge is
/// straight. The box needs a margin of arcReach + 1 round the hole.
cv::Vec3d findArc(const cv::Mat& colour, const cv::Mat& hole, const SidedMembraneParams& params = {});

/// The sides of `circle` (findArc's, in this box's coordinates): the ring split by it, when its
/// two halves differ by minContrast and each is one colour. Empty otherwise.
Sides sidesOfArc(const cv::Mat& colour, const cv::Mat& hole, const cv::Vec3d& circle,
                 const SidedMembraneParams& params = {});
/// Both in one box (with findArc's margin).
Sides sidesOfArc(const cv::Mat& colour, const cv::Mat& hole, const SidedMembraneParams& params = {});

/// `patches`: the patches' fill of the same box (8-bit, colour's type); `plain`: the plain
/// membrane of the box. Returns the membrane per side, or `plain` itself where none were found.
cv::Mat sidedMembrane(const Sides& sides, const cv::Mat& hole, const cv::Mat& patches,
                      const cv::Mat& plain, const SidedMembraneParams& params = {});

/// Where the edge's place is known (`sides.onEdge()`: a line or an arc): the hole pixels of `fill` (CV_8U or CV_16U,
/// the box's photo filled by the patches, 1-4 channels; alpha is left alone) where the patches put
/// the other side's surface, and a halo round them, become `membrane` (sidedMembrane's result)
/// plus the patches' fine grain. Elsewhere, or for a bent edge, `fill` is unchanged.
void keepStraightSides(const Sides& sides, const cv::Mat& hole, const cv::Mat& membrane,
                       cv::Mat& fill, const SidedMembraneParams& params = {});

}  // namespace pm::ops
