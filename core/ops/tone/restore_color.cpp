// Faded prints lose their blacks and whites unevenly per dye layer, which shows as low contrast
// plus a colour cast. Stretching each channel between robust levels undoes most of both; what cast
// remains is read off the pixels that are nearly gray and removed in L*a*b*, where it does not
// shift lightness.
#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/ops/tone/float_image.h"
#include "core/ops/tone/row_bands.h"
#include "core/ops/tone/tone.h"

namespace pm::ops {
namespace {

constexpr double kLowPercentile = 0.005;
constexpr double kHighPercentile = 0.995;
/// A channel is never stretched more than this: a nearly flat channel is content, not fading.
constexpr float kMinRange = 0.2f;
/// Chroma (a*, b*) below which a pixel is taken as meant to be gray.
constexpr float kNeutralChroma = 25.f;
constexpr float kMaxCastShift = 25.f;
/// Below this spread of a*, b* a print is one tone (sepia, cyanotype, black and white): its tint is
/// the process, not a cast, and stretching its channels apart would invent colours (blue shadows).
constexpr float kMonotoneSpread = 6.f;

/// Statistics need no more than about a megapixel.
cv::Mat statsSample(const cv::Mat& color) {
    const double f = std::sqrt(1.0e6 / std::max<double>(1.0, double(color.total())));
    if (f >= 1.0) return color;
    cv::Mat s;
    cv::resize(color, s, cv::Size(), f, f, cv::INTER_AREA);
    return s;
}

/// The same from the photo in its own depth, for photos too large to convert to float whole.
cv::Mat statsSampleOfLarge(const cv::Mat& image) {
    const double f = std::sqrt(1.0e6 / std::max<double>(1.0, double(image.total())));
    cv::Mat s;
    cv::resize(image, s, cv::Size(), f, f, cv::INTER_AREA);
    return tone::toFloat(s).color;
}

/// Levels of `channel` over the pixels where `mask` is set (all when `mask` is empty).
std::pair<float, float> levels(const cv::Mat& channel, const cv::Mat& mask = cv::Mat()) {
    constexpr int kBins = 4096;
    std::vector<int> hist(kBins, 0);
    double n = 0;
    for (int y = 0; y < channel.rows; ++y) {
        const float* p = channel.ptr<float>(y);
        const uchar* m = mask.empty() ? nullptr : mask.ptr<uchar>(y);
        for (int x = 0; x < channel.cols; ++x) {
            if (m && !m[x]) continue;
            ++hist[std::clamp(static_cast<int>(p[x] * (kBins - 1) + 0.5f), 0, kBins - 1)];
            ++n;
        }
    }
    auto percentile = [&](double q) {
        double acc = 0;
        for (int i = 0; i < kBins; ++i)
            if ((acc += hist[i]) >= q * n) return float(i) / (kBins - 1);
        return 1.f;
    };
    return {percentile(kLowPercentile), percentile(kHighPercentile)};
}

/// The photo without its black mount: the pixels inside the rows and columns along the border
/// that are nearly all dark (a scanner surround, a black mount, a burnt-in rebate). A mount is
/// neutral black and often a fifth of the scan or more, so in the levels it set every channel's
/// black level near zero and the faded, coloured blacks of the photo itself were never stretched.
/// Only whole rows and columns count as mount, so dark photo content that touches the mount (night
/// sky, dark foliage) is still measured. Empty (use every pixel) when there is no mount.
cv::Mat withoutBlackMount(const cv::Mat& sample) {
    constexpr float kMountLevel = 0.15f;  // about L* 15: darker than faded blacks
    constexpr double kDarkShare = 0.9;    // of a row or column, for it to be mount
    cv::Mat gray;
    if (sample.channels() == 1)
        gray = sample;
    else
        cv::cvtColor(sample, gray, cv::COLOR_BGR2GRAY);
    const cv::Mat dark = gray < kMountLevel;
    auto mountRow = [&](int y) { return cv::countNonZero(dark.row(y)) >= kDarkShare * dark.cols; };
    auto mountCol = [&](int x) { return cv::countNonZero(dark.col(x)) >= kDarkShare * dark.rows; };
    int top = 0, bottom = dark.rows, left = 0, right = dark.cols;
    while (top < bottom && mountRow(top)) ++top;
    while (bottom > top && mountRow(bottom - 1)) --bottom;
    while (left < right && mountCol(left)) ++left;
    while (right > left && mountCol(right - 1)) --right;
    const cv::Rect inside(left, top, right - left, bottom - top);
    // No mount, or nothing but mount (a dark photo): measure everything.
    if (inside.area() == 0 || inside.size() == dark.size()) return {};
    cv::Mat photo = cv::Mat::zeros(dark.size(), CV_8U);
    photo(inside).setTo(255);
    return photo;
}

/// Per-channel levels (low level, range) read off `sample` where `mask` is set.
std::vector<std::pair<float, float>> channelLevels(const cv::Mat& sample, const cv::Mat& mask) {
    std::vector<cv::Mat> samplePlanes;
    cv::split(sample, samplePlanes);
    std::vector<std::pair<float, float>> out;
    for (const cv::Mat& plane : samplePlanes) {
        auto [lo, hi] = levels(plane, mask);
        out.emplace_back(lo, std::max(hi - lo, kMinRange));
    }
    return out;
}

/// Per-channel levels stretch of `color` (in place).
void stretchChannels(cv::Mat& color, const std::vector<std::pair<float, float>>& channels) {
    std::vector<cv::Mat> planes;
    cv::split(color, planes);
    for (size_t c = 0; c < planes.size(); ++c)
        planes[c] = (planes[c] - channels[c].first) * (1.0 / channels[c].second);
    cv::merge(planes, color);
}

/// The a*, b* that the near-gray pixels of a BGR sample cluster at: the cast that gray objects
/// show. Mean shift from neutral finds the cluster nearest to neutral, so a large tinted area (a
/// blue-gray wall) pulls the estimate far less than it would pull a plain average.
cv::Vec2f neutralCast(const cv::Mat& bgrSample) {
    cv::Mat lab, clipped;
    cv::min(cv::max(bgrSample, 0.0), 1.0, clipped);
    cv::cvtColor(clipped, lab, cv::COLOR_BGR2Lab);
    std::vector<cv::Vec2f> ab;
    for (int y = 0; y < lab.rows; ++y) {
        const auto* p = lab.ptr<cv::Vec3f>(y);
        for (int x = 0; x < lab.cols; ++x) {
            // Deep shadows and blown highlights carry no reliable colour.
            if (p[x][0] < 8.f || p[x][0] > 97.f) continue;
            if (std::hypot(p[x][1], p[x][2]) > kNeutralChroma) continue;
            ab.emplace_back(p[x][1], p[x][2]);
        }
    }
    cv::Vec2f cast(0.f, 0.f);
    if (ab.size() < 0.02 * lab.total())
        return cast;  // a colourful picture: nothing to read a cast from
    constexpr float kBandwidth = 4.f;
    for (int iteration = 0; iteration < 20; ++iteration) {
        double sa = 0, sb = 0, sw = 0;
        for (const auto& v : ab) {
            const float da = v[0] - cast[0], db = v[1] - cast[1];
            const double w = std::exp(-(da * da + db * db) / (2.f * kBandwidth * kBandwidth));
            sa += w * v[0], sb += w * v[1], sw += w;
        }
        if (sw <= 1e-9) break;
        const cv::Vec2f next(float(sa / sw), float(sb / sw));
        const bool settled = cv::norm(next - cast) < 0.05;
        cast = next;
        if (settled) break;
    }
    for (int i = 0; i < 2; ++i) cast[i] = std::clamp(cast[i], -kMaxCastShift, kMaxCastShift);
    return cast;
}

/// The near-gray cluster of a warm, green or blue scene (sunlit foliage, grass, sand) is tinted
/// by the scene itself, so removing all of it takes the whole photo past neutral: a yellow-faded
/// autochrome came out blue. A real cast tints the whole photo at least as much as its grays, so
/// the removal may take each of a*, b* of the photo's mean no further than kMaxMeanShare of the
/// way to neutral in the cast's direction.
cv::Vec2f limitToSceneMean(cv::Vec2f cast, const cv::Mat& bgrSample, const cv::Mat& mask) {
    constexpr float kMaxMeanShare = 0.75f;
    cv::Mat lab, clipped;
    cv::min(cv::max(bgrSample, 0.0), 1.0, clipped);
    cv::cvtColor(clipped, lab, cv::COLOR_BGR2Lab);
    const cv::Scalar mean = cv::mean(lab, mask);
    for (int i = 0; i < 2; ++i) {
        const float m = float(mean[i + 1]);
        if (cast[i] * m <= 0.f) continue;  // a cast against the mean: it cannot overshoot it
        cast[i] = m > 0.f ? std::min(cast[i], kMaxMeanShare * m) : std::max(cast[i], kMaxMeanShare * m);
    }
    return cast;
}

/// Spread (standard deviation) of a*, b* over the mid-tones of a BGR sample.
float chromaSpread(const cv::Mat& bgrSample) {
    cv::Mat lab, clipped;
    cv::min(cv::max(bgrSample, 0.0), 1.0, clipped);
    cv::cvtColor(clipped, lab, cv::COLOR_BGR2Lab);
    cv::Mat midtones = cv::Mat::zeros(lab.size(), CV_8U);
    for (int y = 0; y < lab.rows; ++y)
        for (int x = 0; x < lab.cols; ++x) {
            const float l = lab.at<cv::Vec3f>(y, x)[0];
            midtones.at<uchar>(y, x) = l > 15.f && l < 90.f;
        }
    cv::Scalar mean, stddev;
    cv::meanStdDev(lab, mean, stddev, midtones);
    return float(std::hypot(stddev[1], stddev[2]));
}

/// Lightness levels (low level, range) of a one-tone print, read off `sample`.
std::pair<float, float> lightnessLevels(const cv::Mat& sample, const cv::Mat& mask) {
    cv::Mat sampleLab;
    cv::cvtColor(sample, sampleLab, cv::COLOR_BGR2Lab);
    std::vector<cv::Mat> samplePlanes;
    cv::split(sampleLab, samplePlanes);
    auto [lo, hi] = levels(samplePlanes[0] / 100.0, mask);
    return {lo, std::max(hi - lo, kMinRange)};
}

/// A one-tone print: stretch lightness only and keep its tint.
cv::Mat restoreMonotone(const cv::Mat& bgr, std::pair<float, float> lightness) {
    cv::Mat lab, clipped;
    cv::min(cv::max(bgr, 0.0), 1.0, clipped);
    cv::cvtColor(clipped, lab, cv::COLOR_BGR2Lab);
    std::vector<cv::Mat> planes;
    cv::split(lab, planes);
    planes[0] = (planes[0] - lightness.first * 100.f) * (1.0 / lightness.second);
    cv::merge(planes, lab);
    cv::Mat out;
    cv::cvtColor(lab, out, cv::COLOR_Lab2BGR);
    return out;
}

/// What restoreColor does to every pixel, worked out once from a sample of the whole photo: the
/// rest is per pixel, so the photo can then be processed band by band with the same result.
struct ColorPlan {
    bool monotone = false;
    std::pair<float, float> lightness;
    std::vector<std::pair<float, float>> channels;
    bool removeCast = false;
    cv::Vec2f cast;
};

// Photos of up to `exactPixels` are measured as the whole photo always was (from its float
// version, the cast after stretching it); larger ones from an 8-bit copy of about a megapixel, so
// that no float copy of the photo is made (the levels may then move by a fraction of a level).
ColorPlan planColor(const cv::Mat& image, std::int64_t exactPixels) {
    ColorPlan plan;
    const bool exact = static_cast<std::int64_t>(image.total()) <= exactPixels;
    const cv::Mat full = exact ? tone::toFloat(image).color : cv::Mat();
    const cv::Mat sample = exact ? statsSample(full) : statsSampleOfLarge(image);
    plan.monotone = sample.channels() == 3 && chromaSpread(sample) < kMonotoneSpread;
    const cv::Mat photo = withoutBlackMount(sample);
    if (plan.monotone) {
        plan.lightness = lightnessLevels(sample, photo);
        return plan;
    }
    plan.channels = channelLevels(sample, photo);
    if (sample.channels() == 3) {
        cv::Mat stretched = (exact ? full : sample).clone();
        stretchChannels(stretched, plan.channels);
        plan.removeCast = true;
        const cv::Mat stretchedSample = exact ? statsSample(stretched) : stretched;
        plan.cast = limitToSceneMean(neutralCast(stretchedSample), stretchedSample, photo);
    }
    return plan;
}

/// Per-channel levels and the cast are read off the mid-tones and the extremes of the whole
/// photo; applied to the deepest shadows they tint them (a black mount or vignette turns maroon),
/// because there a small offset between the channels' black levels is a large colour. So in the
/// shadows the correction may take colour away but not add it: a pixel's chroma is kept within
/// what it had in the input plus an allowance that grows with lightness, free above the shadows.
/// "Taking colour away" means moving towards neutral along the pixel's own hue: the colour kept is
/// the output's projection onto the segment from neutral to the input colour, and only what lies
/// off that segment counts against the allowance. (Limiting the chroma's size alone let a warm
/// shadow turn as blue as it had been yellow.)
void keepShadowsNeutral(cv::Mat& lab, const cv::Mat& inputLab) {
    constexpr float kShadowL = 10.f;  // at or below: no chroma may be added
    constexpr float kFreeL = 35.f;    // at or above: the correction is left alone
    constexpr float kAllowanceAtFree = 30.f;
    for (int y = 0; y < lab.rows; ++y) {
        auto* p = lab.ptr<cv::Vec3f>(y);
        const auto* q = inputLab.ptr<cv::Vec3f>(y);
        for (int x = 0; x < lab.cols; ++x) {
            const float l = p[x][0];
            if (l >= kFreeL) continue;
            const float allowance =
                kAllowanceAtFree * std::max(0.f, l - kShadowL) / (kFreeL - kShadowL);
            const float ia = q[x][1], ib = q[x][2];
            const float inChroma2 = ia * ia + ib * ib;
            const float t = inChroma2 > 1e-6f
                                ? std::clamp((p[x][1] * ia + p[x][2] * ib) / inChroma2, 0.f, 1.f)
                                : 0.f;
            const float ka = t * ia, kb = t * ib;  // the part of the input colour kept
            const float da = p[x][1] - ka, db = p[x][2] - kb;
            const float added = std::hypot(da, db);
            if (added <= allowance) continue;
            const float scale = allowance / added;
            p[x][1] = ka + da * scale, p[x][2] = kb + db * scale;
        }
    }
}

cv::Mat applyColor(const cv::Mat& image, const ColorPlan& plan, double strength) {
    const tone::FloatImage in = tone::toFloat(image);
    cv::Mat restored = in.color.clone();
    if (plan.monotone)
        restored = restoreMonotone(restored, plan.lightness);
    else
        stretchChannels(restored, plan.channels);
    if (plan.removeCast) {
        cv::Mat lab, inLab, inClipped;
        cv::min(cv::max(restored, 0.0), 1.0, restored);
        cv::cvtColor(restored, lab, cv::COLOR_BGR2Lab);
        cv::add(lab, cv::Scalar(0, -plan.cast[0], -plan.cast[1]), lab);
        cv::min(cv::max(in.color, 0.0), 1.0, inClipped);
        cv::cvtColor(inClipped, inLab, cv::COLOR_BGR2Lab);
        keepShadowsNeutral(lab, inLab);
        cv::cvtColor(lab, restored, cv::COLOR_Lab2BGR);
    }
    cv::Mat out;
    cv::addWeighted(in.color, 1.0 - strength, restored, strength, 0.0, out);
    return tone::fromFloat(out, in);
}

}  // namespace

cv::Mat restoreColor(const cv::Mat& image, double strength) {
    cv::Mat out = image.clone();
    restoreColorInPlace(out, strength);
    return out;
}

cv::Rect restoreColorInPlace(cv::Mat& image, double strength, std::int64_t bandPixels) {
    if (image.empty() || strength <= 0.0) return {};
    tone::checkToneInput(image);
    strength = std::min(strength, 1.0);
    const ColorPlan plan = planColor(image, std::max(bandPixels, tone::kBandPixels));
    // Every pixel is mapped on its own: bands need no overlap.
    return tone::transformInRowBands(image, 0, bandPixels,
                                     [&](const cv::Mat& input, cv::Range core) {
                                         return applyColor(input.rowRange(core), plan, strength);
                                     });
}

}  // namespace pm::ops
