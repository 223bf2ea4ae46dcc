// Bringing the cartoon made at the working scale back to the output size. The linear model of the
// guided filter (result = a * guide + b per window) is fitted at the low scale and evaluated at the
// full one: flat regions stay flat (a ~ 0), edges follow the full-size photo instead of a blurred
// upscale.
#include <algorithm>
#include <array>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/ops/cartoon/cartoon_steps.h"

namespace pm::ops::cartoon {

namespace {

// Planes of the low-scale model, each CV_32F (kept apart: OpenCV's resize and merge take a slow
// generic path past 4 channels, 87 ms for 7 float channels at 768 x 512).
enum Plane { A0, A1, A2, B0, B1, B2, Line, kPlanes };

cv::Mat boxMean(const cv::Mat& m, int radius) {
    cv::Mat out;
    cv::boxFilter(m, out, CV_32F, {2 * radius + 1, 2 * radius + 1});
    return out;
}

/// The guided filter's per-channel linear model of `lowResult` against the gray of `lowGuide`.
void fitLinearModel(const cv::Mat& lowGuide, const cv::Mat& lowResult, std::array<cv::Mat, kPlanes>& planes) {
    constexpr int kRadius = 2;
    constexpr double kEps = 0.02 * 0.02;  // below ~5 grey levels of variance counts as flat
    cv::Mat guide;
    cv::cvtColor(lowGuide, guide, cv::COLOR_BGR2GRAY);
    guide.convertTo(guide, CV_32F, 1.0 / 255);
    std::vector<cv::Mat> channels;
    cv::split(lowResult, channels);
    const cv::Mat meanI = boxMean(guide, kRadius);
    const cv::Mat varI = boxMean(guide.mul(guide), kRadius) - meanI.mul(meanI);
    for (int c = 0; c < 3; ++c) {
        cv::Mat p;
        channels[c].convertTo(p, CV_32F, 1.0 / 255);
        const cv::Mat meanP = boxMean(p, kRadius);
        const cv::Mat cov = boxMean(guide.mul(p), kRadius) - meanI.mul(meanP);
        const cv::Mat a = cov / (varI + kEps);
        const cv::Mat b = meanP - a.mul(meanI);
        planes[A0 + c] = boxMean(a, kRadius);
        planes[B0 + c] = boxMean(b, kRadius);
    }
}

}  // namespace

cv::Mat composeCartoon(const cv::Mat& lowGuide, const cv::Mat& lowResult, const cv::Mat& lowLines,
                       const cv::Mat& photo, const Recipe& recipe, double strength) {
    std::array<cv::Mat, kPlanes> planes;
    if (lowGuide.size() == photo.size()) {
        // Same size: the model is the result itself (a = 0, b = result).
        std::vector<cv::Mat> channels;
        cv::split(lowResult, channels);
        for (int c = 0; c < 3; ++c) {
            planes[A0 + c] = cv::Mat::zeros(lowResult.size(), CV_32F);
            channels[c].convertTo(planes[B0 + c], CV_32F, 1.0 / 255);
        }
    } else {
        fitLinearModel(lowGuide, lowResult, planes);
    }
    planes[Line] = lowLines;

    // Seven coefficient planes at 12 MP would be ~340 MB of floats: instead each output row
    // interpolates them from two low rows (each low row widened once), and the lines and the blend
    // with the photo happen in the same pass.
    std::array<cv::Mat, kPlanes> wide;
    for (int k = 0; k < kPlanes; ++k) {
        if (planes[k].cols == photo.cols) wide[k] = planes[k];
        else cv::resize(planes[k], wide[k], {photo.cols, planes[k].rows}, 0, 0, cv::INTER_LINEAR);
    }
    cv::Mat gray;
    cv::cvtColor(photo, gray, cv::COLOR_BGR2GRAY);
    cv::Mat out(photo.size(), CV_8UC3);
    const int lowRows = planes[0].rows;
    const double scale = double(lowRows) / photo.rows;
    const float opacity = float(recipe.lineOpacity);
    const float ink = recipe.inkBlack ? 18.f / 255 : 0.f;
    const float shade = recipe.inkBlack ? 0.f : 0.3f;  // anime lines: the colour, much darker
    const float s = float(strength);
    cv::parallel_for_(cv::Range(0, out.rows), [&](const cv::Range& rows) {
        const int width = out.cols;
        std::vector<float> row(size_t(width) * kPlanes);
        for (int y = rows.start; y < rows.end; ++y) {
            // The sample positions of INTER_LINEAR (pixel centres aligned).
            const double sy = std::clamp((y + 0.5) * scale - 0.5, 0.0, double(lowRows - 1));
            const int y0 = int(sy), y1 = std::min(y0 + 1, lowRows - 1);
            const float w1 = float(sy - y0), w0 = 1.f - w1;
            for (int k = 0; k < kPlanes; ++k) {
                const float* r0 = wide[k].ptr<float>(y0);
                const float* r1 = wide[k].ptr<float>(y1);
                float* dst = &row[size_t(k) * width];
                for (int x = 0; x < width; ++x) dst[x] = w0 * r0[x] + w1 * r1[x];
            }
            const float* c[kPlanes];
            for (int k = 0; k < kPlanes; ++k) c[k] = &row[size_t(k) * width];
            const uchar* g = gray.ptr<uchar>(y);
            const uchar* p = photo.ptr<uchar>(y);
            uchar* o = out.ptr<uchar>(y);
            for (int x = 0; x < width; ++x) {
                const float i = g[x] * (1.f / 255);
                const float line = std::clamp(c[Line][x], 0.f, 1.f) * opacity;
                for (int k = 0; k < 3; ++k) {
                    const float colour = c[A0 + k][x] * i + c[B0 + k][x];
                    const float drawn = colour * (1.f - line) + (ink + shade * colour) * line;
                    const float v = drawn * 255.f * s + p[3 * x + k] * (1.f - s);
                    o[3 * x + k] = uchar(std::clamp(v + 0.5f, 0.f, 255.f));
                }
            }
        }
    });
    return out;
}

}  // namespace pm::ops::cartoon
