#include "core/ops/remove/harmonic_fill.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace pm::ops {
namespace {

// Edge weights for a guided solve: the guide (CV_32FC(n)) and where it applies (CV_32FC1, > 0).
struct Guidance {
    cv::Mat guide, where;
    float sigma = 0.0f;
    bool on() const { return !guide.empty(); }
    Guidance halved(cv::Size half) const {
        if (!on()) return {};
        Guidance g;
        g.sigma = sigma;
        cv::resize(guide, g.guide, half, 0, 0, cv::INTER_AREA);
        cv::resize(where, g.where, half, 0, 0, cv::INTER_AREA);  // any share of a corridor counts
        return g;
    }
};

// Weighted Jacobi sweeps: each unknown pixel becomes the weighted mean of its four neighbours.
void guidedSweeps(cv::Mat& values, const cv::Mat& unknown, const Guidance& g, int count) {
    const int rows = values.rows, cols = values.cols, cn = values.channels(),
              gn = g.guide.channels();
    // right[y, x]: the weight between (x, y) and (x + 1, y); down[y, x]: (x, y) and (x, y + 1).
    cv::Mat right(rows, cols, CV_32F, cv::Scalar(0)), down(rows, cols, CV_32F, cv::Scalar(0));
    const float inverse = 1.0f / (g.sigma * g.sigma);
    auto weight = [&](int y0, int x0, int y1, int x1) {
        if (g.where.at<float>(y0, x0) <= 0.0f && g.where.at<float>(y1, x1) <= 0.0f) return 1.0f;
        const float* a = g.guide.ptr<float>(y0) + x0 * gn;
        const float* b = g.guide.ptr<float>(y1) + x1 * gn;
        float d = 0.0f;
        for (int c = 0; c < gn; ++c) d = std::max(d, std::abs(a[c] - b[c]));
        return std::max(std::exp(-d * d * inverse), 1e-4f);
    };
    for (int y = 0; y < rows; ++y)
        for (int x = 0; x < cols; ++x) {
            if (x + 1 < cols) right.at<float>(y, x) = weight(y, x, y, x + 1);
            if (y + 1 < rows) down.at<float>(y, x) = weight(y, x, y + 1, x);
        }
    cv::Mat next = values.clone();
    for (int i = 0; i < count; ++i) {
        cv::parallel_for_(cv::Range(0, rows), [&](const cv::Range& range) {
            for (int y = range.start; y < range.end; ++y) {
                const uchar* u = unknown.ptr<uchar>(y);
                float* out = next.ptr<float>(y);
                for (int x = 0; x < cols; ++x) {
                    if (!u[x]) continue;
                    float sum[4] = {0, 0, 0, 0}, total = 0.0f;
                    auto add = [&](int yy, int xx, float w) {
                        const float* v = values.ptr<float>(yy) + xx * cn;
                        for (int c = 0; c < cn; ++c) sum[c] += w * v[c];
                        total += w;
                    };
                    if (x > 0) add(y, x - 1, right.at<float>(y, x - 1));
                    if (x + 1 < cols) add(y, x + 1, right.at<float>(y, x));
                    if (y > 0) add(y - 1, x, down.at<float>(y - 1, x));
                    if (y + 1 < rows) add(y + 1, x, down.at<float>(y, x));
                    if (total <= 0.0f) continue;
                    for (int c = 0; c < cn; ++c) out[x * cn + c] = sum[c] / total;
                }
            }
        });
        std::swap(values, next);
        // `next` holds the sweep before: its known pixels are the same, its unknown ones are
        // rewritten by the next sweep.
    }
}

// `values` CV_32FC(n) holds the known pixels (`known` CV_32FC1, 1 known, 0 not); returns it with
// the unknown ones solved. Coarse to fine: the level below starts from this one's solution
// enlarged, so the sweeps here only settle what a pixel's neighbourhood adds.
cv::Mat solve(const cv::Mat& values, const cv::Mat& known, int sweeps, int fineSweeps,
              const Guidance& guidance = {}) {
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
            cv::Mat solved = solve(coarse, coarseMask, sweeps, std::min(sweeps, 2 * fineSweeps),
                                   guidance.halved(half)),
                    up;
            cv::resize(solved, up, values.size(), 0, 0, cv::INTER_LINEAR);
            start = values.clone();
            up.copyTo(start, unknown);
        }
    }
    if (guidance.on()) {
        guidedSweeps(start, unknown, guidance, std::min(sweeps, fineSweeps));
        return start;
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

namespace {

cv::Mat fill(const cv::Mat& image, const cv::Mat& hole, int sweeps, int fineSweeps,
             const cv::Mat& guide, const cv::Mat& guided, double sigma) {
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
    Guidance guidance;
    if (!guide.empty() && cv::countNonZero(guided(box)) > 0) {
        guide(box).convertTo(guidance.guide, CV_32F);
        guided(box).convertTo(guidance.where, CV_32F, 1.0 / 255.0);
        guidance.sigma = static_cast<float>(sigma);
    }
    const cv::Mat solved = solve(values, known, sweeps, fineSweeps, guidance);
    cv::Mat back;
    solved.convertTo(back, CV_8U);
    back.copyTo(out(box), hole(box));
    return out;
}

}  // namespace

cv::Mat harmonicFill(const cv::Mat& image, const cv::Mat& hole, int sweeps, int fineSweeps) {
    return fill(image, hole, sweeps, fineSweeps, cv::Mat(), cv::Mat(), 0.0);
}

cv::Mat guidedHarmonicFill(const cv::Mat& image, const cv::Mat& hole, const cv::Mat& guide,
                           const cv::Mat& guided, double sigma, int sweeps, int fineSweeps) {
    CV_Assert(guide.depth() == CV_8U && guide.size() == image.size() &&
              guided.type() == CV_8UC1 && guided.size() == image.size() && sigma > 0);
    return fill(image, hole, sweeps, fineSweeps, guide, guided, sigma);
}

}  // namespace pm::ops
