#include "core/ops/damage/detect_damage.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/ops/damage/damage_maps.h"
#include "core/ops/damage/ridge_profile.h"
#include "core/ops/faces/restore_faces.h"

namespace pm::ops {

namespace {

constexpr int kDensityWindow = 41;
constexpr float kWhiteTone = 170.0f;
constexpr double kWhiteFraction = 0.97;
constexpr float kBlackTone = 60.0f;
constexpr double kBlackFraction = 0.05;
constexpr float kBlackMargin = 25.0f;
constexpr float kNeutralChroma = 20.0f;
constexpr float kChromaShare = 0.6f;
constexpr double kMaxLinesPerWindow = 2.0;
constexpr double kMaxLengthPerBox = 1.8;  // other candidate lines crossing a window: texture
constexpr double kMaxAsymmetry = 0.8;     // surface step / contrast on a scratch
constexpr double kMinStrongShare = 0.25;
constexpr double kTrustedLengthFactor = 2.0;
constexpr int kMaxSpeckArea = 60;
constexpr int kMaxSpeckSide = 10;
constexpr int kSpeckBackgroundWindow = 11;
constexpr int kGrowPixels = 2;
constexpr int kJoin = 9;
constexpr double kFaceFeatureLength = 0.4;  // of the face width: longer than a brow or a mouth
// Dark lines darker than nearly all of the photo (its 5th percentile) are dirt or grime-filled
// cracks far more often than picture detail, so they may stand out less and sit in busier texture.
constexpr double kDeepDarkFraction = 0.05;
constexpr float kDeepDarkContrastShare = 0.6f;
constexpr double kDeepDarkMaxLinesPerWindow = 3.0;
// Hysteresis along accepted scratches: ridge centres with the damage tone that stand out by this
// share of the strong level continue a scratch they touch, for up to this many pixels from it.
constexpr float kContinueContrastShare = 0.5f;
constexpr int kContinueSteps = 60;
// Ruler-straight long lines are masts, rigging, wires and building edges; scratches and cracks on a
// print wander. Straight: centre pixels within this many px of their best-fit line.
constexpr int kStraightMinLength = 100;
constexpr double kStraightDeviation = 1.2;
constexpr double kStraightShare = 0.9;
// The edge of the print (paper border, scanner lid shadow) runs along the image border: a line
// lying mostly this close to it is not damage to fill.
constexpr int kBorderMargin = 8;  // of the centre pixels: a stray branch does not save a mast

struct Thresholds {
    float timesLevel;   // strong pixel: contrast above this many texture levels...
    float minContrast;  // ...and above this many grey levels
};

Thresholds thresholdsFor(double sensitivity) {
    const double s = std::clamp(sensitivity, 0.0, 1.0);
    return {static_cast<float>(5.0 - 4.0 * s), static_cast<float>(40.0 - 30.0 * s)};
}

cv::Rect boxOf(const cv::Mat& stats, int i) {
    return {stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
            stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT)};
}

struct LineStats {
    int length = 0;  // centre pixels
    int strong = 0;
    int deepDark = 0;
    double contrast = 0, asymmetry = 0, density = 0, scale = 0;
};

// Eyes, brows, eyelids and lips are dark curves on a smooth surface, catch-lights are bright
// specks: exactly what the measures here look for. Inside a detected face (grown by a fifth) a line
// must be longer than those features to count, and specks are left alone.
std::vector<cv::Rect> faceZones(const cv::Mat& image) {
    std::vector<FaceBox> faces;
    try {
        faces = detectFaces(image, {});
    } catch (const Error&) {
        return {};  // no face detector installed: nothing to spare
    }
    std::vector<cv::Rect> zones;
    for (const FaceBox& f : faces)
        zones.push_back(f.box + cv::Size(f.box.width / 5, f.box.height / 5) -
                        cv::Point(f.box.width / 10, f.box.height / 10));
    return zones;
}

const cv::Rect* zoneHolding(const std::vector<cv::Rect>& zones, const cv::Rect& box) {
    for (const cv::Rect& z : zones)
        if ((box & z) == box) return &z;
    return nullptr;
}

// Emulsion scratched off shows the paper base: near the print's white and without its colour.
// Dirt, ink and cracks filled with grime are near its black. Natural lines (outlines, rigging,
// hair) carry the picture's own colours and mid tones. The levels are the whole photo's.
struct ToneLevels {
    float brightFloor;  // bright damage is at least this light...
    float darkCeiling;  // ...dark damage at most this dark...
    float chromaLimit;  // ...and both at most this colourful
    float deepDark;     // dark damage this dark may be fainter (kDeepDarkFraction)
};

// Rows of context the smoothed chroma map needs (Gaussian sigma 0.7: radius 3).
constexpr int kChromaMargin = 4;
// Rows counted at a time when measuring the levels of a large photo.
constexpr std::int64_t kLevelBandPixels = 4'000'000;

// The levels come from histograms of the whole photo, counted band by band: the same numbers as
// from whole-photo maps, without holding them.
ToneLevels measureToneLevels(const cv::Mat& image) {
    std::vector<double> lumaHistogram, chromaHistogram;
    const int rows = static_cast<int>(
        std::clamp<std::int64_t>(kLevelBandPixels / std::max(1, image.cols), 1, image.rows));
    for (int top = 0; top < image.rows; top += rows) {
        const int bottom = std::min(image.rows, top + rows);
        const int inTop = std::max(0, top - kChromaMargin);
        const int inBottom = std::min(image.rows, bottom + kChromaMargin);
        damage::addToHistogram(damage::luminance(image.rowRange(top, bottom)), lumaHistogram);
        const cv::Mat chroma = damage::chroma(image.rowRange(inTop, inBottom));
        damage::addToHistogram(chroma.rowRange(top - inTop, bottom - inTop), chromaHistogram);
    }
    ToneLevels l;
    l.brightFloor = std::min(kWhiteTone, damage::percentile(lumaHistogram, kWhiteFraction));
    l.darkCeiling =
        std::max(kBlackTone, damage::percentile(lumaHistogram, kBlackFraction) + kBlackMargin);
    l.deepDark = damage::percentile(lumaHistogram, kDeepDarkFraction);
    l.chromaLimit =
        std::max(kNeutralChroma, kChromaShare * damage::percentile(chromaHistogram, 0.5));
    return l;
}

struct DamageTone : ToneLevels {
    cv::Mat chroma;

