#include "core/ops/damage/detect_specks.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include <opencv2/imgproc.hpp>

#include "core/ops/damage/damage_maps.h"
#include "core/ops/damage/face_guard.h"

namespace pm::ops::damage {

namespace {

constexpr int kMaxSpeckArea = 60;
constexpr int kMaxSpeckSide = 10;
constexpr int kSpeckBackgroundWindow = 11;
// Inside a face only dust the detector is sure of is taken: paper-white (bright, damage tone), on
// a flat ring, standing out twice as much as a speck elsewhere must. Catch-lights, teeth, nostrils,
// pupils, moles and the dark corners of eyes and lips fail one of these; dark specks in a face are
// never taken (a mole or a nostril reads the same).
constexpr double kSpeckPeakShare = 1.3;
constexpr double kFaceSpeckPeakShare = 2.0;
// In a face a speck's ring is flat when no ring pixel stands out from the background by this share
// of the speck's own peak (and by the segment level): skin grain does not hide a paper-white speck.
constexpr double kRingShare = 0.4;
// A star's night sky: ground within this many grey levels of the photo's 5th percentile.
constexpr double kNightFraction = 0.05;
constexpr float kNightMargin = 15.0f;

// Old prints (see oldPrintSpeck). Measured at the working size on scratched_a's light dust on the
// dark dress (peaks 27-140 grey levels, ring deviation 4-10) and scratched_c's brown foxing dots
// (peaks 26-38 on a paper-light ring of deviation 2.5-4.5); the flower centres and light petals of
// scratched_c's soft backdrop sit in a patch 13-19 levels off the surface round it.
constexpr double kOldPrintPeakShare = 1.0;    // of the strong level: the sensitivity's bar
constexpr double kOldPrintRingShare = 0.5;    // a ring pixel standing out this share of the peak...
constexpr double kOldPrintRingContrast = 6.0; // ...and the peak must be this many ring deviations
constexpr int kSurfaceWindow = 31;            // the surface a speck lies on: a wider median
constexpr double kOldPrintSurfaceShare = 0.15;  // ring mean off the surface, of the peak
// A small scan looked at enlarged (working_scale.h): dust a pixel or two across on the print is
// under a pixel on the scan, averaged with the surface round it. scratched_a at half size: its
// drawn dust stands out 0.3-0.5 as far as at 1x (peaks 15-40 against 50-130) over a ring whose
// grain fell less (deviation 0.65 of it), so most of it was under the bars. There the bars are
// lower: 0.8 of the strong level and 5.5 ring deviations. Lower still took grain points of the
// dark dress as often as dust (at 0.6 and 4: 69 of 116 drawn specks, precision 0.88 -> 0.80).
constexpr double kEnlargedPeakShare = 0.8;
constexpr double kEnlargedRingContrast = 5.5;
// Under those bars on a toned print still lay 40 of scratched_a's drawn specks at half size
// (peaks 14-28 levels against a floor of 25, 2-6 ring deviations) among grain points of the dark
// dress as strong. Two things tell the dust (measured per candidate, drawn dust against the other
// light candidates, 10th-90th percentile): it is paper seen through the dye, paler than the ring
// round it (chroma 0.78-0.94 of the ring's, grain 0.82-1.07), and it was a point on the print,
// sharp at the scan's own pixel pitch (0.73-1.08 of its peak, grain 0.53-1.28). Dust that is both
// needs only 0.6 of the strong level and 4 ring deviations: 12 more drawn specks, 7 other points
// (1-21 px); at 0.8 sharpness and 1.0 of the ring's chroma 2 more specks and 4 more other points.
// Dust under a scan pixel is at most kPaleDustMaxArea working pixels (the drawn dust it took:
// 4-8); three of the other points were 9-21 px (a fibre, a point beside the right crack).
constexpr double kPaleDustPeakShare = 0.6;
constexpr int kPaleDustMaxArea = 8;
constexpr double kPaleDustRingContrast = 4.0;
constexpr double kPaleDustChromaShare = 0.95;
constexpr double kPaleDustSharpShare = 0.8;
// A stain or foxing on a toned print (stainSpeck): a dark spot whose colour is not the toning's,
// on a ring that carries the toning. Told by its colour, not by how far it stands out in grey
// (its ring may cross a fold or the hair). Measured at the working size on scratched_c: the
// sleeve stain 19-20 beyond the toning on a ring of 3.4 (deviation 0.75-0.8: 21 deviations), the
// brown dot beside the hair 16-19 on 2.5 (1.0-1.1: 13-15; its luma ring, the hair, deviates 47-55
// levels), a foxing dot at half size 6.7 on 1.8 (0.59: 8.3), 17 levels dark (0.68 of the strong
// level). Of the other dark candidates on scratched_a and scratched_c at 0.5-2x that no rule
// takes, two pass 6 beyond and 5 deviations (a piece of scratched_a's torn corner, 5.0, and a
// dark point on its wrist, 5.6), none 7.
constexpr float kStainBeyondToning = 6.0f;
constexpr double kStainRingDeviations = 7.0;
constexpr double kStainPeakShare = 0.6;  // of the strong level: the sensitivity's bar
// ...and a tenth more colourful than its ring (the stain's own dye): the sleeve stain 1.34 of
// its ring's chroma, the dot by the hair 1.8, the foxing dot at half size 1.19. At sensitivity 1
// two grain points of scratched_a's sepia curtain passed the rest (peak 13, 7.0-7.2 deviations)
// at 1.04-1.06.
constexpr double kStainChromaGain = 1.1;
// ...on a ring that carries the toning alone: its colour beyond the toning spreads at most this
// much (the rings of the stain, the dot and the foxing dot: 0.6-1.1). On a sepia copy of faded_e
// at 2x (`convert -sepia-tone 80%`, whose toning is more colourful in the mid tones) the end of a
// dark fold in the white dress passed the rest on a ring spreading 2.9.
constexpr double kStainRingSpread = 1.5;
// Marked: the part that stands out this share of the peak. The detector grows every mask by 2 px
// and the fill grows its hole over the soft halo (damage_halo.h); the whole blob down to the
// candidate level is 1-2 px wider on every side, and marked that wide (or from 0.7 of the peak) a
// found speck at half size spilled past the drawn one, and the 12 MP fill took longer (3.43% of
// the scan flagged, 3.26% now; main 2.50%).
constexpr double kOldPrintCoreShare = 0.85;

// A black-and-white print's dust is sharp: its peak stands out from the four pixels one scan
// pixel away by at least this share of the peak (its half-height width is at most about two scan
// pixels). Measured at the working size on the grey copy of scratched_a at 1x: its drawn dust
// 0.55-0.86 (10th-90th percentile), while the light points of faded_b's foliage that the old-print
// rule took on its grey copy (sky between the leaves) stand out 0.17-0.44 of theirs.
constexpr double kSharpShare = 0.5;
// Sharp is not enough there: glints on water, sky between leaves and grain points of the faded
// photos' grey copies are sharp too. Without colour only a speck lying alone on a quiet surface is
// taken: no picture edge in its edge window (busy below one pixel's share), the surface 6-15 px
// round it flat (deviation at most kLoneSurfaceDeviation of the peak) and the speck at least
// kLoneMinArea px at the working size (a one- or two-pixel point is as often grain or a glint).
// On the grey copies, of the dust drawn on scratched_a 0.40 passes all three, of the specks the
// sharp rule took on the clean photos' grey copies 0.03 (7 of 272).
constexpr double kLoneBusy = 1e-4;
constexpr double kLoneSurfaceDeviation = 0.14;
constexpr int kLoneMinArea = 5;
constexpr int kLoneInner = 13, kLoneOuter = 31;  // the wide ring: discs 6 and 15 px round it
// ...and on the print's grain: a scan of a print shows it round every speck (ring deviation 3.2-8.3
// grey levels round the dust of scratched_a's grey copy, 5th-90th percentile, 2.6 at least). A
// light point on a grainless dark ground is a star of a digital night sky as often as dust (the
// stars of DetectDamage.LeavesAStarFieldAndASpecularHighlightAlone: 1.5-1.9).
constexpr double kPrintGrain = 2.4;
// Dust on a face of a small scan looked at enlarged (findSpecks faceDust): there dust on a face is
// as small and faint as elsewhere on the scan, far under the paper rule's face bars (scratched_a
// at half size: 17 drawn specks in its face zones, one on the cheek, the rest on the dark hair the
// zone takes in beside the face, and on a false face on the dress). Only light dust is taken, by the rule
// that takes it outside faces, and only where nothing in the wide ring round it (6-15 working px,
// kLoneInner/kLoneOuter) lies darker than that ring's mean by kFaceFeatureShare of the speck's peak
// or by kFaceFeatureDepth levels: an eye, a brow, a nostril or the lips within 15 px veto it (a
// catch-light sits on the iris, teeth between the lips, the white of an eye between lashes). The
// drawn dust it took lies 7-32 levels above its wide ring's darkest pixel (0.30-0.59 of its peak:
// the cheek speck 32 of 86, the rest on the hair); two faint points on the hair (not drawn) lie
// 15 and 13 levels above, 0.99 and 0.84 of their peaks.
constexpr double kFaceFeatureShare = 0.6;
constexpr double kFaceFeatureDepth = 35.0;

// One candidate: a blob standing out from the 11 px median background, with its surroundings.
struct Blob {
    int area = 0;      // px, at the working size
    cv::Rect roi;      // the blob's box and 7 px round it
    cv::Mat self;      // CV_8U over roi
    cv::Mat ring;      // CV_8U over roi: 3-6 px from the blob
    int polarity = 1;  // +1 lighter than its background, -1 darker
    bool inFace = false;
    double peak = 0;   // grey levels it stands out at most...
    cv::Point where;   // ...and where (in roi)
    double ringMean = 0, ringDeviation = 0;
};

bool ringHolds(const cv::Mat& standsOut, const Blob& b) {
    return cv::countNonZero(standsOut & b.ring) > cv::countNonZero(b.ring) / 20;
}

// Paper showing through or dirt: paper-white or black, colourless (or on a toned print: light and
// colourless beyond the toning), standing out 1.3 x the strong level from a ring in which nothing
// stands out half the segment level. `toned`: the photo is a toned print.
bool paperSpeck(const SpeckInputs& in, const cv::Mat& difference, bool toned, float nightLevel,
                const Blob& b) {
    const double peakLevel = in.strongLevel(b.roi).at<float>(b.where);
    if (b.peak < peakLevel * (b.inFace ? kFaceSpeckPeakShare : kSpeckPeakShare)) return false;
    // A light point on ground as dark as the photo's darkest is a star of a night sky or a lamp
    // far off as often as dust, and nothing tells them apart: left alone, except on a toned print
    // (an old print, where white dust on a black dress is what it mostly is).
    if (!toned && b.polarity > 0 && b.ringMean <= nightLevel) return false;
    const float tone = in.luma(b.roi).at<float>(b.where);
    const float chroma = in.chroma(b.roi).at<float>(b.where);
    const bool paper = (b.polarity > 0 ? tone >= in.brightFloor : tone <= in.darkCeiling) &&
                       chroma <= in.chromaLimit;
    // Outside faces only: in a face only paper-white dust is taken. Bright dust on a toned
    // print carries the toning, as a crease does (scratched_a's specks on the sepia
    // curtain: chroma 42-70 against a limit of 34, 6-19 beyond the toning).
    const bool tonedDust = !paper && b.polarity > 0 && !b.inFace && tone >= in.brightFloor &&
                           in.beyondToning(b.roi).at<float>(b.where) <= in.neutralChroma;
    if (!paper && !tonedDust) return false;
    // The ring is flat when nothing in it stands out. In a face, where only a paper-white
    // speck twice as strong counts, skin grain and hair (a few levels) do not count
    // against it; elsewhere that tolerance let stars, gravel and glints in (faded_e/f).
    const cv::Mat ringLevel =
        cv::max(in.segmentLevel(b.roi) * 0.5, b.inFace ? kRingShare * b.peak : 0.0);
    if (ringHolds(cv::abs(difference(b.roi)) > ringLevel, b)) return false;
    if (b.peak < 4.0 * b.ringDeviation) return false;
    // Paper showing through is no more colourful than the toned picture round it; a light
    // patch of scratched_c's patterned backdrop at 2x is (chroma 27 on a ring of 18).
    if (tonedDust && chroma > cv::mean(in.chroma(b.roi), b.ring)[0]) return false;
    return true;
}

// Dust and foxing on a toned print that the paper rule misses: a light speck of a pixel or two on
// a dark dress is blurred to a mid tone (scratched_a: 100-160 on a ring of 40), a foxing dot is
// brown on light paper. Taken when it stands out above the strong level and six times the ring's
// own grain, nothing else in its ring stands out half as much (the next star of a field, gravel,
// an eye's other parts), and the ring is the surface round it (a flower's dark centre sits on its
// light petals, a light petal in a dark leaf). A light one is no more colourful than its ring
// (paper under a dye). Outside faces only.
// `paleSharp`: light dust on an enlarged toned scan that paleSharpDust (below) tells from grain by
// its colour and sharpness, judged on lower bars still (kPaleDustPeakShare).
bool oldPrintSpeck(const SpeckInputs& in, const cv::Mat& difference, const cv::Mat& surface,
                   bool paleSharp, const Blob& b) {
    const double peakShare = paleSharp     ? kPaleDustPeakShare
                             : in.enlarged ? kEnlargedPeakShare
                                           : kOldPrintPeakShare;
    const double ringContrast = paleSharp     ? kPaleDustRingContrast
                                : in.enlarged ? kEnlargedRingContrast
                                              : kOldPrintRingContrast;
    if (b.peak < peakShare * in.strongLevel(b.roi).at<float>(b.where)) return false;
    if (b.peak < ringContrast * b.ringDeviation) return false;
    if (b.polarity > 0 &&
        in.chroma(b.roi).at<float>(b.where) > cv::mean(in.chroma(b.roi), b.ring)[0])
        return false;
    if (ringHolds(cv::abs(difference(b.roi)) > kOldPrintRingShare * b.peak, b)) return false;
    return std::abs(b.ringMean - surface(b.roi).at<float>(b.where)) <=
           kOldPrintSurfaceShare * b.peak;
}

// A stain or foxing dot on a toned print (kStainBeyondToning...): darker than its ring, coloured
// beyond the toning where its ring is not (kStainRingDeviations of the ring's own spread of that
// colour) and more colourful than its ring. Outside faces only (a lip or a mole is coloured too).
bool stainSpeck(const SpeckInputs& in, const Blob& b) {
    if (b.polarity > 0 || b.inFace) return false;
    if (b.peak < kStainPeakShare * in.strongLevel(b.roi).at<float>(b.where)) return false;
    const float beyond = in.beyondToning(b.roi).at<float>(b.where);
    if (beyond < kStainBeyondToning) return false;
    cv::Scalar ringBeyond, ringSpread;
    cv::meanStdDev(in.beyondToning(b.roi), ringBeyond, ringSpread, b.ring);
    if (ringSpread[0] > kStainRingSpread ||
        beyond - ringBeyond[0] < kStainRingDeviations * ringSpread[0])
        return false;
    return in.chroma(b.roi).at<float>(b.where) >
           kStainChromaGain * cv::mean(in.chroma(b.roi), b.ring)[0];
}

// How far a blob's peak stands out from the pixels one scan pixel away (one working pixel, two on
// a small scan looked at enlarged: working_scale.h), as a share of its peak.
double sharpness(const SpeckInputs& in, const Blob& b) {
    const int step = in.enlarged ? 2 : 1;
    const cv::Point centre = b.roi.tl() + b.where;
    auto at = [&](int dx, int dy) {
        return in.luma.at<float>(std::clamp(centre.y + dy, 0, in.luma.rows - 1),
                                 std::clamp(centre.x + dx, 0, in.luma.cols - 1));
    };
    const double neighbours = (at(step, 0) + at(-step, 0) + at(0, step) + at(0, -step)) / 4.0;
    return b.polarity * (at(0, 0) - neighbours) / b.peak;
}

// Whether a blob is sharp (kSharpShare) at the scan's own pixel pitch.
bool sharpSpeck(const SpeckInputs& in, const Blob& b) { return sharpness(in, b) >= kSharpShare; }

// Light dust on an enlarged small scan of a toned print: small, paler than its ring and sharp
// (kPaleDustMaxArea, kPaleDustChromaShare, kPaleDustSharpShare).
bool paleSharpDust(const SpeckInputs& in, bool toned, const Blob& b) {
    return toned && in.enlarged && b.polarity > 0 && b.area <= kPaleDustMaxArea &&
           in.chroma(b.roi).at<float>(b.where) <=
               kPaleDustChromaShare * cv::mean(in.chroma(b.roi), b.ring)[0] &&
           sharpness(in, b) >= kPaleDustSharpShare;
}

// The surface round a blob: the pixels between kLoneInner and kLoneOuter wide dilations of it,
// as a mask over `wide` (the blob's box with room for them).
struct SurroundingRing {
    cv::Rect wide;
    cv::Mat ring;
};

SurroundingRing surroundingRing(const SpeckInputs& in, const Blob& b) {
    const int pad = kLoneOuter / 2 + 1;
    SurroundingRing around;
    around.wide =
        (b.roi + cv::Size(2 * pad, 2 * pad) - cv::Point(pad, pad)) & cv::Rect({}, in.luma.size());
    cv::Mat self = cv::Mat::zeros(around.wide.size(), CV_8U), inner, outer;
    b.self.copyTo(self(b.roi - around.wide.tl()));
    cv::dilate(self, inner, cv::getStructuringElement(cv::MORPH_ELLIPSE, {kLoneInner, kLoneInner}));
    cv::dilate(self, outer, cv::getStructuringElement(cv::MORPH_ELLIPSE, {kLoneOuter, kLoneOuter}));
    around.ring = outer & ~inner;
    return around;
}

// Whether a sharp speck on a black-and-white print lies alone on a quiet, grained surface
// (kLoneBusy... kPrintGrain).
bool loneSpeck(const SpeckInputs& in, const Blob& b) {
    if (b.area < kLoneMinArea || b.ringDeviation < kPrintGrain ||
        in.busy(b.roi).at<float>(b.where) >= kLoneBusy)
        return false;
    const SurroundingRing around = surroundingRing(in, b);
    cv::Scalar mean, deviation;
    cv::meanStdDev(in.luma(around.wide), mean, deviation, around.ring);
    return deviation[0] <= kLoneSurfaceDeviation * b.peak;
}

// Whether the face round a light blob is plain for kLoneOuter / 2 px: no dark feature there
// (kFaceFeatureShare, kFaceFeatureDepth).
bool plainFaceGround(const SpeckInputs& in, const Blob& b) {
    const SurroundingRing around = surroundingRing(in, b);
    double darkest = 0;
    cv::minMaxLoc(in.luma(around.wide), &darkest, nullptr, nullptr, nullptr, around.ring);
    const double depth = cv::mean(in.luma(around.wide), around.ring)[0] - darkest;
    return depth <= std::min(kFaceFeatureShare * b.peak, kFaceFeatureDepth);
}

// What of a blob a rule marks as dust (CV_8U over its roi), or an empty Mat.
using SpeckRule = std::function<cv::Mat(const cv::Mat& difference, const Blob& blob)>;

// Candidates: compact blobs (up to 60 px, 10 px a side) standing out half the segment level from
// an 11 px median background, outside windows busy with picture edges; `rule` decides.
void markSpecks(const SpeckInputs& in, const std::vector<cv::Rect>& faces, const cv::Mat& luma8,
                const SpeckRule& rule, cv::Mat& mask) {
    cv::Mat background8, background;
    cv::medianBlur(luma8, background8, kSpeckBackgroundWindow);
    background8.convertTo(background, CV_32F);
    const cv::Mat difference = in.luma - background;
    const cv::Mat innerDisc = cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5});
    const cv::Mat outerDisc = cv::getStructuringElement(cv::MORPH_ELLIPSE, {13, 13});
    const cv::Rect image(0, 0, in.luma.cols, in.luma.rows);
    for (const int polarity : {1, -1}) {
        const cv::Mat signedDiff = difference * polarity;
        const cv::Mat weak = signedDiff > in.segmentLevel * 0.5;
        cv::Mat labels, stats, centroids;
        const int n = cv::connectedComponentsWithStats(weak, labels, stats, centroids, 8, CV_32S);
        for (int i = 1; i < n; ++i) {
            const int area = stats.at<int>(i, cv::CC_STAT_AREA);
            const cv::Rect box = componentBox(stats, i);
            if (area > kMaxSpeckArea || box.width > kMaxSpeckSide || box.height > kMaxSpeckSide ||
                area < 0.35 * box.area())
                continue;
            Blob b;
            b.area = area;
            b.polarity = polarity;
            b.inFace = zoneHolding(faces, box) != nullptr;
            if (b.inFace && polarity < 0) continue;
            const int pad = 7;
            b.roi = (box + cv::Size(2 * pad, 2 * pad) - cv::Point(pad, pad)) & image;
            b.self = labels(b.roi) == i;
            cv::minMaxLoc(signedDiff(b.roi), nullptr, &b.peak, nullptr, &b.where, b.self);
            if (in.busy(b.roi).at<float>(b.where) > in.maxBusy) continue;
            cv::Mat inner, outer;
            cv::dilate(b.self, inner, innerDisc);
            cv::dilate(b.self, outer, outerDisc);
            b.ring = outer & ~inner;
            if (cv::countNonZero(b.ring) == 0) continue;
            cv::Scalar mean, deviation;
            cv::meanStdDev(in.luma(b.roi), mean, deviation, b.ring);
            b.ringMean = mean[0];
            b.ringDeviation = deviation[0];
            const cv::Mat marked = rule(difference, b);
            if (!marked.empty()) mask(b.roi).setTo(255, marked);
        }
    }
}

}  // namespace

