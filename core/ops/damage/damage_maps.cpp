#include "core/ops/damage/damage_maps.h"

#include <cmath>

#include <opencv2/imgproc.hpp>

namespace pm::ops::damage {

namespace {
// Wider than the widest crack we look for (about 8 px), so the opening removes every such line.
constexpr int kStructureSize = 11;
constexpr int kLevelWindow = 31;
// The median runs on 8-bit data (O(1) per pixel for any window); this scale keeps a quarter-level
// resolution while texture levels up to 63 still fit.
constexpr double kLevelScale = 4.0;
}  // namespace

cv::Mat luminance(const cv::Mat& image) {
    // Converted to float first so 8- and 16-bit versions of a photo give the same luminance.
    cv::Mat scaled;
    image.convertTo(scaled, CV_32F, image.depth() == CV_16U ? 1.0 / 257.0 : 1.0);
    cv::Mat luma;
    if (image.channels() == 3)
        cv::cvtColor(scaled, luma, cv::COLOR_BGR2GRAY);
    else if (image.channels() == 4)
        cv::cvtColor(scaled, luma, cv::COLOR_BGRA2GRAY);
    else
        luma = scaled;
    return luma;
}

ThinResponses thinResponses(const cv::Mat& luma) {
    const cv::Mat disk =
        cv::getStructuringElement(cv::MORPH_ELLIPSE, {kStructureSize, kStructureSize});
    ThinResponses r;
    cv::morphologyEx(luma, r.bright, cv::MORPH_TOPHAT, disk, {-1, -1}, 1, cv::BORDER_REPLICATE);
    cv::morphologyEx(luma, r.dark, cv::MORPH_BLACKHAT, disk, {-1, -1}, 1, cv::BORDER_REPLICATE);
    return r;
}

cv::Mat lineResponse(const cv::Mat& response, int length) {
    constexpr int kOrientations = 12;
    const int half = length / 2;
    cv::Mat best(response.size(), CV_32F, cv::Scalar(0));
    cv::Mat along;
    for (int i = 0; i < kOrientations; ++i) {
        const double angle = CV_PI * i / kOrientations;
        const cv::Point2d d(std::cos(angle) * half, std::sin(angle) * half);
        cv::Mat kernel = cv::Mat::zeros(length, length, CV_32F);
        cv::line(kernel, cv::Point(cvRound(half - d.x), cvRound(half - d.y)),
                 cv::Point(cvRound(half + d.x), cvRound(half + d.y)), cv::Scalar(1.0), 1,
                 cv::LINE_8);
        kernel /= cv::sum(kernel)[0];
        cv::filter2D(response, along, CV_32F, kernel, {-1, -1}, 0, cv::BORDER_REPLICATE);
        cv::max(best, along, best);
    }
    cv::Mat around;
    cv::boxFilter(response, around, CV_32F, {length, length}, {-1, -1}, true, cv::BORDER_REPLICATE);
    cv::Mat line = best - around;
    cv::max(line, 0.0, line);
    return line;
}

cv::Mat textureLevel(const cv::Mat& luma, float floor) {
    cv::Mat blurred, detail;
    cv::GaussianBlur(luma, blurred, {0, 0}, 2.0, 2.0, cv::BORDER_REPLICATE);
    cv::absdiff(luma, blurred, detail);
    cv::Mat detail8, median8;
    detail.convertTo(detail8, CV_8U, kLevelScale);
    cv::medianBlur(detail8, median8, kLevelWindow);
    cv::Mat level;
    median8.convertTo(level, CV_32F, 1.0 / kLevelScale);
    cv::max(level, floor, level);
    return level;
}

}  // namespace pm::ops::damage
