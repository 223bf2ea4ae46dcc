#include "core/ops/damage/detect_damage.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/ops/damage/damage_maps.h"
#include "core/ops/faces/restore_faces.h"

namespace pm::ops {

namespace {

constexpr int kDensityWindow = 41;
constexpr double kMaxDensity = 0.2;     // candidate share of a window that reads as texture
constexpr double kMaxBoxFill = 0.2;
constexpr double kMaxWidth = 7.0;       // estimated mean width of a scratch component
constexpr float kMaxHalfWidth = 5.0f;   // distance-transform peak: no part of a scratch is wider
constexpr int kMaxSpeckArea = 80;
constexpr int kGrowPixels = 2;
constexpr double kTrustedLengthFactor = 4.0;
constexpr double kStepSpan = 8.0;       // px over which the background step is measured
constexpr double kMaxStepRatio = 0.5;   // background step / line contrast of a scratch
constexpr int kRingInner = 4;
constexpr int kRingOuter = 12;
constexpr double kRingContrast = 3.0;

struct Thresholds {
    float timesLevel;   // strong pixel: response above this many texture levels...
    float minContrast;  // ...and above this many grey levels
};

Thresholds thresholdsFor(double sensitivity) {
    const double s = std::clamp(sensitivity, 0.0, 1.0);
    return {static_cast<float>(12.0 - 8.0 * s), static_cast<float>(90.0 - 60.0 * s)};
}

struct ComponentStats {
    bool hasStrong = false;
    float maxHalfWidth = 0.f;
    double halfWidthSum = 0.0;
    float peak = 0.f;
    double densitySum = 0.0;
};

// Candidate pixels of one polarity (bright or dark), CV_8U 0/255.
struct Candidates {
    cv::Mat response;      // top-hat or black-hat, CV_32F
    cv::Mat weak;          // response above half the strong threshold
    cv::Mat scratchWeak;   // weak and line-like
    cv::Mat scratchStrong; // strong and clearly line-like
    cv::Mat speckStrong;   // well above the strong threshold
    cv::Mat step;          // how much the background steps across each pixel, in grey levels
};

// A scratch lies on one continuous background: with the line removed (the opening for bright lines,
// the closing for dark ones) the surface is flat across it. An outline or a crease separates two
// different surfaces, so the background steps there. Returned as the grey-level change over the
// width of a scratch.
cv::Mat backgroundStep(const cv::Mat& luma, const cv::Mat& response, bool bright) {
    const cv::Mat background = bright ? luma - response : luma + response;
    cv::Mat smooth, gx, gy, magnitude;
    cv::GaussianBlur(background, smooth, {0, 0}, 1.5);
    cv::Sobel(smooth, gx, CV_32F, 1, 0, 3, 1.0 / 8.0);
    cv::Sobel(smooth, gy, CV_32F, 0, 1, 3, 1.0 / 8.0);
    cv::magnitude(gx, gy, magnitude);
    return magnitude * kStepSpan;
}

Candidates findCandidates(const cv::Mat& luma, const cv::Mat& response, const cv::Mat& level,
                          const Thresholds& t, bool bright) {
    const cv::Mat strong = cv::max(level * t.timesLevel, t.minContrast);
    const cv::Mat line = damage::lineResponse(response);
    Candidates c;
    c.response = response;
    c.weak = response > strong * 0.5;
    c.scratchWeak = c.weak & (line > strong * 0.3);
    c.scratchStrong = (response > strong) & (line > strong * 0.6);
    c.speckStrong = response > strong * 1.3;
    c.step = backgroundStep(luma, response, bright);
    return c;
}

std::vector<ComponentStats> componentStats(const cv::Mat& labels, int n, const cv::Mat& strong,
                                           const cv::Mat& response, const cv::Mat& halfWidth,
                                           const cv::Mat& density) {
    std::vector<ComponentStats> cs(n);
    for (int y = 0; y < labels.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        const uchar* s = strong.ptr<uchar>(y);
        const float* r = response.ptr<float>(y);
        const float* h = halfWidth.ptr<float>(y);
        const float* d = density.ptr<float>(y);
        for (int x = 0; x < labels.cols; ++x) {
            if (l[x] == 0) continue;
            ComponentStats& c = cs[l[x]];
            c.hasStrong |= s[x] != 0;
            c.maxHalfWidth = std::max(c.maxHalfWidth, h[x]);
            c.halfWidthSum += h[x];
            c.peak = std::max(c.peak, r[x]);
            c.densitySum += d[x];
        }
    }
    return cs;
}

cv::Rect boxOf(const cv::Mat& stats, int i) {
    return {stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
            stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT)};
}

void paintKept(const cv::Mat& labels, const std::vector<uchar>& keep, cv::Mat& accepted) {
    for (int y = 0; y < labels.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        uchar* a = accepted.ptr<uchar>(y);
        for (int x = 0; x < labels.cols; ++x)
            if (keep[l[x]]) a[x] = 255;
    }
}

// A speck must stand out from a flat ring around it with no other candidates in it: this is what
// separates dust from a catch-light in an eye, a button or a letter.
bool isIsolatedSpeck(const cv::Mat& labels, int label, const cv::Rect& box, const cv::Mat& luma,
                     const cv::Mat& anyCandidate, float peak) {
    const int pad = 7;
    const cv::Rect roi = (box + cv::Size(2 * pad, 2 * pad) - cv::Point(pad, pad)) &
                         cv::Rect(0, 0, labels.cols, labels.rows);
    const cv::Mat self = labels(roi) == label;
    cv::Mat inner, outer;
    cv::dilate(self, inner, cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5}));
    cv::dilate(self, outer, cv::getStructuringElement(cv::MORPH_ELLIPSE, {13, 13}));
    const cv::Mat ring = outer & ~inner;
    const int ringArea = cv::countNonZero(ring);
    if (ringArea == 0) return false;
    const int others = cv::countNonZero(anyCandidate(roi) & ring);
    if (others > ringArea / 20) return false;
    cv::Scalar mean, stddev;
    cv::meanStdDev(luma(roi), mean, stddev, ring);
    return peak >= 4.0 * stddev[0];
}

