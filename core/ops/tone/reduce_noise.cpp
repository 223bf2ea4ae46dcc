// Grain and JPEG noise sit mostly in luma at pixel scale and in chroma as coarse blotches. Luma
// gets a bilateral filter at full resolution whose range is tied to the measured noise, so steps
// well above the noise (edges) keep their sharpness; chroma is filtered at half resolution, which
// is both cheaper and better matched to its blotch size. The noise is measured once on the whole
// photo; the filtering is local, so a large photo is filtered band by band in place.
#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/ops/tone/float_image.h"
#include "core/ops/tone/row_bands.h"
#include "core/ops/tone/tone.h"

namespace pm::ops {
namespace {

/// Rows a band reads beyond its own: the largest bilateral radius (4 px at full resolution, 4
/// half-resolution px = 8 px for chroma) plus the resampling around it, rounded up generously.
constexpr int kBandMargin = 16;

/// Noise standard deviation of a CV_32FC1 image (Immerkaer's Laplacian-difference operator, with
/// a median instead of a mean so that edges and texture count less).
float estimateNoise(const cv::Mat& src) {
    if (src.rows < 3 || src.cols < 3) return 0.f;  // the operator needs a 3x3 neighbourhood
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

/// Film grain of a CV_32FC1 image: the standard deviation of its fine detail (the image minus a
/// 5x5 Gaussian of it) over its flattest third. Grain is correlated over a few pixels, which the
/// Laplacian above mostly misses (it reads 2-4x too low on real scans); in flat areas what fine
/// detail there is is grain, so this reads it where it is most visible.
float estimateGrain(const cv::Mat& src) {
    if (src.rows < 8 || src.cols < 8) return 0.f;
    cv::Mat blurred, smooth, gx, gy, gradient;
    cv::GaussianBlur(src, blurred, cv::Size(5, 5), 0, 0, cv::BORDER_REFLECT);
    cv::GaussianBlur(src, smooth, cv::Size(), 2.0, 0, cv::BORDER_REFLECT);
    cv::Sobel(smooth, gx, CV_32F, 1, 0);
    cv::Sobel(smooth, gy, CV_32F, 0, 1);
    cv::magnitude(gx, gy, gradient);
    std::vector<float> g(gradient.begin<float>(), gradient.end<float>());
    auto third = g.begin() + g.size() / 3;
    std::nth_element(g.begin(), third, g.end());
    cv::Scalar mean, stddev;
    cv::meanStdDev(src - blurred, mean, stddev, gradient <= *third);
    return float(stddev[0]);
}

/// Luma (or gray) and chroma planes of a tone image in float.
std::vector<cv::Mat> yccPlanes(const cv::Mat& color) {
    std::vector<cv::Mat> planes;
    if (color.channels() == 1) return {color};
    cv::Mat ycc;
    cv::cvtColor(color, ycc, cv::COLOR_BGR2YCrCb);
    cv::split(ycc, planes);
    return planes;
}

/// The noise of each plane, measured on the whole photo: a few hundred thousand samples measure
/// it well enough, so a large photo is measured on a band of rows across its middle.
std::vector<float> measureNoise(const cv::Mat& image) {
    cv::Mat rows = image;
    if (image.total() > 400000) {
        const int band = std::min(image.rows, 600);
        rows = image.rowRange((image.rows - band) / 2, (image.rows - band) / 2 + band);
    }
    std::vector<float> noise;
    const std::vector<cv::Mat> planes = yccPlanes(tone::toFloat(rows).color);
    for (const cv::Mat& plane : planes) noise.push_back(estimateNoise(plane));
    // Luma (where grain shows) is filtered against the grain as well; chroma keeps the Laplacian
    // estimate, its blotches are handled by filtering it at half resolution.
    noise[0] = std::max(noise[0], estimateGrain(planes[0]));
    return noise;
}

cv::Mat bilateral(const cv::Mat& plane, float noise, double strength, double spatial) {
    if (noise <= 0.f) return plane.clone();
    cv::Mat out;
    const double range = noise * (1.0 + 3.0 * strength);
    const int d = 2 * static_cast<int>(std::ceil(1.5 * spatial)) + 1;
    cv::bilateralFilter(plane, out, d, range, spatial, cv::BORDER_REFLECT);
    return out;
}

/// The bilateral filter still averages across an edge whose step is within a few noise levels of
/// the range, which takes a few percent off the strongest edges of a grainy scan. Where the
/// (lightly smoothed) luma has a gradient well above the grain, the input is blended back: grain
/// there is masked by the edge anyway, and flat areas, where grain shows, are left filtered.
cv::Mat keepStrongEdges(const cv::Mat& input, const cv::Mat& filtered, float noise) {
    if (noise <= 0.f) return filtered;
    constexpr float kEdgeStart = 1.0f;  // gradient, in noise levels, where blending back starts
    constexpr float kEdgeFull = 3.0f;   // ... and where the input is kept whole
    cv::Mat smooth, gx, gy, magnitude;
    cv::GaussianBlur(input, smooth, cv::Size(), 1.0, 0, cv::BORDER_REFLECT);
    // A 3x3 Sobel is 8x the per-pixel slope.
    cv::Sobel(smooth, gx, CV_32F, 1, 0, 3, 1.0 / 8.0, 0, cv::BORDER_REFLECT);
    cv::Sobel(smooth, gy, CV_32F, 0, 1, 3, 1.0 / 8.0, 0, cv::BORDER_REFLECT);
    cv::magnitude(gx, gy, magnitude);
    cv::Mat weight = (magnitude - kEdgeStart * noise) * (1.0 / ((kEdgeFull - kEdgeStart) * noise));
    cv::min(cv::max(weight, 0.0), 1.0, weight);
    cv::Mat out = filtered + weight.mul(input - filtered);
    return out;
}

/// `plane` (a chroma plane) with what the bilateral filter removes at half resolution added back
/// at full resolution. Every half-resolution pixel is exactly one 2x2 block, counted from the
/// plane's top-left: an odd side first gets its last row or column repeated. Halving an odd side
/// directly would stretch the grid (401 rows to 200: 2.005 rows a pixel), a drift that grows to a
/// whole row at the far edge and depends on the plane's height, so a band (whose top row is even)
/// and the whole photo would filter chroma on different grids.
cv::Mat filterAtHalfResolution(const cv::Mat& plane, float noise, double strength, double spatial) {
    cv::Mat even, half;
    cv::copyMakeBorder(plane, even, 0, plane.rows % 2, 0, plane.cols % 2, cv::BORDER_REPLICATE);
    cv::resize(even, half, cv::Size(even.cols / 2, even.rows / 2), 0, 0, cv::INTER_AREA);
    // Halving averages four samples, halving the noise as well.
    cv::Mat residual = bilateral(half, noise * 0.5f, strength, spatial) - half;
    cv::resize(residual, residual, even.size(), 0, 0, cv::INTER_LINEAR);
    return plane + residual(cv::Rect(0, 0, plane.cols, plane.rows));
}

cv::Mat filterBand(const cv::Mat& image, const std::vector<float>& noise, double strength) {
    const tone::FloatImage in = tone::toFloat(image);
    const double spatial = 1.0 + 1.5 * strength;
    std::vector<cv::Mat> planes = yccPlanes(in.color);
    planes[0] = keepStrongEdges(planes[0], bilateral(planes[0], noise[0], strength, spatial), noise[0]);
    if (planes.size() == 1) return tone::fromFloat(planes[0], in);
    for (int c = 1; c < 3; ++c)
        planes[c] = filterAtHalfResolution(planes[c], noise[c], strength, spatial);
    cv::Mat ycc, bgr;
    cv::merge(planes, ycc);
    cv::cvtColor(ycc, bgr, cv::COLOR_YCrCb2BGR);
    return tone::fromFloat(bgr, in);
}

}  // namespace

cv::Mat reduceNoise(const cv::Mat& image, double strength) {
    cv::Mat out = image.clone();
    reduceNoiseInPlace(out, strength);
    return out;
}

cv::Rect reduceNoiseInPlace(cv::Mat& image, double strength, std::int64_t bandPixels) {
    if (image.empty() || strength <= 0.0) return {};
    tone::checkToneInput(image);
    strength = std::min(strength, 1.0);
    const std::vector<float> noise = measureNoise(image);
    return tone::transformInRowBands(image, kBandMargin, bandPixels,
                                     [&](const cv::Mat& input, cv::Range core) {
                                         return filterBand(input, noise, strength).rowRange(core);
                                     });
}

}  // namespace pm::ops