    DamageTone(const ToneLevels& levels, const cv::Mat& image)
        : ToneLevels(levels), chroma(damage::chroma(image)) {}

    /// CV_8U mask: where a ridge of the given polarity and tone could be damage.
    cv::Mat matches(const cv::Mat& bright, const cv::Mat& tone) const {
        const cv::Mat toneOk = (bright & (tone >= brightFloor)) | (~bright & (tone <= darkCeiling));
        return toneOk & (chroma <= chromaLimit);
    }
    bool matches(bool bright, float tone, cv::Point at) const {
        return (bright ? tone >= brightFloor : tone <= darkCeiling) &&
               chroma.at<float>(at) <= chromaLimit;
    }
};

// A scratch breaks where it crosses picture edges or texture (the sides stop matching, the contrast
// dips). Like Canny's hysteresis: fainter damage-toned ridge centres continue an accepted scratch
// they touch (one pixel gaps bridged), for a bounded distance so texture cannot take over a photo.
void continueScratches(const damage::Ridges& ridges, const cv::Mat& strongLevel,
                       const cv::Mat& damageTone, cv::Mat& centres) {
    const cv::Mat faint =
        ridges.centre & damageTone & (ridges.contrast > strongLevel * kContinueContrastShare);
    cv::Mat allowed;
    cv::dilate(faint, allowed, cv::Mat());
    allowed |= centres;
    cv::Mat grown = centres.clone(), next;
    for (int i = 0; i < kContinueSteps; ++i) {
        cv::dilate(grown, next, cv::Mat());
        next &= allowed;
        if (cv::countNonZero(next != grown) == 0) break;
        std::swap(grown, next);
    }
    centres |= grown & faint;
}

// Drops long lines whose centre pixels all lie close to one straight line (see kStraightDeviation)
// and lines that mostly follow the image border. `centres` is the part of the photo at `offset`
// in a photo of size `frame`.
void dropStraightAndBorderLines(cv::Mat& centres, cv::Point offset, cv::Size frame) {
    cv::Mat joined, labels;
    cv::dilate(centres, joined, cv::getStructuringElement(cv::MORPH_ELLIPSE, {kJoin, kJoin}));
    const int n = cv::connectedComponents(joined, labels, 8, CV_32S);
    std::vector<std::vector<cv::Point2f>> points(n);
    for (int y = 0; y < labels.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        const uchar* c = centres.ptr<uchar>(y);
        for (int x = 0; x < labels.cols; ++x)
            if (c[x]) points[l[x]].emplace_back(static_cast<float>(x), static_cast<float>(y));
    }
    std::vector<uchar> straight(n, 0);
    const cv::Rect inner(kBorderMargin - offset.x, kBorderMargin - offset.y,
                         frame.width - 2 * kBorderMargin, frame.height - 2 * kBorderMargin);
    for (int i = 1; i < n; ++i) {
        const auto nearBorder =
            std::count_if(points[i].begin(), points[i].end(),
                          [&](const cv::Point2f& p) { return !inner.contains(p); });
        if (2 * nearBorder >= static_cast<long>(points[i].size())) {
            straight[i] = 1;
            continue;
        }
        if (static_cast<int>(points[i].size()) < kStraightMinLength) continue;
        cv::Vec4f line;
        cv::fitLine(points[i], line, cv::DIST_L2, 0, 0.01, 0.01);
        std::vector<float> off;
        off.reserve(points[i].size());
        for (const cv::Point2f& p : points[i])
            off.push_back(std::abs((p.x - line[2]) * line[1] - (p.y - line[3]) * line[0]));
        auto nth = off.begin() + static_cast<long>(kStraightShare * (off.size() - 1));
        std::nth_element(off.begin(), nth, off.end());
        const float worst = *nth;
        straight[i] = worst <= kStraightDeviation;
    }
    for (int y = 0; y < labels.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        uchar* c = centres.ptr<uchar>(y);
        for (int x = 0; x < labels.cols; ++x)
            if (c[x] && straight[l[x]]) c[x] = 0;
    }
}

// Scratch candidates: centre pixels of thin ridges that stand out from both sides.
void acceptScratches(const damage::Ridges& ridges, const cv::Mat& baseStrongLevel,
                     const DamageTone& tone, const std::vector<cv::Rect>& faces,
                     const DamageParams& params, cv::Point offset, cv::Size frame,
                     cv::Mat& centres) {
    const cv::Mat damageTone = tone.matches(ridges.bright, ridges.tone);
    const cv::Mat deepDark = ~ridges.bright & (ridges.tone <= tone.deepDark);
    cv::Mat strongLevel = baseStrongLevel.clone();
    cv::Mat(baseStrongLevel * kDeepDarkContrastShare).copyTo(strongLevel, deepDark);
    const cv::Mat visible = ridges.centre & (ridges.contrast > strongLevel * 0.5);
    const cv::Mat weak =
        visible & damageTone & (ridges.asymmetry <= ridges.contrast * kMaxAsymmetry);
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
        }
    }
    std::vector<uchar> keep(n, 0);
    for (int i = 1; i < n; ++i) {
        const LineStats& st = ls[i];
        if (st.length < params.minLength) continue;
        const double length = st.length;
        // The line itself crosses the window once.
        // The line itself crosses the window once with its own contrast.
        const double otherLines = (st.density - st.contrast) / st.contrast;
        const double strongShare = st.strong / length;
        const bool trusted = length >= kTrustedLengthFactor * params.minLength;
        // A network (brick mortar, a grille, crazed varnish) is far longer than its bounding box is
        // wide and high; a crack, even a curved one, is not.
        const cv::Rect box = boxOf(stats, i);
        if (length > kMaxLengthPerBox * (box.width + box.height)) continue;
        const cv::Rect* face = zoneHolding(faces, box);
        if (face && length < kFaceFeatureLength * face->width) continue;
        const double maxLines =
            2 * st.deepDark >= st.length ? kDeepDarkMaxLinesPerWindow : kMaxLinesPerWindow;
        const bool accepted =
            otherLines <= maxLines && strongShare >= (trusted ? kMinStrongShare : 0.6);
        if (accepted) keep[i] = 255;
    }
    for (int y = 0; y < labels.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        const uchar* w = weak.ptr<uchar>(y);
        uchar* out = centres.ptr<uchar>(y);
        for (int x = 0; x < labels.cols; ++x)
            if (w[x] && keep[l[x]]) out[x] = 255;
    }
    continueScratches(ridges, strongLevel, damageTone, centres);
    dropStraightAndBorderLines(centres, offset, frame);
}

