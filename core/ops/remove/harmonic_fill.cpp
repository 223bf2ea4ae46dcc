#include "core/ops/remove/harmonic_fill.h"

#include <algorithm>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace pm::ops {
namespace {

// `values` CV_32FC(n) holds the known pixels (`known` CV_32FC1, 1 known, 0 not); returns it with
// the unknown ones solved. Coarse to fine: the level below starts from this one's solution
// enlarged, so the sweeps here only settle what a pixel's neighbourhood adds.
cv::Mat solve(const cv::Mat& values, const cv::Mat& known, int sweeps, int fineSweeps) {
    const cv::Mat unknown = known < 0.5f;
    if (cv::countNonZero(unknown) == 0) return values.clone();
    cv::Mat start;
    if (std::min(values.cols, values.rows) <= 4) {
        start = values.clone();
        start.setTo(cv::mean(values, known >= 0.5f), unknown);
    } else {
        // A coarse pixel is known where at least half the pixels under it are, and takes their
        // mean (premultiplied by the weights, then divided).
        const cv::Size half((values.cols + 1) / 2, (values.rows + 1) / 2);
        std::vector<cv::Mat> planes;
        cv::split(values, planes);
        for (cv::Mat& p : planes) p = p.mul(known);
        cv::Mat premultiplied, coarse, coarseKnown;
        cv::merge(planes, premultiplied);
        cv::resize(premultiplied, coarse, half, 0, 0, cv::INTER_AREA);
        cv::resize(known, coarseKnown, half, 0, 0, cv::INTER_AREA);
        cv::split(coarse, planes);
        for (cv::Mat& p : planes) cv::divide(p, cv::max(coarseKnown, 1e-6f), p);
        cv::merge(planes, coarse);
        cv::Mat coarseMask;
        cv::threshold(coarseKnown, coarseMask, 0.5 - 1e-6, 1.0, cv::THRESH_BINARY);
        if (cv::countNonZero(coarseMask) == 0) {
            start = values.clone();
            start.setTo(cv::mean(values, known >= 0.5f), unknown);
        } else {
            cv::Mat solved = solve(coarse, coarseMask, sweeps, std::min(sweeps, 2 * fineSweeps)),
                    up;
            cv::resize(solved, up, values.size(), 0, 0, cv::INTER_LINEAR);
            start = values.clone();
            up.copyTo(start, unknown);
        }
    }
    const cv::Mat kernel = (cv::Mat_<float>(3, 3) << 0, 0.25f, 0, 0.25f, 0, 0.25f, 0, 0.25f, 0);
    cv::Mat next;
    for (int i = 0; i < std::min(sweeps, fineSweeps); ++i) {
        cv::filter2D(start, next, -1, kernel, cv::Point(-1, -1), 0, cv::BORDER_REPLICATE);
        next.copyTo(start, unknown);
    }
    return start;
}

}  // namespace

cv::Mat harmonicFill(const cv::Mat& image, const cv::Mat& hole, int sweeps, int fineSweeps) {
    CV_Assert(image.depth() == CV_8U && hole.type() == CV_8UC1 && hole.size() == image.size());
    cv::Mat out = image.clone();
    const cv::Rect bounds = cv::boundingRect(hole);
    if (bounds.area() == 0) return out;
    // The solution depends only on the known pixels touching the hole: its box and one pixel.
    const cv::Rect box = cv::Rect(bounds.x - 1, bounds.y - 1, bounds.width + 2, bounds.height + 2) &
                         cv::Rect(0, 0, image.cols, image.rows);
    cv::Mat values, known;
    image(box).convertTo(values, CV_32F);
    const cv::Mat knownMask = hole(box) == 0;
    knownMask.convertTo(known, CV_32F, 1.0 / 255.0);
    if (cv::countNonZero(known) == 0) {
        // Nothing known round it: the mean of the whole image.
        out(box).setTo(cv::mean(image, hole == 0), hole(box));
        return out;
    }
    const cv::Mat solved = solve(values, known, sweeps, fineSweeps);
    cv::Mat back;
    solved.convertTo(back, CV_8U);
    back.copyTo(out(box), hole(box));
    return out;
}

cv::Mat membraneFrom(const cv::Mat& image, const cv::Mat& known, int sweeps, int fineSweeps) {
    CV_Assert(image.depth() == CV_8U && known.type() == CV_8UC1 && known.size() == image.size());
    CV_Assert(cv::countNonZero(known) > 0);
    cv::Mat values, weights, out;
    image.convertTo(values, CV_32F);
    const cv::Mat held = known != 0;
    held.convertTo(weights, CV_32F, 1.0 / 255.0);
    solve(values, weights, sweeps, fineSweeps).convertTo(out, CV_8U);
    return out;
}

}  // namespace pm::ops
