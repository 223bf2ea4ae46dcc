#include "core/ops/damage/ridge_profile.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace pm::ops::damage {

namespace {

// Scales that match lines about 2, 3-4 and 5-6 px wide.
constexpr std::array<float, 3> kScales = {1.0f, 1.6f, 2.4f};
// Lindeberg's scale normalisation for ridges (gamma = 3/4): sigma^1.5 keeps wide faint ridges from
// winning over the thin sharp ones they often surround.
constexpr float kScalePower = 1.5f;
// The sides are sampled this far outside the ridge's half width (about 1.7 sigma).
constexpr float kSideGap = 2.5f;
constexpr float kHalfWidthPerSigma = 1.7f;
constexpr float kFarStep = 3.0f;
// Side tone: mean of samples along the ridge, so grain does not decide the comparison.
constexpr std::array<float, 3> kAlong = {-2.0f, 0.0f, 2.0f};

float sample(const cv::Mat& image, float x, float y) {
    x = std::clamp(x, 0.0f, static_cast<float>(image.cols - 1));
    y = std::clamp(y, 0.0f, static_cast<float>(image.rows - 1));
    const int x0 = static_cast<int>(x), y0 = static_cast<int>(y);
    const int x1 = std::min(x0 + 1, image.cols - 1), y1 = std::min(y0 + 1, image.rows - 1);
    const float fx = x - x0, fy = y - y0;
    const float* r0 = image.ptr<float>(y0);
    const float* r1 = image.ptr<float>(y1);
    return (r0[x0] * (1 - fx) + r0[x1] * fx) * (1 - fy) + (r1[x0] * (1 - fx) + r1[x1] * fx) * fy;
}

struct BestScale {
    cv::Mat strength;  // normalised ridge strength at the best scale
    cv::Mat normalX, normalY;
    cv::Mat sigma;
    cv::Mat bright;
};

BestScale bestScale(const cv::Mat& luma) {
    BestScale b;
    b.strength = cv::Mat::zeros(luma.size(), CV_32F);
    b.normalX = cv::Mat::zeros(luma.size(), CV_32F);
    b.normalY = cv::Mat::zeros(luma.size(), CV_32F);
    b.sigma = cv::Mat::zeros(luma.size(), CV_32F);
    b.bright = cv::Mat::zeros(luma.size(), CV_8U);
    cv::Mat smooth, xx, yy, xy;
    for (const float s : kScales) {
        cv::GaussianBlur(luma, smooth, {0, 0}, s, s, cv::BORDER_REPLICATE);
        cv::Sobel(smooth, xx, CV_32F, 2, 0, 3, 0.25, 0, cv::BORDER_REPLICATE);
        cv::Sobel(smooth, yy, CV_32F, 0, 2, 3, 0.25, 0, cv::BORDER_REPLICATE);
        cv::Sobel(smooth, xy, CV_32F, 1, 1, 3, 0.25, 0, cv::BORDER_REPLICATE);
        const float norm = std::pow(s, kScalePower);
        for (int y = 0; y < luma.rows; ++y) {
            const float* pa = xx.ptr<float>(y);
            const float* pc = yy.ptr<float>(y);
            const float* pb = xy.ptr<float>(y);
            float* st = b.strength.ptr<float>(y);
            float* nx = b.normalX.ptr<float>(y);
            float* ny = b.normalY.ptr<float>(y);
            float* sg = b.sigma.ptr<float>(y);
            uchar* br = b.bright.ptr<uchar>(y);
            for (int x = 0; x < luma.cols; ++x) {
                const float a = pa[x], c = pc[x], h = pb[x];
                const float root = std::sqrt((a - c) * (a - c) + 4 * h * h);
                const float big = 0.5f * (a + c + root), small = 0.5f * (a + c - root);
                // The curvature across a ridge dominates; along it the tone barely bends.
                const bool brightRidge = -small > big;
                const float across = brightRidge ? small : big;
                const float along = brightRidge ? big : small;
                const float strength = norm * (std::abs(across) - std::abs(along));
                if (strength <= st[x]) continue;
                // Eigenvector of `across`: (h, across - a), or (across - c, h) when that is
                // degenerate.
                float vx = h, vy = across - a;
                if (std::abs(vx) + std::abs(vy) < 1e-6f) {
                    vx = across - c;
                    vy = h;
                }
                const float len = std::sqrt(vx * vx + vy * vy);
                if (len < 1e-9f) continue;
                st[x] = strength;
                nx[x] = vx / len;
                ny[x] = vy / len;
                sg[x] = s;
                br[x] = brightRidge ? 255 : 0;
            }
        }
    }
    return b;
}

}  // namespace

