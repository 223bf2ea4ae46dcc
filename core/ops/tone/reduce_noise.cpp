// Grain and JPEG noise sit mostly in luma at pixel scale and in chroma as coarse blotches. Luma
// gets a bilateral filter at full resolution whose range is tied to the measured noise, so steps
// well above the noise (edges) keep their sharpness; chroma is filtered at half resolution, which
// is both cheaper and better matched to its blotch size.
#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/ops/tone/float_image.h"
#include "core/ops/tone/tone.h"

namespace pm::ops {
namespace {

/// Noise standard deviation of a CV_32FC1 image (Immerkaer's Laplacian-difference operator, with
/// a median instead of a mean so that edges and texture count less).
float estimateNoise(const cv::Mat& plane) {
    cv::Mat src = plane;
    // A few hundred thousand samples measure it well enough.
    if (plane.total() > 400000) {
        const int band = std::min(plane.rows, 600);
        src = plane.rowRange((plane.rows - band) / 2, (plane.rows - band) / 2 + band);
    }
    const cv::Matx33f k(1, -2, 1, -2, 4, -2, 1, -2, 1);
    cv::Mat r;
    cv::filter2D(src, r, CV_32F, k);
    r = cv::abs(r(cv::Rect(1, 1, r.cols - 2, r.rows - 2)));
    std::vector<float> v(r.begin<float>(), r.end<float>());
    if (v.empty()) return 0.f;
    auto mid = v.begin() + v.size() / 2;
    std::nth_element(v.begin(), mid, v.end());
    // |N * noise| is Gaussian with sigma 6 * noise; its median is 0.6745 of that.
    return *mid / (6.f * 0.6745f);
}

cv::Mat bilateral(const cv::Mat& plane, float noise, double strength, double spatial) {
    if (noise <= 0.f) return plane.clone();
    cv::Mat out;
    const double range = noise * (1.0 + 3.0 * strength);
    const int d = 2 * static_cast<int>(std::ceil(1.5 * spatial)) + 1;
    cv::bilateralFilter(plane, out, d, range, spatial, cv::BORDER_REFLECT);
    return out;
}

}  // namespace

cv::Mat reduceNoise(const cv::Mat& image, double strength) {
    if (image.empty() || strength <= 0.0) return image.clone();
    strength = std::min(strength, 1.0);
    const tone::FloatImage in = tone::toFloat(image);
    const double spatial = 1.0 + 1.5 * strength;
    if (in.color.channels() == 1) {
        const cv::Mat y = bilateral(in.color, estimateNoise(in.color), strength, spatial);
        return tone::fromFloat(y, in);
    }
    cv::Mat ycc;
    cv::cvtColor(in.color, ycc, cv::COLOR_BGR2YCrCb);
    std::vector<cv::Mat> planes;
    cv::split(ycc, planes);
    planes[0] = bilateral(planes[0], estimateNoise(planes[0]), strength, spatial);
    for (int c = 1; c < 3; ++c) {
        const float noise = estimateNoise(planes[c]);
        cv::Mat half, filtered;
        cv::resize(planes[c], half, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
        // Halving averages four samples, halving the noise as well.
        filtered = bilateral(half, noise * 0.5f, strength, spatial);
        cv::Mat residual = filtered - half;  // only what the filter removed is brought back up
        cv::resize(residual, residual, planes[c].size(), 0, 0, cv::INTER_LINEAR);
        planes[c] += residual;
    }
    cv::merge(planes, ycc);
    cv::Mat bgr;
    cv::cvtColor(ycc, bgr, cv::COLOR_YCrCb2BGR);
    return tone::fromFloat(bgr, in);
}

}  // namespace pm::ops