// A scratch stands out from what surrounds it: its mean response must be several times the mean
// response in a band around it. Curtain folds, bark, foliage and hair fail this: they sit among
// many similar structures.
bool standsOutFromSurroundings(const cv::Mat& labels, int label, const cv::Rect& box,
                               const cv::Mat& response) {
    const int pad = kRingOuter;
    const cv::Rect roi = (box + cv::Size(2 * pad, 2 * pad) - cv::Point(pad, pad)) &
                         cv::Rect(0, 0, labels.cols, labels.rows);
    const cv::Mat self = labels(roi) == label;
    cv::Mat inner, outer;
    cv::dilate(self, inner, cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * kRingInner + 1, 2 * kRingInner + 1}));
    cv::dilate(self, outer, cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * kRingOuter + 1, 2 * kRingOuter + 1}));
    const cv::Mat ring = outer & ~inner;
    if (cv::countNonZero(ring) == 0) return true;
    const double inside = cv::mean(response(roi), self)[0];
    const double around = cv::mean(response(roi), ring)[0];
    return inside >= kRingContrast * around;
}

bool liesOnOneSurface(const cv::Mat& labels, int label, const cv::Rect& box, const Candidates& c) {
    const cv::Mat self = labels(box) == label;
    return cv::mean(c.step(box), self)[0] <= kMaxStepRatio * cv::mean(c.response(box), self)[0];
}

void acceptScratches(const Candidates& c, const cv::Mat& density, const DamageParams& params,
                     cv::Mat& accepted) {
    cv::Mat labels, stats, centroids;
    const int n =
        cv::connectedComponentsWithStats(c.scratchWeak, labels, stats, centroids, 8, CV_32S);
    cv::Mat halfWidth;
    cv::distanceTransform(c.scratchWeak, halfWidth, cv::DIST_L2, 3);
    const std::vector<ComponentStats> cs =
        componentStats(labels, n, c.scratchStrong, c.response, halfWidth, density);
    std::vector<uchar> keep(n, 0);
    for (int i = 1; i < n; ++i) {
        if (!cs[i].hasStrong) continue;
        const int area = stats.at<int>(i, cv::CC_STAT_AREA);
        const cv::Rect box = boxOf(stats, i);
        // Width from the mean distance to the component's border (about (w + 2) / 4 across a line of
        // width w) and length as area / width: unlike the bounding box, this follows curved cracks.
        const double width = std::max(1.0, 4.0 * cs[i].halfWidthSum / area - 2.0);
        const double length = area / width;
        // The component's own pixels raise the density around it by about its width / window.
        const double density = cs[i].densitySum / area - width / kDensityWindow;
        // Short pieces look like eyelids, creases and leaf edges: only long ones are trusted.
        const bool longEnough = length >= kTrustedLengthFactor * params.minLength;
        // A network (brick mortar, a grille) fills its bounding box; a crack, even a curved one,
        // covers little of it unless it is straight (and then the box is about as thin as it is).
        const bool network = area > kMaxBoxFill * box.area() &&
                             std::min(box.width, box.height) > 4 * width;
        if (!network && density <= kMaxDensity && longEnough && width <= kMaxWidth &&
            cs[i].maxHalfWidth <= kMaxHalfWidth &&
            standsOutFromSurroundings(labels, i, box, c.response) &&
            liesOnOneSurface(labels, i, box, c))
            keep[i] = 255;
    }
    paintKept(labels, keep, accepted);
}