Ridges findRidges(const cv::Mat& luma) {
    CV_Assert(luma.type() == CV_32FC1);
    const BestScale b = bestScale(luma);
    cv::Mat centreTone, sideTone;
    cv::GaussianBlur(luma, centreTone, {0, 0}, 0.7, 0.7, cv::BORDER_REPLICATE);
    cv::GaussianBlur(luma, sideTone, {0, 0}, 1.0, 1.0, cv::BORDER_REPLICATE);

    Ridges r;
    r.centre = cv::Mat::zeros(luma.size(), CV_8U);
    r.contrast = cv::Mat::zeros(luma.size(), CV_32F);
    r.asymmetry = cv::Mat::zeros(luma.size(), CV_32F);
    r.tone = cv::Mat::zeros(luma.size(), CV_32F);
    r.step = cv::Mat::zeros(luma.size(), CV_32F);
    r.bright = b.bright;
    r.scale = b.sigma;
    r.strength = b.strength;
    for (int y = 0; y < luma.rows; ++y) {
        const float* st = b.strength.ptr<float>(y);
        const float* nx = b.normalX.ptr<float>(y);
        const float* ny = b.normalY.ptr<float>(y);
        const float* sg = b.sigma.ptr<float>(y);
        const uchar* br = b.bright.ptr<uchar>(y);
        for (int x = 0; x < luma.cols; ++x) {
            if (st[x] <= 0) continue;
            // Centre line: the strength is a maximum across the ridge (non-maximum suppression).
            const float px = static_cast<float>(x), py = static_cast<float>(y);
            if (sample(b.strength, px + nx[x], py + ny[x]) > st[x] ||
                sample(b.strength, px - nx[x], py - ny[x]) > st[x])
                continue;
            const float d = kHalfWidthPerSigma * sg[x] + kSideGap;
            // Each side is sampled twice, near and a few pixels further out: on one flat surface
            // the two agree; beside an outline or a shaded fold they do not.
            float nearA = 0, nearB = 0, farA = 0, farB = 0;
            for (const float t : kAlong) {
                // The tangent is the normal turned by 90 degrees: (-ny, nx).
                const float ax = px - ny[x] * t, ay = py + nx[x] * t;
                nearA += sample(sideTone, ax + nx[x] * d, ay + ny[x] * d);
                nearB += sample(sideTone, ax - nx[x] * d, ay - ny[x] * d);
                farA += sample(sideTone, ax + nx[x] * (d + kFarStep), ay + ny[x] * (d + kFarStep));
                farB += sample(sideTone, ax - nx[x] * (d + kFarStep), ay - ny[x] * (d + kFarStep));
            }
            const float k = 1.0f / kAlong.size();
            nearA *= k, nearB *= k, farA *= k, farB *= k;
            const float centre = centreTone.at<float>(y, x);
            const float contrast =
                br[x] ? centre - std::max(nearA, nearB) : std::min(nearA, nearB) - centre;
            r.centre.at<uchar>(y, x) = 255;
            r.tone.at<float>(y, x) = centre;
            r.step.at<float>(y, x) = std::abs(farA - farB);
            r.contrast.at<float>(y, x) = std::max(0.0f, contrast);
            r.asymmetry.at<float>(y, x) = std::max(
                std::abs(nearA - nearB), std::max(std::abs(nearA - farA), std::abs(nearB - farB)));
        }
    }
    return r;
}

}  // namespace pm::ops::damage
