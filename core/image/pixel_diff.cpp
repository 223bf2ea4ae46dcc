#include "core/image/pixel_diff.h"

#include <opencv2/imgproc.hpp>

namespace pm::image {

cv::Rect differingRect(const cv::Mat& a, const cv::Mat& b) {
    CV_Assert(a.size() == b.size() && a.type() == b.type());
    // Compare channel samples as one plane, then map the sample columns back to pixels.
    cv::Mat differs;
    cv::compare(a.reshape(1), b.reshape(1), differs, cv::CMP_NE);
    const cv::Rect bySample = cv::boundingRect(differs);
    if (bySample.empty()) return {};
    const int channels = a.channels();
    const int left = bySample.x / channels;
    const int right = (bySample.x + bySample.width - 1) / channels;
    return {left, bySample.y, right - left + 1, bySample.height};
}

}  // namespace pm::image
