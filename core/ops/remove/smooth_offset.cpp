#include "core/ops/remove/smooth_offset.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace pm::ops {

cv::Mat pushPullFill(const cv::Mat& values, const cv::Mat& weights) {
    CV_Assert(values.depth() == CV_32F && weights.type() == CV_32FC1 &&
              values.size() == weights.size());
    const int channels = values.channels();
    // Push: premultiplied values and weights averaged 2x2 at a time until a level has no gaps.
    std::vector<cv::Mat> premultiplied{cv::Mat()}, weight{weights.clone()};
    {
        std::vector<cv::Mat> planes;
        cv::split(values, planes);
        for (cv::Mat& p : planes) p = p.mul(weights);
        cv::merge(planes, premultiplied[0]);
    }
    while (std::min(weight.back().cols, weight.back().rows) > 1) {
        double lowest = 0.0;
        cv::minMaxLoc(weight.back(), &lowest);
        if (lowest > 0.0) break;
        const cv::Size half((weight.back().cols + 1) / 2, (weight.back().rows + 1) / 2);
        cv::Mat v, w;
        cv::resize(premultiplied.back(), v, half, 0, 0, cv::INTER_AREA);
        cv::resize(weight.back(), w, half, 0, 0, cv::INTER_AREA);
        premultiplied.push_back(v);
        weight.push_back(w);
    }
    // Pull: each level keeps its own (normalised) values where it has data and takes the coarser
    // level's, bilinearly enlarged, where it has little or none.
    auto normalised = [channels](const cv::Mat& v, const cv::Mat& w) {
        std::vector<cv::Mat> planes;
        cv::split(v, planes);
        for (cv::Mat& p : planes) cv::divide(p, cv::max(w, 1e-6f), p);
        cv::Mat out;
        cv::merge(planes, out);
        (void)channels;
        return out;
    };
    cv::Mat filled = normalised(premultiplied.back(), weight.back());
    for (int k = static_cast<int>(weight.size()) - 2; k >= 0; --k) {
        const size_t i = static_cast<size_t>(k);
        cv::Mat up;
        cv::resize(filled, up, weight[i].size(), 0, 0, cv::INTER_LINEAR);
        const cv::Mat own = normalised(premultiplied[i], weight[i]);
        cv::Mat alpha = cv::min(weight[i] * 2.0f, 1.0f);
        std::vector<cv::Mat> ownPlanes, upPlanes;
        cv::split(own, ownPlanes);
        cv::split(up, upPlanes);
        for (size_t c = 0; c < ownPlanes.size(); ++c)
            ownPlanes[c] = ownPlanes[c].mul(alpha) + upPlanes[c].mul(1.0f - alpha);
        cv::merge(ownPlanes, filled);
    }
    return filled;
}

void addSmoothOffset(cv::Mat& fill, const cv::Mat& original, const cv::Mat& hole,
                     const cv::Mat& ring, const cv::Mat& apply, double smoothSigma) {
    CV_Assert(fill.size() == original.size() && fill.type() == original.type());
    CV_Assert(fill.depth() == CV_8U || fill.depth() == CV_16U);
    CV_Assert(hole.type() == CV_8UC1 && ring.type() == CV_8UC1 && apply.type() == CV_8UC1);
    if (cv::countNonZero(ring) == 0) return;
    const int pad = static_cast<int>(std::ceil(3 * smoothSigma)) + 1;
    const cv::Rect bounds = cv::boundingRect(hole | ring | apply);
    const cv::Rect roi = cv::Rect(bounds.x - pad, bounds.y - pad, bounds.width + 2 * pad,
                                  bounds.height + 2 * pad) &
                         cv::Rect(0, 0, fill.cols, fill.rows);
    cv::Mat a, b;
    fill(roi).convertTo(a, CV_32F);
    original(roi).convertTo(b, CV_32F);
    cv::Mat offset = b - a;
    cv::Mat weights;
    ring(roi).convertTo(weights, CV_32F, 1.0 / 255.0);
    weights = cv::min(weights, 1.0f);
    // The offset measured pixel by pixel carries the texture's mismatch: average it along the
    // ring (normalised convolution, ring pixels only) so only the change of level remains.
    if (smoothSigma > 0) {
        std::vector<cv::Mat> planes;
        cv::split(offset, planes);
        cv::Mat weightSum;
        cv::GaussianBlur(weights, weightSum, cv::Size(), smoothSigma);
        for (cv::Mat& p : planes) {
            cv::GaussianBlur(p.mul(weights), p, cv::Size(), smoothSigma);
            cv::divide(p, cv::max(weightSum, 1e-6f), p);
        }
        cv::merge(planes, offset);
    }
    const cv::Mat spread = pushPullFill(offset, weights);
    const cv::Mat wanted = apply(roi);
    cv::Mat shifted = a + spread;
    cv::Mat back;
    shifted.convertTo(back, fill.depth());
    back.copyTo(fill(roi), wanted);
}

}  // namespace pm::ops
