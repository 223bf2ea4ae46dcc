#include "core/ops/remove/soft_mask.h"

#include <opencv2/core.hpp>

namespace pm::ops {

bool isSoftMask(const cv::Mat& mask) {
    CV_Assert(mask.type() == CV_8UC1);
    cv::Mat partial;
    cv::inRange(mask, 1, 254, partial);
    return cv::countNonZero(partial) > 0;
}

cv::Mat softMaskHole(const cv::Mat& mask) { return mask > 0; }

cv::Mat softMaskWeights(const cv::Mat& mask) {
    CV_Assert(mask.type() == CV_8UC1);
    cv::Mat weights;
    mask.convertTo(weights, CV_32F, 1.0 / 255);
    // The hole proper (the object's side of the 50% line) is replaced outright: a half-weight blend
    // there would leave a ghost of what was removed along its edge.
    weights.setTo(1.0f, mask >= 128);
    return weights;
}

}  // namespace pm::ops
