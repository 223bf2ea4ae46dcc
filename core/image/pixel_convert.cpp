#include "core/image/pixel_convert.h"

#include <opencv2/imgproc.hpp>

namespace pm::image {

namespace {
cv::Mat to8Bit(const cv::Mat& pixels) {
    if (pixels.depth() != CV_16U) return pixels;
    cv::Mat out;
    pixels.convertTo(out, CV_8U, 1.0 / 257.0);
    return out;
}
}  // namespace

cv::Mat toBgr8(const cv::Mat& pixels) {
    cv::Mat bgr;
    if (pixels.channels() == 1)
        cv::cvtColor(pixels, bgr, cv::COLOR_GRAY2BGR);
    else if (pixels.channels() == 4)
        cv::cvtColor(pixels, bgr, cv::COLOR_BGRA2BGR);
    else
        bgr = pixels;
    return to8Bit(bgr);
}

cv::Mat toGray8(const cv::Mat& pixels) {
    cv::Mat gray;
    if (pixels.channels() == 3)
        cv::cvtColor(pixels, gray, cv::COLOR_BGR2GRAY);
    else if (pixels.channels() == 4)
        cv::cvtColor(pixels, gray, cv::COLOR_BGRA2GRAY);
    else
        gray = pixels;
    return to8Bit(gray);
}

}  // namespace pm::image
