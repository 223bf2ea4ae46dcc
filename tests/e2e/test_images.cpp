#include <cmath>

#include <opencv2/imgproc.hpp>

#include "tests/e2e/cli_runner.h"

namespace pm::test {

cv::Mat texturedBackground(cv::Size size, int seed) {
    cv::Mat image(size, CV_8UC3);
    for (int y = 0; y < size.height; ++y) {
        for (int x = 0; x < size.width; ++x) {
            const double stripes = 20.0 * std::sin((x + 2 * y + seed) * 0.35);
            image.at<cv::Vec3b>(y, x) =
                cv::Vec3b(cv::saturate_cast<uchar>(90 + x / 2 + stripes),
                          cv::saturate_cast<uchar>(120 + y / 2 - stripes),
                          cv::saturate_cast<uchar>(60 + (x + y) / 4 + seed));
        }
    }
    return image;
}

cv::Mat withObject(const cv::Mat& background, cv::Point center, int radius) {
    cv::Mat image = background.clone();
    cv::circle(image, center, radius, cv::Scalar(20, 20, 240), cv::FILLED, cv::LINE_8);
    return image;
}

cv::Mat diskMask(cv::Size size, cv::Point center, int radius) {
    cv::Mat mask(size, CV_8UC1, cv::Scalar(0));
    cv::circle(mask, center, radius, cv::Scalar(255), cv::FILLED, cv::LINE_8);
    return mask;
}

double meanAbsDiffIn(const cv::Mat& a, const cv::Mat& b, const cv::Mat& mask) {
    cv::Mat diff;
    cv::absdiff(a, b, diff);
    const cv::Scalar mean = cv::mean(diff, mask);
    return (mean[0] + mean[1] + mean[2]) / 3.0;
}

cv::Mat farFromMask(const cv::Mat& mask, int distance) {
    cv::Mat grown;
    cv::dilate(
        mask, grown,
        cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * distance + 1, 2 * distance + 1)));
    cv::Mat far;
    cv::bitwise_not(grown, far);
    return far;
}

}  // namespace pm::test
