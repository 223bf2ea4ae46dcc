#include "core/ops/remove/lama_fill.h"

#include <algorithm>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/image/pixel_convert.h"

namespace pm::ops {
namespace {

cv::Mat fromBgr8(const cv::Mat& bgr, const cv::Mat& like) {
    cv::Mat colour = bgr;
    if (like.channels() == 1) cv::cvtColor(bgr, colour, cv::COLOR_BGR2GRAY);
    if (like.depth() == CV_16U) colour.convertTo(colour, CV_16U, 257.0);
    if (like.channels() != 4) return colour;
    std::vector<cv::Mat> planes;
    cv::split(colour, planes);
    cv::Mat alpha;
    cv::extractChannel(like, alpha, 3);
    planes.push_back(alpha);
    cv::Mat result;
    cv::merge(planes, result);
    return result;
}

}  // namespace

cv::Mat lamaFill(engine::InferenceSession& session, const cv::Mat& image, const cv::Mat& hole,
                 int maxSide) {
    cv::Mat bgr = image::toBgr8(image);
    cv::Mat mask = hole > 0;
    const int side = std::max(image.cols, image.rows);
    const bool shrink = maxSide > 0 && side > maxSide;
    if (shrink) {
        const double scale = static_cast<double>(maxSide) / side;
        const cv::Size small(std::max(1, cvRound(image.cols * scale)),
                             std::max(1, cvRound(image.rows * scale)));
        cv::resize(bgr, bgr, small, 0, 0, cv::INTER_AREA);
        // Any trace of the object in a shrunk pixel makes it unknown, so none of it leaks back.
        cv::resize(mask, mask, small, 0, 0, cv::INTER_AREA);
        mask = mask > 0;
    }
    cv::Mat filled = session.inpaint(bgr, mask);
    if (shrink) cv::resize(filled, filled, image.size(), 0, 0, cv::INTER_CUBIC);
    return fromBgr8(filled, image);
}

}  // namespace pm::ops
