#include "core/ops/damage/detect_damage.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/ops/damage/damage_maps.h"
#include "core/ops/damage/detect_specks.h"
#include "core/ops/damage/picture_shapes.h"
#include "core/ops/damage/ridge_profile.h"
#include "core/ops/damage/torn_edges.h"
#include "core/ops/damage/face_guard.h"
#include "core/ops/damage/content_lines.h"
#include "core/ops/damage/working_scale.h"

namespace pm::ops {

namespace {

constexpr int kDensityWindow = 41;
constexpr float kWhiteTone = 130.0f;
constexpr float kPaperTone = 160.0f;  // the paper base of a torn edge is at least this light
// On a half-size scan scratched_a's torn left strip, a pixel wide at 1x, is half a pixel where it
// narrows (rows 216-260 at 1x), averaged with the dark scanner background beyond it: 110-142
// against 160 (torn_edges.h continueThinStrips).
constexpr float kBlendedPaperShare = 0.65f;
constexpr double kWhiteFraction = 0.97;
constexpr float kBlackTone = 60.0f;
constexpr double kBlackFraction = 0.05;
constexpr float kBlackMargin = 25.0f;
constexpr float kNeutralChroma = 20.0f;
// A black-and-white print: 99% of its pixels at most this colourful (max - min of B, G, R, grey
// levels). On colour photos the damage tone's colour test keeps the picture's dark lines out (a
// saucer's shadowed rim, the shadow under a cap's brim, a lattice's struts against the sky, the
// gaps of a fence); a black-and-white copy has none, and those lines were filled: grey copies of
// the clean photos 0.96% changed at 1x (8 of 14 at most 0.5%; kodim03 1.28%, rocket 3.93%,
// faded_c 1.39%). There a dark line counts only when darker than nearly all of the photo
// (kDeepDarkFraction), as grime in a crack is: 0.59% (kodim03 0.70%, rocket 0.90%, faded_c
// 0.22%); on the grey copies of the real scans this loses scratched_c's dark crack at half size
// (recall 0.72 -> 0.61) and little else (REAL_SCANS.md). A sepia print keeps its rules: its
// toning is colour, so this does not apply there.
constexpr double kGreyFraction = 0.99;
constexpr float kGreyChroma = 4.0f;
constexpr float kChromaShare = 0.6f;
constexpr float kCreaseScale = 1.0f;  // sigma of the finest ridge scale (ridge_profile.cpp)
// A small scan is looked at enlarged (working_scale.h), and the enlargement blurs: a crease a pixel
// or two wide on the scan often peaks at the next ridge scale (sigma 1.6) in the enlarged copy
// (scratched_c at half size, doubled: its crack's clean middle measures sigma 1.0 and 1.6 in turn;
// at 1x nearly all 1.0). There the toned-crease test (DamageTone) takes that scale as the finest.
// Only that test: the width rules of short lines, shifted as well, let a chrome spoon handle of
// coffee at half size in (0.05% -> 0.14% flagged).
constexpr float kEnlargedScaleShift = 0.6f;
// The surface round a thin ridge: the median of this window is not the ridge's own (paperBlend).
constexpr int kBlendSurroundWindow = 7;
// ...and a blend of paper and that surface is at least this many levels less colourful than it.
constexpr float kBlendDilution = 5.0f;
constexpr double kMaxLinesPerWindow = 2.0;
constexpr double kMaxLengthPerBox = 1.8;  // other candidate lines crossing a window: texture
// A network of damage-toned ridges at least this much made of accepted scratches is a crack pattern
// (networkZones). crack_synth.h's crossing cracks and hairlines on faded_c: 0.90-0.95 of theirs;
// picture networks on the clean photos and their grey copies reach 0.66 (faded_f grey, motorcycle
// at 1x), and later rules still drop those lines (nothing changed on the clean photos at 0.3).
constexpr double kCrackPatternShare = 0.75;
constexpr double kMaxAsymmetry = 0.8;     // surface step / contrast on a scratch
constexpr double kMinStrongShare = 0.25;
constexpr double kTrustedLengthFactor = 2.0;
// A line shorter than kTrustedLengthFactor x minLength whose mean ridge sigma (px) is above this is
// a blob, not a scratch (3-4 px wide and under ten times as long).
constexpr double kShortLineMaxScale = 1.3;
// Up to kMidLineFactor x minLength a line may be a little wider, but a faint streak 4-5 px wide
// (mean sigma 1.9-2.0: a light fold of cloud on kodim03, a gap of sky at faded_e's edge, both at
// half size, standing out 25-55 grey levels) is still picture. Real cracks of that length on the
// scans at 0.5-2x: mean sigma 1.0-1.54; a wide crack down to the paper (crack_synth.h's 4-5 px
// cracks: 108-161 levels) stands out far more, and a grime-filled one is darker than nearly all
// of the photo (kDeepDarkFraction).
constexpr double kMidLineFactor = 4.0;
constexpr double kMidLineMaxScale = 1.7;
constexpr double kWideCrackContrast = 100.0;
constexpr int kGrowPixels = 2;
constexpr int kJoin = 9;
constexpr float kEdgeSlope = 14.0f;    // grey levels per pixel: a picture edge
constexpr int kEdgeWindow = 41;
constexpr double kMaxEdgeShare = 0.3;   // a crack's own two flanks are about 10% of its window
constexpr double kFaceFeatureLength = 0.4;  // of the face width: longer than a brow or a mouth
constexpr double kFaceStrongShare = 0.6;
// Dark lines darker than nearly all of the photo (its 5th percentile) are dirt or grime-filled
// cracks far more often than picture detail, so they may stand out less and sit in busier texture.
constexpr double kDeepDarkFraction = 0.05;
constexpr float kDeepDarkContrastShare = 1.0f;
constexpr double kDeepDarkMaxLinesPerWindow = 2.0;
// Hysteresis along accepted scratches: ridge centres with the damage tone that stand out by this
// share of the strong level continue a scratch they touch, for up to this many pixels from it.
constexpr float kContinueContrastShare = 0.5f;
constexpr int kContinueSteps = 60;
// A thin crease or hairline hovers at the visible level (0.5 x the segment level: 12.5 grey levels
// on a smooth print): scratched_c's crease stands out 8-14 levels over its fainter half. Every scan
// not looked at in its own size is resampled first (halved when oversampled, doubled when small),
// which moves such a line by a level or two and breaks it into pieces too far apart to join
// (scratched_c at 2x: recall 0.71, its crease half found; at 0.5x it was dropped as a frame line,
// too little of it left inside). So, like Canny's low threshold, an accepted and continued scratch
// also continues through thin (finest-scale) damage-toned ridge centres with a one-surface profile
// that stand out this share of the segment level, where they touch it (no gap bridged): a wider
// faint ridge is shading, and bridging let it reach a bright patch below the crease.
constexpr float kTraceContrastShare = 0.3f;
// Ruler-straight long lines are masts, rigging, wires and building edges; scratches and cracks on a
// print wander. Straight: centre pixels within this many px of their best-fit line.
constexpr int kStraightMinLength = 100;
constexpr double kStraightDeviation = 1.2;
constexpr double kStraightShare = 0.8;
// The edge of the print (paper border, scanner lid shadow) runs along the image border: a line
// lying mostly this close to it is not damage to fill.
constexpr int kBorderMargin = 8;  // of the centre pixels: a stray branch does not save a mast

// Sensitivity moves only the bar a line or speck must clear, never how pixels group into lines and
// specks or how busy their surroundings count: then a higher sensitivity can only mark more.
constexpr double kSegmentSensitivity = 0.5;

struct Thresholds {
    float timesLevel;   // strong pixel: contrast above this many texture levels...
    float minContrast;  // ...and above this many grey levels
};

Thresholds thresholdsFor(double sensitivity) {
    const double s = std::clamp(sensitivity, 0.0, 1.0);
    return {static_cast<float>(5.0 - 4.0 * s), static_cast<float>(40.0 - 30.0 * s)};
}

// Share of the pixels in a window that lie on a picture edge (any tone step steeper than
// kEdgeSlope grey levels per pixel). Gravel, brick, lattices, spokes, foliage and fabric are busy
// with edges; the smooth surface a crack or a speck of dust stands out on is not. It does not
// depend on the sensitivity, so the sensitivity stays monotonic.
cv::Mat edgeShare(const cv::Mat& luma) {
    cv::Mat smooth, gx, gy, magnitude;
    cv::GaussianBlur(luma, smooth, {0, 0}, 1.0, 1.0, cv::BORDER_REPLICATE);
    cv::Sobel(smooth, gx, CV_32F, 1, 0, 3, 0.125, 0, cv::BORDER_REPLICATE);
    cv::Sobel(smooth, gy, CV_32F, 0, 1, 3, 0.125, 0, cv::BORDER_REPLICATE);
    cv::magnitude(gx, gy, magnitude);
    cv::Mat edges;
    cv::Mat(magnitude > kEdgeSlope).convertTo(edges, CV_32F, 1.0 / 255.0);
    cv::Mat share;
    cv::boxFilter(edges, share, CV_32F, {kEdgeWindow, kEdgeWindow}, {-1, -1}, true,
                  cv::BORDER_REFLECT);
    return share;
}

struct LineStats {
    int length = 0;  // centre pixels
    int strong = 0;
    int deepDark = 0;
    double contrast = 0, asymmetry = 0, density = 0, scale = 0, edges = 0;
};

// Emulsion scratched off shows the paper base: near the print's white and without its colour.
// Dirt, ink and cracks filled with grime are near its black. Natural lines (outlines, rigging,
// hair) carry the picture's own colours and mid tones.
struct DamageTone {
    float brightFloor;  // bright damage is at least this light...
    float darkCeiling;  // ...dark damage at most this dark...
    float chromaLimit;  // ...and both at most this colourful
    float deepDark;     // dark damage this dark may be fainter (kDeepDarkFraction)
    bool toned = false;  // a toned (or grey) print: its colour is the toning's (damage_maps.h)
    bool colourless = false;  // a black-and-white print (kGreyChroma)
    cv::Mat chroma;
    // On a toned print (sepia, selenium) the toning's colour says nothing: a bright crease or
    // crack carries it like everything else (scratched_c: chroma 23-27 on the crease, limit 20).
    // There a thin bright ridge (at the finest ridge scale: about 2 px wide, as a crease is) may
    // instead carry no colour beyond the toning (damage_maps.h). Not a dark one nor a wider one:
    // the dark blots and the light leaves of scratched_c's patterned backdrop would pass too.
    cv::Mat beyondToning;

