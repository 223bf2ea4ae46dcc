#pragma once
// Intelligent Scissors (OpenCV's segmentation::IntelligentScissorsMB): the outline between two
// clicked points follows the strongest edges between them, so tracing an object takes a handful of
// clicks instead of a steady hand. The edge map is built on a copy of at most `workLongSide` pixels
// (the shortest-path map costs time in proportion to the pixels it covers); paths are scaled back.
#include <memory>
#include <vector>

#include <opencv2/core.hpp>

namespace cv::segmentation { class IntelligentScissorsMB; }

namespace pm::ops::selection {

struct OutlineSettings {
    int workLongSide = 1024;
};

class OutlineTracer {
public:
    explicit OutlineTracer(const cv::Mat& image, const OutlineSettings& settings = {});
    ~OutlineTracer();

    /// Starts paths at `point` (full-resolution coordinates): the last clicked point of the outline.
    void setAnchor(cv::Point point);
    bool hasAnchor() const { return hasAnchor_; }
    /// The path along edges from the anchor to `point`, anchor first, in full-resolution coordinates.
    std::vector<cv::Point> pathTo(cv::Point point) const;

    /// The closed outline's inside as a 0/255 mask of `size`.
    static cv::Mat fillOutline(const std::vector<cv::Point>& outline, cv::Size size);

private:
    std::unique_ptr<cv::segmentation::IntelligentScissorsMB> tool_;
    cv::Size full_, work_;
    double scale_ = 1;
    bool hasAnchor_ = false;
};

}  // namespace pm::ops::selection