void acceptSpecks(const Candidates& c, const cv::Mat& luma, const cv::Mat& anyCandidate,
                  cv::Mat& accepted) {
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(c.weak, labels, stats, centroids, 8, CV_32S);
    cv::Mat noWidth = cv::Mat::zeros(labels.size(), CV_32F);
    const std::vector<ComponentStats> cs =
        componentStats(labels, n, c.speckStrong, c.response, noWidth, noWidth);
    std::vector<uchar> keep(n, 0);
    for (int i = 1; i < n; ++i) {
        if (!cs[i].hasStrong) continue;
        const int area = stats.at<int>(i, cv::CC_STAT_AREA);
        const cv::Rect box = boxOf(stats, i);
        if (area < 2 || area > kMaxSpeckArea || area < 0.3 * box.area()) continue;
        if (isIsolatedSpeck(labels, i, box, luma, anyCandidate, cs[i].peak)) keep[i] = 255;
    }
    paintKept(labels, keep, accepted);
}

// Eyes, brows, nostrils and lips are dark curves and spots on a smooth surface: exactly what the
// measures above look for. Damage found wholly inside a detected face is dropped; a scratch that
// crosses the face and goes on outside it is kept.
void spareFaces(const cv::Mat& image, cv::Mat& mask) {
    std::vector<FaceBox> faces;
    try {
        faces = detectFaces(image, {});
    } catch (const Error&) {
        return;  // no face detector installed: nothing to spare
    }
    if (faces.empty()) return;
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8, CV_32S);
    std::vector<uchar> drop(n, 0);
    for (const FaceBox& f : faces) {
        const cv::Rect grown = f.box + cv::Size(f.box.width / 5, f.box.height / 5) -
                               cv::Point(f.box.width / 10, f.box.height / 10);
        for (int i = 1; i < n; ++i)
            if ((boxOf(stats, i) & grown) == boxOf(stats, i)) drop[i] = 1;
    }
    for (int y = 0; y < mask.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        uchar* m = mask.ptr<uchar>(y);
        for (int x = 0; x < mask.cols; ++x)
            if (drop[l[x]]) m[x] = 0;
    }
}

}  // namespace

cv::Mat detectDamage(const cv::Mat& image, const DamageParams& params,
                     engine::JobContext& context) {
    if (image.empty()) throw Error("Detect damage: the image is empty");
    if ((image.depth() != CV_8U && image.depth() != CV_16U) ||
        (image.channels() != 1 && image.channels() != 3 && image.channels() != 4))
        throw Error("Detect damage: unsupported pixel format (expected 8 or 16 bit grey, BGR or BGRA)");

    context.progress(0.0, "Finding scratches and dust");
    const cv::Mat luma = damage::luminance(image);
    const damage::ThinResponses responses = damage::thinResponses(luma);
    context.throwIfCancelled();
    const cv::Mat level = damage::textureLevel(luma);
    context.throwIfCancelled();
    context.progress(0.4, "Finding scratches and dust");

    const Thresholds t = thresholdsFor(params.sensitivity);
    const Candidates bright = findCandidates(luma, responses.bright, level, t, true);
    context.throwIfCancelled();
    const Candidates dark = findCandidates(luma, responses.dark, level, t, false);
    context.throwIfCancelled();
    context.progress(0.6, "Finding scratches and dust");

    cv::Mat mask = cv::Mat::zeros(image.size(), CV_8UC1);
    if (params.scratches) {
        cv::Mat density;
        cv::boxFilter(bright.scratchWeak | dark.scratchWeak, density, CV_32F,
                      {kDensityWindow, kDensityWindow}, {-1, -1}, true, cv::BORDER_REFLECT);
        density /= 255.0;
        acceptScratches(bright, density, params, mask);
        acceptScratches(dark, density, params, mask);
        context.throwIfCancelled();
    }
    if (params.dust) {
        const cv::Mat anyCandidate = bright.weak | dark.weak;
        acceptSpecks(bright, luma, anyCandidate, mask);
        acceptSpecks(dark, luma, anyCandidate, mask);
        context.throwIfCancelled();
    }
    context.progress(0.9, "Finding scratches and dust");
    spareFaces(image, mask);

    cv::dilate(mask, mask,
               cv::getStructuringElement(cv::MORPH_ELLIPSE,
                                         {2 * kGrowPixels + 1, 2 * kGrowPixels + 1}));
    context.progress(1.0, "Finding scratches and dust");
    return mask;
}

}  // namespace pm::ops
