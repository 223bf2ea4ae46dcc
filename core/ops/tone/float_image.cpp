#include "core/ops/tone/float_image.h"

#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/common/error.h"

namespace pm::ops::tone {

void checkToneInput(const cv::Mat& image) {
    if (image.depth() != CV_8U && image.depth() != CV_16U)
        throw Error("Tone: only 8- and 16-bit images are supported");
    if (image.channels() != 1 && image.channels() != 3 && image.channels() != 4)
        throw Error("Tone: only gray, BGR and BGRA images are supported");
}

FloatImage toFloat(const cv::Mat& image) {
    checkToneInput(image);
    FloatImage f;
    f.depth = image.depth();
    cv::Mat color = image;
    if (image.channels() == 4) {
        cv::extractChannel(image, f.alpha, 3);
        cv::cvtColor(image, color, cv::COLOR_BGRA2BGR);
    }
    color.convertTo(f.color, CV_32F, f.depth == CV_16U ? 1.0 / 65535.0 : 1.0 / 255.0);
    return f;
}

cv::Mat fromFloat(const cv::Mat& color, const FloatImage& like) {
    cv::Mat out;
    color.convertTo(out, like.depth, like.depth == CV_16U ? 65535.0 : 255.0);
    if (!like.alpha.empty()) {
        std::vector<cv::Mat> planes;
        cv::split(out, planes);
        planes.push_back(like.alpha);
        cv::merge(planes, out);
    }
    return out;
}

cv::Mat luma(const cv::Mat& color) {
    if (color.channels() == 1) return color;
    cv::Mat y;
    cv::cvtColor(color, y, cv::COLOR_BGR2GRAY);
    return y;
}

}  // namespace pm::ops::tone
