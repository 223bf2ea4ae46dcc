#include "core/ops/split/bed_mask.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace pm::ops::split {
namespace {

float median(std::vector<float>& values) {
    if (values.empty()) return 0.f;
    auto mid = values.begin() + values.size() / 2;
    std::nth_element(values.begin(), mid, values.end());
    return *mid;
}

float robustSigma(std::vector<float> values, float centre) {
    for (float& v : values) v = std::abs(v - centre);
    return 1.4826f * median(values);
}

}  // namespace

cv::Mat gradientMagnitude(const cv::Mat& gray, cv::Mat* gxOut, cv::Mat* gyOut, double blurSigma) {
    cv::Mat smooth = gray, gx, gy, mag;
    if (blurSigma > 0) cv::GaussianBlur(gray, smooth, cv::Size(0, 0), blurSigma);
    // Sobel sums 8x the per-pixel slope.
    cv::Sobel(smooth, gx, CV_32F, 1, 0, 3, 1.0 / 8.0);
    cv::Sobel(smooth, gy, CV_32F, 0, 1, 3, 1.0 / 8.0);
    cv::magnitude(gx, gy, mag);
    if (gxOut) *gxOut = gx;
    if (gyOut) *gyOut = gy;
    return mag;
}

BedModel estimateBed(const cv::Mat& lab, const cv::Mat& gradient) {
    const int band = std::max(2, std::min(lab.rows, lab.cols) / 60);
    std::vector<float> L, a, b, g;
    for (int y = 0; y < lab.rows; ++y) {
        const bool rowInBand = y < band || y >= lab.rows - band;
        const auto* p = lab.ptr<cv::Vec3f>(y);
        const auto* q = gradient.ptr<float>(y);
        for (int x = 0; x < lab.cols; ++x) {
            if (!rowInBand && x >= band && x < lab.cols - band) x = lab.cols - band;
            L.push_back(p[x][0]);
            a.push_back(p[x][1]);
            b.push_back(p[x][2]);
            g.push_back(q[x]);
        }
    }
    BedModel bed;
    std::vector<float> tmp = L;
    bed.lab[0] = median(tmp);
    tmp = a;
    bed.lab[1] = median(tmp);
    tmp = b;
    bed.lab[2] = median(tmp);
    bed.sigmaL = robustSigma(L, bed.lab[0]);
    bed.sigmaChroma = std::max(robustSigma(a, bed.lab[1]), robustSigma(b, bed.lab[2]));
    bed.gradientNoise = median(g);
    return bed;
}

PhotoMasks photoMasks(const cv::Mat& lab, const cv::Mat& gradient, const cv::Mat& softGradient,
                      const BedModel& bed, int thresholdLevels) {
    // L* spans 0..100 where 8-bit levels span 0..255.
    const float levelsToL = 100.f / 255.f;
    float tL = std::max(5.f * bed.sigmaL, 3.f);
    float tC = std::max(5.f * bed.sigmaChroma, 3.f);
    if (thresholdLevels > 0) tL = tC = thresholdLevels * levelsToL;
    const float tG = std::max(6.f * bed.gradientNoise, 1.5f);
    // A step keeps about 2.5x more slope unblurred than blurred by 2 px; a ramp wider than that,
    // 1x.
    constexpr float kStepRatio = 1.6f;

    PhotoMasks masks{cv::Mat(lab.size(), CV_8UC1), cv::Mat(lab.size(), CV_8UC1)};
    for (int y = 0; y < lab.rows; ++y) {
        const auto* p = lab.ptr<cv::Vec3f>(y);
        const auto* g = gradient.ptr<float>(y);
        const auto* gs = softGradient.ptr<float>(y);
        auto* loose = masks.loose.ptr<uchar>(y);
        auto* strict = masks.strict.ptr<uchar>(y);
        for (int x = 0; x < lab.cols; ++x) {
            const float dL = p[x][0] - bed.lab[0];
            const float dC = std::hypot(p[x][1] - bed.lab[1], p[x][2] - bed.lab[2]);
            const bool edge = g[x] > tG && g[x] > kStepRatio * gs[x];
            const bool bedColour = dC < tC && std::abs(dL) < tL;
            const bool shadow = dC < tC && dL < 0.f;
            loose[x] = (bedColour || shadow) && g[x] < tG ? 0 : 255;
            strict[x] = (bedColour || shadow) && !edge ? 0 : 255;
        }
    }
    return masks;
}

}  // namespace pm::ops::split
