#pragma once
// Film grain and edge strength of a photo's luma, as the tone tests and bench/tone measure them:
// grain is what the denoiser should remove from flat areas, edge strength what it must keep.
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace pm::test {

/// Luma of a BGR 8-bit photo, in levels, as float.
inline cv::Mat lumaOf(const cv::Mat& bgr8) {
    cv::Mat gray, f;
    cv::cvtColor(bgr8, gray, cv::COLOR_BGR2GRAY);
    gray.convertTo(f, CV_32F);
    return f;
}

inline cv::Mat gradientOf(const cv::Mat& luma) {
    cv::Mat gx, gy, mag;
    cv::Sobel(luma, gx, CV_32F, 1, 0);
    cv::Sobel(luma, gy, CV_32F, 0, 1);
    cv::magnitude(gx, gy, mag);
    return mag;
}

/// The value below which the share `q` of a float matrix's values lie.
inline float quantileOf(const cv::Mat& m, double q) {
    cv::Mat sorted = m.reshape(1, 1).clone();
    cv::sort(sorted, sorted, cv::SORT_ASCENDING);
    return sorted.at<float>(int(q * (sorted.cols - 1)));
}

/// Flat areas: the third of the pixels with the lowest gradient once smoothed (sigma 2).
inline cv::Mat flatAreas(const cv::Mat& luma) {
    cv::Mat smooth;
    cv::GaussianBlur(luma, smooth, cv::Size(), 2.0);
    const cv::Mat mag = gradientOf(smooth);
    return mag <= quantileOf(mag, 0.33);
}

/// Grain: standard deviation of the high-pass (luma minus its 5x5 Gaussian) over `mask`.
inline double grain(const cv::Mat& luma, const cv::Mat& mask) {
    cv::Mat blurred;
    cv::GaussianBlur(luma, blurred, cv::Size(5, 5), 0);
    cv::Scalar mean, sd;
    cv::meanStdDev(luma - blurred, mean, sd, mask);
    return sd[0];
}

/// Edge strength: the mean gradient of `luma` over the 2% strongest edges of `reference`.
inline double edgeStrength(const cv::Mat& luma, const cv::Mat& reference) {
    const cv::Mat ref = gradientOf(reference);
    const cv::Mat edges = ref >= quantileOf(ref, 0.98);
    return cv::mean(gradientOf(luma), edges)[0];
}

}  // namespace pm::test