    DamageTone(const cv::Mat& image, const cv::Mat& luma)
        : brightFloor(std::min(kWhiteTone, damage::percentile(luma, kWhiteFraction))),
          darkCeiling(
              std::max(kBlackTone, damage::percentile(luma, kBlackFraction) + kBlackMargin)),
          deepDark(damage::percentile(luma, kDeepDarkFraction)),
          chroma(damage::chroma(image)),
          beyondToning(damage::chromaBeyondToning(image, luma, &toned)) {
        chromaLimit = std::max(kNeutralChroma, kChromaShare * damage::percentile(chroma, 0.5));
        colourless = damage::percentile(chroma, kGreyFraction) <= kGreyChroma;
    }

    /// CV_8U mask: where a ridge of the given polarity, tone and scale (sigma) could be damage.
    cv::Mat matches(const cv::Mat& bright, const cv::Mat& tone, const cv::Mat& scale) const {
        const cv::Mat toneOk = (bright & (tone >= brightFloor)) | (~bright & (tone <= darkCeiling));
        const cv::Mat paperCrease =
            bright & (scale <= kCreaseScale) & (beyondToning <= kNeutralChroma);
        return toneOk & ((chroma <= chromaLimit) | paperCrease);
    }
    bool matches(bool bright, float tone, cv::Point at) const {
        return (bright ? tone >= brightFloor : tone <= darkCeiling) &&
               chroma.at<float>(at) <= chromaLimit;
    }
};

// A crack a pixel or two wide on a dark surface is, once scanned, a blend of the paper showing
// through it and that surface: its centre is dimmed by the scan's blur and carries part of the
// surface's colour. scratched_a's grey vertical branch on the dark curtain: tone 85-130 against the
// bright floor of 130, standing out 30-77 levels from a curtain of about 55, chroma 24-44 against a
// curtain of 47-52. On a toned print a thin bright ridge (finest judged scale) is paper too when it
// stands out at least half of the way from its surface to the print's white (tone + contrast >=
// the bright floor) and carries clearly less colour than the surface it lies on: paper dilutes the
// toning, while the picture's own highlights there are toned like the rest (sepia deepens from
// the shadows to the mid tones). Not on a colour photo, where a glint on a red saucer or a chrome
// rim is the same blend of white and the surface; nor on a grey print, which has no colour to
// dilute (kBlendDilution).
cv::Mat paperBlend(const damage::Ridges& ridges, const cv::Mat& judgedScale,
                   const DamageTone& tone) {
    if (!tone.toned) return cv::Mat::zeros(ridges.centre.size(), CV_8U);
    cv::Mat chroma8, surround8, surround;
    tone.chroma.convertTo(chroma8, CV_8U);
    cv::medianBlur(chroma8, surround8, kBlendSurroundWindow);
    surround8.convertTo(surround, CV_32F);
    return ridges.bright & (judgedScale <= kCreaseScale) &
           (ridges.tone + ridges.contrast >= tone.brightFloor) &
           (tone.chroma <= surround - kBlendDilution);
}

// A scratch breaks where it crosses picture edges or texture (the sides stop matching, the contrast
// dips). Like Canny's hysteresis: fainter damage-toned ridge centres continue an accepted scratch
// they touch (one pixel gaps bridged), for a bounded distance so texture cannot take over a photo.
// `unbridged` (optional): centres that continue a scratch only where they touch it, no gap bridged.
void continueScratches(const cv::Mat& faint, cv::Mat& centres,
                       const cv::Mat& unbridged = cv::Mat()) {
    cv::Mat allowed;
    cv::dilate(faint, allowed, cv::Mat());
    allowed |= centres;
    if (!unbridged.empty()) allowed |= unbridged;
    cv::Mat grown = centres.clone(), next;
    for (int i = 0; i < kContinueSteps; ++i) {
        cv::dilate(grown, next, cv::Mat());
        next &= allowed;
        if (cv::countNonZero(next != grown) == 0) break;
        std::swap(grown, next);
    }
    centres |= grown & faint;
    if (!unbridged.empty()) centres |= grown & unbridged;
}

// Share of `points` that lie outside `inner`.
double shareOutside(const std::vector<cv::Point2f>& points, const cv::Rect& inner) {
    const auto outside = std::count_if(points.begin(), points.end(),
                                       [&](const cv::Point2f& p) { return !inner.contains(p); });
    return points.empty() ? 0.0 : static_cast<double>(outside) / points.size();
}

// Centre pixels of `lines` grouped into lines (pieces up to kJoin px apart), as labels and points.
int groupLines(const cv::Mat& lines, cv::Mat& labels,
               std::vector<std::vector<cv::Point2f>>& points) {
    cv::Mat joined;
    cv::dilate(lines, joined, cv::getStructuringElement(cv::MORPH_ELLIPSE, {kJoin, kJoin}));
    const int n = cv::connectedComponents(joined, labels, 8, CV_32S);
    points.assign(n, {});
    for (int y = 0; y < labels.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        const uchar* c = lines.ptr<uchar>(y);
        for (int x = 0; x < labels.cols; ++x)
            if (c[x]) points[l[x]].emplace_back(static_cast<float>(x), static_cast<float>(y));
    }
    return n;
}

cv::Mat zonesOf(const cv::Mat& labels, const std::vector<uchar>& chosen) {
    cv::Mat zones(labels.size(), CV_8UC1);
    for (int y = 0; y < labels.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        uchar* z = zones.ptr<uchar>(y);
        for (int x = 0; x < labels.cols; ++x) z[x] = chosen[l[x]] ? 255 : 0;
    }
    return zones;
}

// 255 within kBorderMargin of the image border.
cv::Mat borderBand(cv::Size size) {
    cv::Mat band(size, CV_8UC1, cv::Scalar(255));
    const cv::Rect inner(kBorderMargin, kBorderMargin, std::max(0, size.width - 2 * kBorderMargin),
                         std::max(0, size.height - 2 * kBorderMargin));
    if (inner.area() > 0) band(inner).setTo(0);
    return band;
}

// Drops long lines whose centre pixels all lie close to one straight line (see kStraightDeviation)
// and lines that mostly follow the image border. A crack or crease that runs into the print's own
// frame along the border joins it (scratched_c's crease, the torn bottom-left curve of scratched_a
// at half size): the border band of such a line goes, and what lies inside the band is judged
// apart, as the print's edge only when it mostly stays within twice the margin.
cv::Mat straightAndBorderZones(const cv::Mat& centres) {
    cv::Mat labels;
    std::vector<std::vector<cv::Point2f>> points;
    int n = groupLines(centres, labels, points);
    std::vector<uchar> straight(n, 0), border(n, 0);
    // Empty on an image too small to have an inside (a few pixels).
    const cv::Rect inner(kBorderMargin, kBorderMargin,
                         std::max(0, centres.cols - 2 * kBorderMargin),
                         std::max(0, centres.rows - 2 * kBorderMargin));
    for (int i = 1; i < n; ++i) {
        if (2 * shareOutside(points[i], inner) >= 1.0) {
            border[i] = 1;
            continue;
        }
        if (static_cast<int>(points[i].size()) < kStraightMinLength) continue;
        cv::Vec4f line;
        cv::fitLine(points[i], line, cv::DIST_HUBER, 0, 0.01, 0.01);
        std::vector<float> off;
        off.reserve(points[i].size());
        for (const cv::Point2f& p : points[i])
            off.push_back(std::abs((p.x - line[2]) * line[1] - (p.y - line[3]) * line[0]));
        auto nth = off.begin() + static_cast<long>(kStraightShare * (off.size() - 1));
        std::nth_element(off.begin(), nth, off.end());
        const float worst = *nth;
        straight[i] = worst <= kStraightDeviation;
    }
    cv::Mat zones = zonesOf(labels, straight);
    const cv::Mat band = borderBand(centres.size());
    const cv::Mat alongBorder = zonesOf(labels, border);
    zones |= alongBorder & band;
    // What lies inside the band of a line along the border, judged on its own.
    const cv::Mat inside = centres & alongBorder & ~band;
    n = groupLines(inside, labels, points);
    std::vector<uchar> edgeOfPrint(n, 0);
    const cv::Rect deep(2 * kBorderMargin, 2 * kBorderMargin,
                        std::max(0, centres.cols - 4 * kBorderMargin),
                        std::max(0, centres.rows - 4 * kBorderMargin));
    for (int i = 1; i < n; ++i) edgeOfPrint[i] = 2 * shareOutside(points[i], deep) >= 1.0;
    zones |= zonesOf(labels, edgeOfPrint) & alongBorder;
    return zones;
}

// How many pixels of `set` (CV_8U) each of the `n` labels of `labels` (CV_32S) holds.
std::vector<int> setPixelsPerLabel(const cv::Mat& labels, int n, const cv::Mat& set) {
    std::vector<int> count(n, 0);
    for (int y = 0; y < labels.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        const uchar* s = set.ptr<uchar>(y);
        for (int x = 0; x < labels.cols; ++x)
            if (s[x]) ++count[l[x]];
    }
    return count;
}

// Networks of damage-toned ridges: lattices, mortar, grilles, rigging, crazed varnish. Judged on
// every visible ridge with the damage tone (whatever its profile), so pieces that the profile test
// separates still count as one network. Not a network, though, when it is mostly (kCrackPattern
// Share) made of `scratches`, lines each accepted on its own: cracks that branch and cross each
// other. The struts of a lattice, mortar or fabric each fail the line tests (in a group too long
// for its box, in a busy window). Since `scratches` only grow with the sensitivity, so does what
// is kept here.
cv::Mat networkZones(const cv::Mat& toned, const cv::Mat& scratches) {
    cv::Mat joined, labels, stats, centroids;
    cv::dilate(toned, joined, cv::getStructuringElement(cv::MORPH_ELLIPSE, {kJoin, kJoin}));
    const int n = cv::connectedComponentsWithStats(joined, labels, stats, centroids, 8, CV_32S);
    const std::vector<int> length = setPixelsPerLabel(labels, n, toned);
    const std::vector<int> ofScratches = setPixelsPerLabel(labels, n, toned & scratches);
    std::vector<uchar> network(n, 0);
    for (int i = 1; i < n; ++i) {
        const cv::Rect box = damage::componentBox(stats, i);
        const bool crackPattern = ofScratches[i] >= kCrackPatternShare * length[i];
        network[i] =
            length[i] > kMaxLengthPerBox * (box.width + box.height) && !crackPattern ? 255 : 0;
    }
    cv::Mat zones(labels.size(), CV_8UC1);
    for (int y = 0; y < labels.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        uchar* z = zones.ptr<uchar>(y);
        for (int x = 0; x < labels.cols; ++x) z[x] = network[l[x]];
    }
    return zones;
}

// CV_8U, 255 on the centres of `candidates` that have the polarity of most of their line (pieces
// up to kJoin px apart), or that form a line of `minLength` of their own polarity. A crack shows either the paper (bright) or grime (dark); a few pixels of the other
// polarity joined to it (pieces up to kJoin px apart count as one line) are picture beside it:
// scratched_c's dark leaf of the backdrop a few pixels beside the bright crack at its top, kept
// with it at every scale. A long piece of the other polarity is a line of its own and is kept.
cv::Mat mainPolarity(const cv::Mat& candidates, const cv::Mat& bright, int minLength) {
    cv::Mat lineLabels;
    std::vector<std::vector<cv::Point2f>> points;
    const int lineCount = groupLines(candidates, lineLabels, points);
    const std::vector<int> brightCount = setPixelsPerLabel(lineLabels, lineCount, candidates & bright);
    const std::vector<int> darkCount = setPixelsPerLabel(lineLabels, lineCount, candidates & ~bright);
    cv::Mat same = cv::Mat::zeros(candidates.size(), CV_8U);
    const cv::Mat join = cv::getStructuringElement(cv::MORPH_ELLIPSE, {kJoin, kJoin});
    for (const bool polarityBright : {true, false}) {
        const cv::Mat mine = candidates & (polarityBright ? bright : ~bright);
        cv::Mat joined, pieceLabels;
        cv::dilate(mine, joined, join);
        const int n = cv::connectedComponents(joined, pieceLabels, 8, CV_32S);
        const std::vector<int> pieceLength = setPixelsPerLabel(pieceLabels, n, mine);
        for (int y = 0; y < mine.rows; ++y) {
            const int* p = pieceLabels.ptr<int>(y);
            const int* l = lineLabels.ptr<int>(y);
            const uchar* m = mine.ptr<uchar>(y);
            uchar* out = same.ptr<uchar>(y);
            for (int x = 0; x < mine.cols; ++x) {
                if (!m[x]) continue;
                const int own = polarityBright ? brightCount[l[x]] : darkCount[l[x]];
                const int other = polarityBright ? darkCount[l[x]] : brightCount[l[x]];
                if (own >= other || pieceLength[p[x]] >= minLength) out[x] = 255;
            }
        }
    }
    return same;
}

// Scratch candidates: centre pixels of thin ridges that stand out from both sides.
void acceptScratches(const damage::Ridges& ridges, const cv::Mat& baseStrongLevel,
                     const cv::Mat& baseSegmentLevel, const cv::Mat& busy,
                     const DamageTone& tone, const std::vector<cv::Rect>& faces,
                     const DamageParams& params, bool enlarged, cv::Mat& centres,
                     DamageStages* stages) {
    // On an enlarged copy a thin crease peaks one ridge scale wider (kEnlargedScaleShift).
    const cv::Mat judgedScale =
        enlarged ? cv::Mat(cv::max(ridges.scale - kEnlargedScaleShift, kCreaseScale)) : ridges.scale;
    // Inside a face only paper-white damage counts: a lit lid, lip or nose ridge on a toned
    // portrait is a thin grey ridge too (and a crack joined to a blended branch grows long enough
    // to pass as an unmistakable line there).
    const cv::Mat damageTone =
        tone.matches(ridges.bright, ridges.tone, judgedScale) |
        (paperBlend(ridges, judgedScale, tone) & ~damage::zoneMask(ridges.centre.size(), faces));
    const cv::Mat deepDark = ~ridges.bright & (ridges.tone <= tone.deepDark);
    cv::Mat strongLevel = baseStrongLevel.clone();
    cv::Mat(baseStrongLevel * kDeepDarkContrastShare).copyTo(strongLevel, deepDark);
    // Which ridges form a line, and how busy their window is, must not depend on the sensitivity:
    // otherwise a higher one joins lines into texture networks and finds less (see kSegment...).
    cv::Mat segmentLevel = baseSegmentLevel.clone();
    cv::Mat(baseSegmentLevel * kDeepDarkContrastShare).copyTo(segmentLevel, deepDark);
    const cv::Mat visible = ridges.centre & (ridges.contrast > segmentLevel * 0.5);
    cv::Mat weak = visible & damageTone & (ridges.asymmetry <= ridges.contrast * kMaxAsymmetry);
    // On a black-and-white print no colour keeps the picture's dark lines out (see kGreyChroma):
    // there a dark candidate must be grime-dark (deepDark).
    if (tone.colourless) weak &= ridges.bright | deepDark;
    const cv::Mat strong = weak & (ridges.contrast > strongLevel);
    // Texture (hair, grass, mortar, fabric) shows as many visible ridges close together, whether or
    // not they look like damage: the window's summed ridge contrast, in units of lines crossing it.
    cv::Mat visibleContrast = cv::Mat::zeros(ridges.contrast.size(), CV_32F);
    ridges.contrast.copyTo(visibleContrast, visible);
    cv::Mat density;
    cv::boxFilter(visibleContrast, density, CV_32F, {kDensityWindow, kDensityWindow}, {-1, -1},
                  false, cv::BORDER_REFLECT);
    density /= kDensityWindow;

    // A scratch loses a few pixels where it crosses an edge of the picture: join pieces that close.
    cv::Mat joined;
    cv::dilate(weak, joined, cv::getStructuringElement(cv::MORPH_ELLIPSE, {kJoin, kJoin}));
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(joined, labels, stats, centroids, 8, CV_32S);
    std::vector<LineStats> ls(n);
    for (int y = 0; y < labels.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        const uchar* w = weak.ptr<uchar>(y);
        const uchar* s = strong.ptr<uchar>(y);
        const uchar* dd = deepDark.ptr<uchar>(y);
        const float* c = ridges.contrast.ptr<float>(y);
        const float* a = ridges.asymmetry.ptr<float>(y);
        const float* d = density.ptr<float>(y);
        const float* sc = ridges.scale.ptr<float>(y);
        const float* e = busy.ptr<float>(y);
        for (int x = 0; x < labels.cols; ++x) {
            if (!w[x]) continue;
            LineStats& st = ls[l[x]];
            ++st.length;
            st.strong += s[x] != 0;
            st.deepDark += dd[x] != 0;
            st.contrast += c[x];
            st.asymmetry += a[x];
            st.density += d[x];
            st.scale += sc[x];
            st.edges += e[x];
        }
    }
    // keep: accepted at this sensitivity; couldKeep: at the highest, where every candidate is
    // strong (its level, 1 texture level and 10 grey levels, is under the visible level).
    std::vector<uchar> keep(n, 0), couldKeep(n, 0);
    for (int i = 1; i < n; ++i) {
        const LineStats& st = ls[i];
        if (st.length < params.minLength) continue;
        const double length = st.length;
        // The line itself crosses the window once.
        // The line itself crosses the window once with its own contrast.
        const double otherLines = (st.density - st.contrast) / st.contrast;
        const double strongShare = st.strong / length;
        const bool trusted = length >= kTrustedLengthFactor * params.minLength;
        // A short wide line is a blob of picture: a gap of sky between leaves, a white glove, a
        // reflection (faded_e: mean sigma 1.4-2.4). Short scratches and hairlines on the scans
        // are a pixel or two wide (sigma 1.0-1.2); a wide crack is long.
        if (!trusted && st.scale > kShortLineMaxScale * length) continue;
        const bool deepDarkLine = 2 * st.deepDark >= st.length;
        if (length < kMidLineFactor * params.minLength && st.scale > kMidLineMaxScale * length &&
            st.contrast < kWideCrackContrast * length && !deepDarkLine)
            continue;
        // A network (brick mortar, a grille, crazed varnish) is far longer than its bounding box is
        // wide and high; a crack, even a curved one, is not.
        const cv::Rect box = damage::componentBox(stats, i);
        if (length > kMaxLengthPerBox * (box.width + box.height)) continue;
        if (st.edges / length > kMaxEdgeShare) continue;
        const cv::Rect* face = damage::zoneHolding(faces, box);
        // Inside a face only an unmistakable line counts: long and strong along most of it.
        if (face && length < kFaceFeatureLength * face->width) continue;
        const double maxLines = deepDarkLine ? kDeepDarkMaxLinesPerWindow : kMaxLinesPerWindow;
        if (otherLines > maxLines) continue;
        couldKeep[i] = 255;
        if (face && strongShare < kFaceStrongShare) continue;
        if (strongShare >= (trusted ? kMinStrongShare : 0.6)) keep[i] = 255;
    }
    cv::Mat couldBeScratch = cv::Mat::zeros(weak.size(), CV_8U);
    for (int y = 0; y < labels.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        const uchar* w = weak.ptr<uchar>(y);
        uchar* out = centres.ptr<uchar>(y);
        uchar* could = couldBeScratch.ptr<uchar>(y);
        for (int x = 0; x < labels.cols; ++x) {
            if (w[x] && keep[l[x]]) out[x] = 255;
            if (w[x] && couldKeep[l[x]]) could[x] = 255;
        }
    }
    // What a scratch may continue through, and which lines are masts, print edges or networks, is
    // judged on ridges found at the fixed segment level: a higher sensitivity only adds seeds.
    // Continuing a scratch into a face would follow brows, lids and lips.
    const cv::Mat faint = ridges.centre & damageTone &
                          (ridges.contrast > segmentLevel * kContinueContrastShare) &
                          ~damage::zoneMask(centres.size(), faces);
    if (stages) {
        stages->visible = visible.clone();
        stages->toned = weak.clone();
        stages->accepted = centres.clone();
    }
    continueScratches(faint, centres);
    // Then, from what that reached, through fainter centres (kTraceContrastShare); and the few
    // pixels of the other polarity a line took in go (mainPolarity).
    const cv::Mat trace = ridges.centre & damageTone &
                          (ridges.contrast > segmentLevel * kTraceContrastShare) &
                          (ridges.asymmetry <= ridges.contrast * kMaxAsymmetry) &
                          (judgedScale <= kCreaseScale) & ~damage::zoneMask(centres.size(), faces);
    continueScratches(faint, centres, trace);
    // Judged on every line the candidates could form at any sensitivity (all of them as seeds),
    // so that a higher sensitivity, which accepts more lines, never drops a pixel here.
    cv::Mat anyLine = weak.clone();
    continueScratches(faint, anyLine);
    continueScratches(faint, anyLine, trace);
    centres &= mainPolarity(anyLine, ridges.bright, params.minLength);
    if (stages) stages->continued = centres.clone();
    // Judged with what the scratch continued through: scratched_c's crease at half size keeps
    // only its stronger end inside the frame without its fainter half, and looks like the frame.
    centres &= ~straightAndBorderZones(weak | faint | anyLine);
    if (stages) stages->notStraight = centres.clone();
    centres &= ~networkZones(visible & damageTone, centres);
    if (stages) stages->notNetwork = centres.clone();
    // Each line as a whole: on its pixels with a clean profile, and on every pixel it could
    // reach at any sensitivity (all candidates as seeds, so the verdict does not depend on the
    // sensitivity). Continued through an outline, a highlight turns lopsided (content_lines.h).
    cv::Mat reach = weak.clone();
    continueScratches(faint, reach);
    // Where a line's profile samples would fall beyond the image they are clamped to its edge
    // and say nothing: its pixels in the border band are not measured. A torn strip of paper
    // along the border is lopsided there by nature (scanner background on one side) and, joined
    // to a crack that runs into it, made the crack look like content (scratched_a at half size).
    const cv::Mat inside = ~borderBand(centres.size());
    const damage::ContentLimits& profileLimits =
        enlarged ? damage::kEnlargedProfileLimits : damage::kProfileLimits;
    // Measured on the candidates of the lines that hold a scratch accepted at any sensitivity, not
    // on candidates that only the fainter trace joined to it (faded_h: crack_synth's straight
    // hairline traced into the tie's texture was judged on the texture).
    cv::Mat groupLabels;
    std::vector<std::vector<cv::Point2f>> groupPoints;
    const int groups = groupLines(weak | faint, groupLabels, groupPoints);
    std::vector<uchar> holdsScratch(groups, 0);
    for (int y = 0; y < groupLabels.rows; ++y) {
        const int* l = groupLabels.ptr<int>(y);
        const uchar* c = couldBeScratch.ptr<uchar>(y);
        for (int x = 0; x < groupLabels.cols; ++x)
            if (c[x]) holdsScratch[l[x]] = 1;
    }
    const cv::Mat ownCandidates = weak & inside & zonesOf(groupLabels, holdsScratch);
    centres &= ~damage::contentLineZones(ridges, weak | faint | anyLine, ownCandidates,
                                         tone.chroma, kJoin, profileLimits);
    centres &= ~damage::contentLineZones(ridges, reach, reach & inside, tone.chroma, kJoin,
                                         damage::kReachLimits);
    // Judged on the candidates, a rope or a mast often joins the picture around it and no longer
    // looks straight; once that is gone, what is left of it is (faded_f's mooring rope at half
    // size: 351 centre pixels, 80% within 1.05 px of a line). Cracks and creases wander or are short.
    centres &= ~straightAndBorderZones(centres);
    if (stages) stages->kept = centres.clone();
}

// Each accepted centre pixel covers the scratch's own half width (from its scale) plus a margin, so
// the fill also takes the soft edges.
void paintScratches(const cv::Mat& centres, const cv::Mat& scale, cv::Mat& mask) {
    for (int y = 0; y < centres.rows; ++y) {
        const uchar* c = centres.ptr<uchar>(y);
        const float* s = scale.ptr<float>(y);
        for (int x = 0; x < centres.cols; ++x)
            if (c[x]) cv::circle(mask, {x, y}, cvRound(0.8 * s[x]), 255, cv::FILLED, cv::LINE_8);
    }
}

// The detection at the image's own size (detectDamage below picks that size).
cv::Mat detectAtWorkingSize(const cv::Mat& image, const DamageParams& params,
                            const std::vector<cv::Rect>& faces, bool enlarged,
                            engine::JobContext& context, DamageStages* stages) {
    context.progress(0.0, "Finding scratches and dust");
    const cv::Mat luma = damage::luminance(image);
    const cv::Mat level = damage::textureLevel(luma);
    const Thresholds t = thresholdsFor(params.sensitivity);
    const cv::Mat strongLevel = cv::max(level * t.timesLevel, t.minContrast);
    const Thresholds segment = thresholdsFor(kSegmentSensitivity);
    const cv::Mat segmentLevel = cv::max(level * segment.timesLevel, segment.minContrast);
    context.throwIfCancelled();
    context.progress(0.3, "Finding scratches and dust");

    const DamageTone damageTone(image, luma);
    const cv::Mat busy = edgeShare(luma);
    cv::Mat mask = cv::Mat::zeros(image.size(), CV_8UC1);
    cv::Mat centres = cv::Mat::zeros(image.size(), CV_8UC1);
    if (params.scratches) {
        const damage::Ridges ridges = damage::findRidges(luma);
        context.throwIfCancelled();
        context.progress(0.6, "Finding scratches and dust");
        acceptScratches(ridges, strongLevel, segmentLevel, busy, damageTone, faces, params,
                        enlarged, centres, stages);
        // A monochrome print has no colour to keep a lit rim, a shadowed outline or a glare's
        // rays out: there their shape does (picture_shapes.h).
        if (damageTone.toned || damageTone.colourless) {
            centres &= ~damage::pictureShapeZones(centres, luma, ridges.scale, kJoin, enlarged);
            if (stages) stages->kept = centres.clone();
        }
        paintScratches(centres, ridges.scale, mask);
        context.throwIfCancelled();
    }
    if (params.scratches) {
        // Torn and broken edges and corners show the paper base (torn_edges.h).
        // On a toned print the paper showing there carries the toning, as a crease does
        // (scratched_a's broken top-left corner: chroma 35-65 against a limit of 34).
        const float paperTone = std::max(damageTone.brightFloor, kPaperTone);
        const cv::Mat paperColour = (damageTone.chroma <= damageTone.chromaLimit) |
                                    (damageTone.beyondToning <= kNeutralChroma);
        const cv::Mat paper = (luma >= paperTone) & paperColour;
        cv::Mat torn = damage::findTornEdges(luma, paper);
        // On a small scan the strip where it narrows is a blend of paper and the dark round it.
        if (enlarged)
            torn = damage::continueThinStrips(luma, (luma >= kBlendedPaperShare * paperTone) &
                                                        paperColour, torn);
        torn &= ~damage::zoneMask(image.size(), faces);
        mask |= torn;
        if (stages) stages->torn = torn;
    }
    if (params.dust) {
        damage::SpeckInputs speckInputs;
        speckInputs.luma = luma;
        speckInputs.strongLevel = strongLevel;
        speckInputs.segmentLevel = segmentLevel;
        speckInputs.busy = busy;
        speckInputs.maxBusy = kMaxEdgeShare;
        speckInputs.chroma = damageTone.chroma;
        speckInputs.beyondToning = damageTone.beyondToning;
        speckInputs.brightFloor = damageTone.brightFloor;
        speckInputs.darkCeiling = damageTone.darkCeiling;
        speckInputs.chromaLimit = damageTone.chromaLimit;
        speckInputs.neutralChroma = kNeutralChroma;
        speckInputs.enlarged = enlarged;
        speckInputs.blackAndWhite = damageTone.colourless;
        const cv::Mat specks = damage::findSpecks(speckInputs, faces);  // detect_specks.h
        mask |= specks;
        if (stages) stages->specks = specks;
        context.throwIfCancelled();
    }
    context.progress(0.9, "Finding scratches and dust");

    cv::dilate(
        mask, mask,
        cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * kGrowPixels + 1, 2 * kGrowPixels + 1}));
    context.progress(1.0, "Finding scratches and dust");
    return mask;
}

}  // namespace