// Dust: small compact blobs that stand out from a median background and sit alone on a flat ring
// (a catch-light, a button or a letter has other structure right next to it).
void acceptSpecks(const cv::Mat& luma, const cv::Mat& strongLevel, const DamageTone& damageTone,
                  const cv::Mat& scratchCentres, const std::vector<cv::Rect>& faces,
                  cv::Mat& mask) {
    cv::Mat luma8, background8, background;
    luma.convertTo(luma8, CV_8U);
    cv::medianBlur(luma8, background8, kSpeckBackgroundWindow);
    background8.convertTo(background, CV_32F);
    const cv::Mat difference = luma - background;
    for (const int polarity : {1, -1}) {
        const cv::Mat signedDiff = difference * polarity;
        const cv::Mat weak = signedDiff > strongLevel * 0.5;
        const cv::Mat any = cv::abs(difference) > strongLevel * 0.5;
        cv::Mat labels, stats, centroids;
        const int n = cv::connectedComponentsWithStats(weak, labels, stats, centroids, 8, CV_32S);
        for (int i = 1; i < n; ++i) {
            const int area = stats.at<int>(i, cv::CC_STAT_AREA);
            const cv::Rect box = boxOf(stats, i);
            if (area > kMaxSpeckArea || box.width > kMaxSpeckSide || box.height > kMaxSpeckSide ||
                area < 0.35 * box.area() || zoneHolding(faces, box))
                continue;
            const int pad = 7;
            const cv::Rect roi = (box + cv::Size(2 * pad, 2 * pad) - cv::Point(pad, pad)) &
                                 cv::Rect(0, 0, luma.cols, luma.rows);
            const cv::Mat self = labels(roi) == i;
            double peak = 0, peakLevel = 0;
            cv::Point where;
            cv::minMaxLoc(signedDiff(roi), nullptr, &peak, nullptr, &where, self);
            peakLevel = strongLevel(roi).at<float>(where);
            if (peak < peakLevel * 1.3) continue;
            if (!damageTone.matches(polarity > 0, luma(roi).at<float>(where), where + roi.tl()))
                continue;
            cv::Mat inner, outer;
            cv::dilate(self, inner, cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5}));
            cv::dilate(self, outer, cv::getStructuringElement(cv::MORPH_ELLIPSE, {13, 13}));
            const cv::Mat ring = outer & ~inner;
            const int ringArea = cv::countNonZero(ring);
            if (ringArea == 0) continue;
            if (cv::countNonZero(any(roi) & ring) > ringArea / 20) continue;
            if (cv::countNonZero(scratchCentres(roi) & ring) > 0) continue;
            cv::Scalar mean, stddev;
            cv::meanStdDev(luma(roi), mean, stddev, ring);
            if (peak < 4.0 * stddev[0]) continue;
            mask(roi).setTo(255, self);
        }
    }
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

