#include "core/ops/selection/outline_trace.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <opencv2/imgproc/segmentation.hpp>

#include "core/image/pixel_convert.h"

namespace pm::ops::selection {

OutlineTracer::OutlineTracer(const cv::Mat& image, const OutlineSettings& settings)
    : tool_(std::make_unique<cv::segmentation::IntelligentScissorsMB>()), full_(image.size()) {
    const cv::Mat bgr = image::toBgr8(image);
    scale_ = std::min(1.0, double(std::max(16, settings.workLongSide)) / std::max(bgr.cols, bgr.rows));
    cv::Mat work = bgr;
    if (scale_ < 1.0) {
        cv::resize(bgr, work, cv::Size(), scale_, scale_, cv::INTER_AREA);
        scale_ = double(work.cols) / bgr.cols;
    }
    work_ = work.size();
    // OpenCV's sample settings: Canny-like edge features weigh most, gradient magnitude and direction
    // keep the path on the object's edge across weak parts.
    tool_->setEdgeFeatureCannyParameters(32, 100);
    tool_->setGradientMagnitudeMaxLimit(200);
    tool_->applyImage(work);
}

OutlineTracer::~OutlineTracer() = default;

namespace {
cv::Point clampTo(cv::Point p, cv::Size size) {
    return {std::clamp(p.x, 0, size.width - 1), std::clamp(p.y, 0, size.height - 1)};
}
}  // namespace

void OutlineTracer::setAnchor(cv::Point point) {
    tool_->buildMap(clampTo(cv::Point(int(point.x * scale_), int(point.y * scale_)), work_));
    hasAnchor_ = true;
}

std::vector<cv::Point> OutlineTracer::pathTo(cv::Point point) const {
    if (!hasAnchor_) return {};
    std::vector<cv::Point> path;
    // backward = false: from the anchor to the point (true lists it from the point back to the anchor).
    tool_->getContour(clampTo(cv::Point(int(point.x * scale_), int(point.y * scale_)), work_), path, false);
    for (cv::Point& p : path)
        p = clampTo(cv::Point(int(std::lround((p.x + 0.5) / scale_ - 0.5)),
                              int(std::lround((p.y + 0.5) / scale_ - 0.5))), full_);
    return path;
}

cv::Mat OutlineTracer::fillOutline(const std::vector<cv::Point>& outline, cv::Size size) {
    cv::Mat mask = cv::Mat::zeros(size, CV_8UC1);
    if (outline.size() >= 3) cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{outline}, 255, cv::LINE_8);
    return mask;
}

}  // namespace pm::ops::selection