cv::Mat detectDamage(const cv::Mat& image, const DamageParams& params,
                     engine::JobContext& context, const std::vector<cv::Rect>* faceZones,
                     DamageStages* stages) {
    if (image.empty()) throw Error("Detect damage: the image is empty");
    if ((image.depth() != CV_8U && image.depth() != CV_16U) ||
        (image.channels() != 1 && image.channels() != 3 && image.channels() != 4))
        throw Error(
            "Detect damage: unsupported pixel format (expected 8 or 16 bit grey, BGR or BGRA)");
    // Damage is as wide, and specks as large, in proportion to the print whatever the scan's
    // resolution: a crack 4 px wide on a 600 px scan is 25 px wide on a 4000 px one, far beyond
    // the ridge scales. The scan is looked at in the size working_scale.h picks, which also keeps
    // the time of a 12 MP scan to that of a 1 MP one. The mask comes back to the scan's size
    // with each pixel taking the working pixel it lies in (the mask is already grown by
    // kGrowPixels there; a smoother enlargement only widens it: scratched_c 2x precision 0.69).
    double f = 1.0;
    const cv::Mat working = damage::workingCopy(image, f);
    if (stages) stages->workingScale = f;
    // The caller's zones brought to the working size (rounded outwards, so a zone still covers
    // the whole face); without them faces are looked for on the working copy (smaller, as good).
    std::vector<cv::Rect> faces;
    if (faceZones) {
        const double fx = static_cast<double>(working.cols) / image.cols;
        const double fy = static_cast<double>(working.rows) / image.rows;
        for (const cv::Rect& z : *faceZones) {
            const cv::Point tl(static_cast<int>(std::floor(z.x * fx)),
                               static_cast<int>(std::floor(z.y * fy)));
            const cv::Point br(static_cast<int>(std::ceil(z.br().x * fx)),
                               static_cast<int>(std::ceil(z.br().y * fy)));
            faces.push_back(cv::Rect(tl, br) & cv::Rect({}, working.size()));
        }
    } else {
        faces = damage::protectedFaceZones(working);
    }
    if (f == 1.0) return detectAtWorkingSize(image, params, faces, false, context, stages);
    const cv::Mat workingMask =
        detectAtWorkingSize(working, params, faces, f > 1.0, context, stages);
    cv::Mat mask;
    cv::resize(workingMask, mask, image.size(), 0, 0, f < 1 ? cv::INTER_NEAREST : cv::INTER_AREA);
    return mask > 0;
}

}  // namespace pm::ops