// The damage mask of `tile` (the part of a photo of size `frame` at `offset`), as large as the
// tile.
cv::Mat detectInTile(const cv::Mat& tile, cv::Point offset, cv::Size frame,
                     const ToneLevels& levels, const std::vector<cv::Rect>& photoFaces,
                     const DamageParams& params, engine::JobContext& context) {
    const cv::Mat luma = damage::luminance(tile);
    const cv::Mat level = damage::textureLevel(luma);
    const Thresholds t = thresholdsFor(params.sensitivity);
    const cv::Mat strongLevel = cv::max(level * t.timesLevel, t.minContrast);
    context.throwIfCancelled();

    std::vector<cv::Rect> faces;
    for (const cv::Rect& f : photoFaces) faces.push_back(f - offset);
    const DamageTone damageTone(levels, tile);
    cv::Mat mask = cv::Mat::zeros(tile.size(), CV_8UC1);
    cv::Mat centres = cv::Mat::zeros(tile.size(), CV_8UC1);
    if (params.scratches) {
        const damage::Ridges ridges = damage::findRidges(luma);
        context.throwIfCancelled();
        acceptScratches(ridges, strongLevel, damageTone, faces, params, offset, frame, centres);
        paintScratches(centres, ridges.scale, mask);
        context.throwIfCancelled();
    }
    if (params.dust) {
        acceptSpecks(luma, strongLevel, damageTone, centres, faces, mask);
        context.throwIfCancelled();
    }
    cv::dilate(
        mask, mask,
        cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * kGrowPixels + 1, 2 * kGrowPixels + 1}));
    return mask;
}

}  // namespace