cv::Mat findSpecks(const SpeckInputs& in, const std::vector<cv::Rect>& faces) {
    cv::Mat mask = cv::Mat::zeros(in.luma.size(), CV_8UC1);
    cv::Mat luma8;
    in.luma.convertTo(luma8, CV_8U);
    // damage_maps.h gives a photo that is not toned its chroma itself as its colour beyond toning.
    // On colour photos the old-print rule took picture detail: coffee, faded_b/e/f 0.9-1.2% of
    // their pixels changed by the scratches step (at most 0.24% without it).
    const bool toned = cv::norm(in.chroma, in.beyondToning, cv::NORM_INF) > 0;
    const bool oldPrint = toned || in.blackAndWhite;
    const float nightLevel = percentile(in.luma, kNightFraction) + kNightMargin;
    cv::Mat surface;
    if (oldPrint) {
        cv::Mat surface8;
        cv::medianBlur(luma8, surface8, kSurfaceWindow);
        surface8.convertTo(surface, CV_32F);
    }
    // On a black-and-white print the paper rule's colour test says nothing: every grey point is
    // colourless. There a glint on a saucer or a spoon, sky between leaves or a light point of the
    // water is as light and as colourless as paper showing through, and was filled (grey copies of
    // coffee at half size, faded_e, faded_f: 3-7 such specks each, all of them soft or among
    // edges). So there every rule asks what dust on the print shows: sharp and alone on a quiet
    // surface (sharpSpeck, loneSpeck).
    const auto printDust = [&](const Blob& b) {
        return !in.blackAndWhite || (sharpSpeck(in, b) && loneSpeck(in, b));
    };
    const auto oldPrintDust = [&](const cv::Mat& difference, const Blob& b) {
        return oldPrint && oldPrintSpeck(in, difference, surface, paleSharpDust(in, toned, b), b) &&
               (toned || printDust(b));
    };
    // Light dust on a plain part of a face of an enlarged small scan (kFaceFeatureShare): the rule
    // that takes it outside faces, where no dark facial feature lies near. The fill repairs it by
    // smooth diffusion from the face's own pixels (repair/damage_fill.h).
    const auto faceDust = [&](const cv::Mat& difference, const Blob& b) {
        return b.polarity > 0 && plainFaceGround(in, b) && oldPrintDust(difference, b);
    };
    markSpecks(in, faces, luma8, [&](const cv::Mat& difference, const Blob& b) {
        if (b.inFace && in.enlarged)
            return faceDust(difference, b)
                       ? cv::Mat((difference(b.roi) > kOldPrintCoreShare * b.peak) & b.self)
                       : cv::Mat();
        if (paperSpeck(in, difference, toned, nightLevel, b) && printDust(b)) return b.self;
        if (!b.inFace && oldPrintDust(difference, b))
            return cv::Mat((difference(b.roi) * b.polarity > kOldPrintCoreShare * b.peak) & b.self);
        if (toned && stainSpeck(in, b))
            return cv::Mat((difference(b.roi) * b.polarity > kOldPrintCoreShare * b.peak) & b.self);
        return cv::Mat();
    }, mask);
    return mask;
}

}  // namespace pm::ops::damage
