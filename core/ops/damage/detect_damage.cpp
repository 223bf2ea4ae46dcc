#include "core/ops/damage/detect_damage.h"

#include <algorithm>
#include <cmath>
#include <vector>
#include <cstdio>
#include <cstdlib>

#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/ops/damage/damage_maps.h"

namespace pm::ops {

namespace {

constexpr int kDensityWindow = 41;
constexpr double kMaxDensity = 0.2;     // candidate share of a window that reads as texture
constexpr double kMaxThickness = 7.0;   // area / diagonal of a scratch component
constexpr float kMaxHalfWidth = 5.0f;   // distance-transform peak: no part of a scratch is wider
constexpr int kMaxSpeckArea = 80;
constexpr int kGrowPixels = 2;
constexpr int kRingInner = 4;
constexpr int kRingOuter = 12;
constexpr double kRingContrast = 4.0;
constexpr double kMaxRingCandidates = 1.0;

struct Thresholds {
    float timesLevel;   // strong pixel: response above this many texture levels...
    float minContrast;  // ...and above this many grey levels
};

Thresholds thresholdsFor(double sensitivity) {
    const double s = std::clamp(sensitivity, 0.0, 1.0);
    return {static_cast<float>(12.0 - 8.0 * s), static_cast<float>(60.0 - 40.0 * s)};
}

struct ComponentStats {
    bool hasStrong = false;
    float maxHalfWidth = 0.f;
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
};

Candidates findCandidates(const cv::Mat& response, const cv::Mat& level, const Thresholds& t) {
    const cv::Mat strong = cv::max(level * t.timesLevel, t.minContrast);
    const cv::Mat line = damage::lineResponse(response);
    Candidates c;
    c.response = response;
    c.weak = response > strong * 0.5;
    c.scratchWeak = c.weak & (line > strong * 0.3);
    c.scratchStrong = (response > strong) & (line > strong * 0.6);
    c.speckStrong = response > strong * 1.3;
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
// response in a band around it, and few other candidates may lie in that band. Curtain folds, bark,
// foliage and hair fail this: they sit among many similar structures.
bool standsOutFromSurroundings(const cv::Mat& labels, int label, const cv::Rect& box,
                               const cv::Mat& response, const cv::Mat& anyCandidate) {
    const int pad = kRingOuter;
    const cv::Rect roi = (box + cv::Size(2 * pad, 2 * pad) - cv::Point(pad, pad)) &
                         cv::Rect(0, 0, labels.cols, labels.rows);
    const cv::Mat self = labels(roi) == label;
    cv::Mat inner, outer;
    cv::dilate(self, inner, cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * kRingInner + 1, 2 * kRingInner + 1}));
    cv::dilate(self, outer, cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * kRingOuter + 1, 2 * kRingOuter + 1}));
    const cv::Mat ring = outer & ~inner;
    const int ringArea = cv::countNonZero(ring);
    if (ringArea == 0) return true;
    const double others = cv::countNonZero(anyCandidate(roi) & ring) / static_cast<double>(ringArea);
    const double inside = cv::mean(response(roi), self)[0];
    const double around = cv::mean(response(roi), ring)[0];
    if (std::getenv("PMDBG")) fprintf(stderr, "  ring others %.3f inside %.1f around %.1f\n", others, inside, around);
    return others <= kMaxRingCandidates && inside >= kRingContrast * around;
}

void acceptScratches(const Candidates& c, const cv::Mat& density, const DamageParams& params,
                     const cv::Mat& anyCandidate, cv::Mat& accepted) {
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
        const double diagonal = std::hypot(box.width, box.height);
        const double thickness = area / std::max(1.0, diagonal);
        // The component's own pixels raise the density around it by about its thickness / window.
        const double density = cs[i].densitySum / area - thickness / kDensityWindow;
        if (std::getenv("PMDBG") && diagonal > 30) fprintf(stderr, "scr area %d diag %.0f thick %.1f hw %.1f dens %.2f\n", area, diagonal, thickness, cs[i].maxHalfWidth, density);
        if (density <= kMaxDensity && diagonal >= params.minLength &&
            thickness <= kMaxThickness && cs[i].maxHalfWidth <= kMaxHalfWidth &&
            standsOutFromSurroundings(labels, i, box, c.response, anyCandidate))
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
    const Candidates bright = findCandidates(responses.bright, level, t);
    context.throwIfCancelled();
    const Candidates dark = findCandidates(responses.dark, level, t);
    context.throwIfCancelled();
    context.progress(0.6, "Finding scratches and dust");

    cv::Mat mask = cv::Mat::zeros(image.size(), CV_8UC1);
    if (params.scratches) {
        cv::Mat density;
        cv::boxFilter(bright.scratchWeak | dark.scratchWeak, density, CV_32F,
                      {kDensityWindow, kDensityWindow}, {-1, -1}, true, cv::BORDER_REFLECT);
        density /= 255.0;
        const cv::Mat anyCandidate = bright.weak | dark.weak;
        acceptScratches(bright, density, params, anyCandidate, mask);
        acceptScratches(dark, density, params, anyCandidate, mask);
        context.throwIfCancelled();
    }
    if (params.dust) {
        const cv::Mat anyCandidate = bright.weak | dark.weak;
        acceptSpecks(bright, luma, anyCandidate, mask);
        acceptSpecks(dark, luma, anyCandidate, mask);
        context.throwIfCancelled();
    }
    context.progress(0.9, "Finding scratches and dust");

    cv::dilate(mask, mask,
               cv::getStructuringElement(cv::MORPH_ELLIPSE,
                                         {2 * kGrowPixels + 1, 2 * kGrowPixels + 1}));
    context.progress(1.0, "Finding scratches and dust");
    return mask;
}

}  // namespace pm::ops
