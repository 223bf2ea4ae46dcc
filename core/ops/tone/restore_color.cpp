// Faded prints lose their blacks and whites unevenly per dye layer, which shows as low contrast
// plus a colour cast. Stretching each channel between robust levels undoes most of both; what cast
// remains is read off the pixels that are nearly gray and removed in L*a*b*, where it does not
// shift lightness.
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

/// A one-tone print: stretch lightness only and keep its tint.
cv::Mat restoreMonotone(const cv::Mat& bgr, const cv::Mat& sample) {
    cv::Mat lab, sampleLab, clipped;
    cv::min(cv::max(bgr, 0.0), 1.0, clipped);
    cv::cvtColor(clipped, lab, cv::COLOR_BGR2Lab);
    cv::cvtColor(sample, sampleLab, cv::COLOR_BGR2Lab);
    std::vector<cv::Mat> planes, samplePlanes;
    cv::split(lab, planes);
    cv::split(sampleLab, samplePlanes);
    auto [lo, hi] = levels(samplePlanes[0] / 100.0);
    const float range = std::max(hi - lo, kMinRange);
    planes[0] = (planes[0] - lo * 100.f) * (1.0 / range);
    cv::merge(planes, lab);
    cv::Mat out;
    cv::cvtColor(lab, out, cv::COLOR_Lab2BGR);
    return out;
}

}  // namespace

cv::Mat restoreColor(const cv::Mat& image, double strength) {
    if (image.empty() || strength <= 0.0) return image.clone();
    strength = std::min(strength, 1.0);
    const tone::FloatImage in = tone::toFloat(image);
    cv::Mat restored = in.color.clone();
    const cv::Mat sample = statsSample(in.color);
    const bool monotone = restored.channels() == 3 && chromaSpread(sample) < kMonotoneSpread;
    if (monotone)
        restored = restoreMonotone(restored, sample);
    else
        stretchChannels(restored, sample);
    if (restored.channels() == 3 && !monotone) {
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