cv::Mat detectDamage(const cv::Mat& image, const DamageParams& params,
                     engine::JobContext& context) {
    if (image.empty()) throw Error("Detect damage: the image is empty");
    if ((image.depth() != CV_8U && image.depth() != CV_16U) ||
        (image.channels() != 1 && image.channels() != 3 && image.channels() != 4))
        throw Error(
            "Detect damage: unsupported pixel format (expected 8 or 16 bit grey, BGR or BGRA)");

    context.progress(0.0, "Finding scratches and dust");
    const ToneLevels levels = measureToneLevels(image);
    const std::vector<cv::Rect> faces = faceZones(image);
    context.throwIfCancelled();
    context.progress(0.1, "Finding scratches and dust");
    if (static_cast<std::int64_t>(image.total()) <= params.wholePixels) {
        cv::Mat mask = detectInTile(image, {0, 0}, image.size(), levels, faces, params, context);
        context.progress(1.0, "Finding scratches and dust");
        return mask;
    }

    cv::Mat mask(image.size(), CV_8UC1);
    const cv::Rect frame(0, 0, image.cols, image.rows);
    // Every measure is local (windows up to 41 px, scratches continued up to 60 px) except the
    // tone levels and faces, taken from the whole photo above; a scratch longer than a tile and its
    // margins is judged piece by piece.
    const int tileSize = std::max(64, params.tileSize);
    const int margin = std::max(0, params.tileMargin);
    const int across = (image.cols + tileSize - 1) / tileSize;
    const int down = (image.rows + tileSize - 1) / tileSize;
    for (int ty = 0; ty < down; ++ty)
        for (int tx = 0; tx < across; ++tx) {
            const cv::Rect core =
                cv::Rect(tx * tileSize, ty * tileSize, tileSize, tileSize) & frame;
            const cv::Rect seen =
                (core + cv::Size(2 * margin, 2 * margin) - cv::Point(margin, margin)) & frame;
            // A copy, so that filters see the tile's own border as the photo's border would be
            // seen (OpenCV reads past the edges of a view into its parent).
            const cv::Mat tileMask = detectInTile(image(seen).clone(), seen.tl(), image.size(),
                                                  levels, faces, params, context);
            tileMask(core - seen.tl()).copyTo(mask(core));
            context.progress(0.1 + 0.9 * (ty * across + tx + 1) / (across * down),
                             "Finding scratches and dust");
        }
    return mask;
}

}  // namespace pm::ops
