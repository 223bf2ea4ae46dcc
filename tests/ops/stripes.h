#pragma once
// A texture whose right fill is known: vertical stripes of period 10 with a little noise, shared by
// the tests of the CPU and GPU searches.
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace pm::test {

inline cv::Mat stripes(cv::Size size, int type = CV_8UC3) {
    cv::Mat image(size, CV_8UC3);
    cv::RNG rng(7);
    for (int y = 0; y < size.height; ++y)
        for (int x = 0; x < size.width; ++x) {
            const int base = (x % 10) < 5 ? 60 : 190;
            const int n = rng.uniform(-6, 7);
            image.at<cv::Vec3b>(y, x) = cv::Vec3b(cv::saturate_cast<uchar>(base + n),
                                                  cv::saturate_cast<uchar>(base / 2 + n), 120);
        }
    if (type == CV_8UC3) return image;
    cv::Mat converted = image;
    if (CV_MAT_DEPTH(type) == CV_16U) image.convertTo(converted, CV_16U, 257.0);
    if (CV_MAT_CN(type) == 4) cv::cvtColor(converted, converted, cv::COLOR_BGR2BGRA);
    if (CV_MAT_CN(type) == 1) cv::cvtColor(converted, converted, cv::COLOR_BGR2GRAY);
    return converted;
}

}  // namespace pm::test
