#include "core/ops/remove/sided_membrane.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/ops/remove/harmonic_fill.h"

namespace pm::ops {
namespace {

using Colour = cv::Vec3f;

float largestDifference(const Colour& a, const Colour& b, int channels) {
    float most = 0.0f;
    for (int c = 0; c < channels; ++c) most = std::max(most, std::abs(a[c] - b[c]));
    return most;
}

Colour colourAt(const cv::Mat& image, int y, int x) {
    Colour out(0, 0, 0);
    const uchar* p = image.ptr<uchar>(y) + x * image.channels();
    for (int c = 0; c < std::min(image.channels(), 3); ++c) out[c] = p[c];
    return out;
}

// Two means of the ring's colours (deterministic: seeded by the pixel farthest from the mean and
// the one farthest from that). `side` gets 0 or 1 per sample.
void twoMeans(const std::vector<Colour>& samples, Colour centres[2], std::vector<int>& side) {
    Colour mean(0, 0, 0);
    for (const Colour& s : samples) mean += s;
    mean *= 1.0f / static_cast<float>(samples.size());
    auto farthestFrom = [&](const Colour& from) {
        size_t best = 0;
        double far = -1.0;
        for (size_t i = 0; i < samples.size(); ++i) {
            const double d = cv::norm(samples[i] - from);
            if (d > far) {
                far = d;
                best = i;
            }
        }
        return samples[best];
    };
    centres[0] = farthestFrom(mean);
    centres[1] = farthestFrom(centres[0]);
    side.assign(samples.size(), 0);
    for (int iteration = 0; iteration < 12; ++iteration) {
        Colour sum[2] = {Colour(0, 0, 0), Colour(0, 0, 0)};
        int count[2] = {0, 0};
        for (size_t i = 0; i < samples.size(); ++i) {
            side[i] = cv::norm(samples[i] - centres[1]) < cv::norm(samples[i] - centres[0]) ? 1 : 0;
            sum[side[i]] += samples[i];
            ++count[side[i]];
        }
        for (int k = 0; k < 2; ++k)
            if (count[k] > 0) centres[k] = sum[k] * (1.0f / static_cast<float>(count[k]));
    }
}

}  // namespace

cv::Mat sidedMembrane(const cv::Mat& colour, const cv::Mat& hole, const cv::Mat& patches,
                      const cv::Mat& plain, const SidedMembraneParams& params) {
    CV_Assert(colour.depth() == CV_8U && colour.channels() <= 3 && hole.type() == CV_8UC1 &&
              hole.size() == colour.size() && patches.type() == colour.type() &&
              patches.size() == colour.size() && plain.type() == colour.type() &&
              plain.size() == colour.size());
    const int channels = colour.channels();
    cv::Mat ring;
    const int side = 2 * params.ringPixels + 1;
    cv::dilate(hole, ring, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(side, side)));
    ring &= hole == 0;
    std::vector<cv::Point> at;
    cv::findNonZero(ring, at);
    if (at.size() < 20) return plain;
    std::vector<Colour> samples;
    samples.reserve(at.size());
    for (const cv::Point& p : at) samples.push_back(colourAt(colour, p.y, p.x));
    Colour centres[2];
    std::vector<int> sideOf;
    twoMeans(samples, centres, sideOf);
    const double apart = cv::norm(centres[0] - centres[1]);
    if (largestDifference(centres[0], centres[1], channels) < params.minContrast) return plain;
    double spread[2] = {0.0, 0.0};
    int count[2] = {0, 0};
    for (size_t i = 0; i < samples.size(); ++i) {
        const double d = cv::norm(samples[i] - centres[sideOf[i]]);
        spread[sideOf[i]] += d * d;
        ++count[sideOf[i]];
    }
    for (int k = 0; k < 2; ++k) {
        if (count[k] < params.minShare * static_cast<double>(samples.size())) return plain;
        if (std::sqrt(spread[k] / count[k]) > params.maxSpread * apart) return plain;
    }
    // Each side's membrane, held by its part of the ring only.
    cv::Mat membranes[2];
    for (int k = 0; k < 2; ++k) {
        cv::Mat known(colour.size(), CV_8UC1, cv::Scalar(0));
        for (size_t i = 0; i < at.size(); ++i)
            if (sideOf[i] == k) known.at<uchar>(at[i]) = 255;
        membranes[k] = membraneFrom(colour, known, 60, 10);
    }
    cv::Mat smooth;
    cv::GaussianBlur(patches, smooth, cv::Size(), params.sigma);
    cv::Mat out = plain.clone();
    const float limit = static_cast<float>(params.maxDistance);
    for (int y = 0; y < out.rows; ++y) {
        const uchar* h = hole.ptr<uchar>(y);
        for (int x = 0; x < out.cols; ++x) {
            if (!h[x]) continue;
            const Colour p = colourAt(smooth, y, x);
            const float d0 = largestDifference(p, colourAt(membranes[0], y, x), channels),
                        d1 = largestDifference(p, colourAt(membranes[1], y, x), channels);
            if (std::min(d0, d1) > limit) continue;
            const cv::Mat& from = membranes[d1 < d0 ? 1 : 0];
            std::copy_n(from.ptr<uchar>(y) + x * channels, channels, out.ptr<uchar>(y) + x * channels);
        }
    }
    return out;
}

}  // namespace pm::ops
