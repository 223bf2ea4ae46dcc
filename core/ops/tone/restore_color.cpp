// Faded prints lose their blacks and whites unevenly per dye layer, which shows as low contrast plus
// a colour cast. Stretching each channel between robust levels undoes most of both; what cast remains
// is read off the pixels that are nearly gray and removed in L*a*b*, where it does not shift lightness.
#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/ops/tone/float_image.h"
#include "core/ops/tone/tone.h"

namespace pm::ops {
namespace {

constexpr double kLowPercentile = 0.005;
constexpr double kHighPercentile = 0.995;
/// A channel is never stretched more than this: a nearly flat channel is content, not fading.
constexpr float kMinRange = 0.2f;
/// Chroma (a*, b*) below which a pixel is taken as meant to be gray.
constexpr float kNeutralChroma = 18.f;
constexpr float kMaxCastShift = 25.f;

/// Statistics need no more than about a megapixel.
cv::Mat statsSample(const cv::Mat& color) {
    const double f = std::sqrt(1.0e6 / std::max<double>(1.0, double(color.total())));
    if (f >= 1.0) return color;
    cv::Mat s;
    cv::resize(color, s, cv::Size(), f, f, cv::INTER_AREA);
    return s;
}

std::pair<float, float> levels(const cv::Mat& channel) {
    constexpr int kBins = 4096;
    std::vector<int> hist(kBins, 0);
    for (int y = 0; y < channel.rows; ++y) {
        const float* p = channel.ptr<float>(y);
        for (int x = 0; x < channel.cols; ++x)
            ++hist[std::clamp(static_cast<int>(p[x] * (kBins - 1) + 0.5f), 0, kBins - 1)];
    }
    const double n = double(channel.total());
    auto percentile = [&](double q) {
        double acc = 0;
        for (int i = 0; i < kBins; ++i)
            if ((acc += hist[i]) >= q * n) return float(i) / (kBins - 1);
        return 1.f;
    };
    return {percentile(kLowPercentile), percentile(kHighPercentile)};
}

/// Per-channel levels stretch, applied to `color`; the levels come from `sample`.
void stretchChannels(cv::Mat& color, const cv::Mat& sample) {
    std::vector<cv::Mat> planes, samplePlanes;
    cv::split(color, planes);
    cv::split(sample, samplePlanes);
    for (size_t c = 0; c < planes.size(); ++c) {
        auto [lo, hi] = levels(samplePlanes[c]);
        const float range = std::max(hi - lo, kMinRange);
        planes[c] = (planes[c] - lo) * (1.0 / range);
    }
    cv::merge(planes, color);
}

/// Mean a*, b* of the near-gray pixels of a BGR sample: the cast that gray objects show.
cv::Vec2f neutralCast(const cv::Mat& bgrSample) {
    cv::Mat lab, clipped;
    cv::min(cv::max(bgrSample, 0.0), 1.0, clipped);
    cv::cvtColor(clipped, lab, cv::COLOR_BGR2Lab);
    double sa = 0, sb = 0, n = 0, ta = 0, tb = 0;
    for (int y = 0; y < lab.rows; ++y) {
        const auto* p = lab.ptr<cv::Vec3f>(y);
        for (int x = 0; x < lab.cols; ++x) {
            ta += p[x][1], tb += p[x][2];
            // Deep shadows and blown highlights carry no reliable colour.
            if (p[x][0] < 8.f || p[x][0] > 97.f) continue;
            if (std::hypot(p[x][1], p[x][2]) > kNeutralChroma) continue;
            sa += p[x][1], sb += p[x][2], ++n;
        }
    }
    cv::Vec2f cast;
    if (n >= 0.05 * lab.total()) cast = cv::Vec2f(float(sa / n), float(sb / n));
    else cast = cv::Vec2f(float(0.5 * ta / lab.total()), float(0.5 * tb / lab.total()));  // gray world, half
    for (int i = 0; i < 2; ++i) cast[i] = std::clamp(cast[i], -kMaxCastShift, kMaxCastShift);
    return cast;
}

}  // namespace

cv::Mat restoreColor(const cv::Mat& image, double strength) {
    if (image.empty() || strength <= 0.0) return image.clone();
    strength = std::min(strength, 1.0);
    const tone::FloatImage in = tone::toFloat(image);
    cv::Mat restored = in.color.clone();
    stretchChannels(restored, statsSample(in.color));
    if (restored.channels() == 3) {
        const cv::Vec2f cast = neutralCast(statsSample(restored));
        cv::Mat lab;
        cv::min(cv::max(restored, 0.0), 1.0, restored);
        cv::cvtColor(restored, lab, cv::COLOR_BGR2Lab);
        cv::add(lab, cv::Scalar(0, -cast[0], -cast[1]), lab);
        cv::cvtColor(lab, restored, cv::COLOR_Lab2BGR);
    }
    cv::Mat out;
    cv::addWeighted(in.color, 1.0 - strength, restored, strength, 0.0, out);
    return tone::fromFloat(out, in);
}

}  // namespace pm::ops
