#include "core/ops/remove/smooth_offset.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace pm::ops {

cv::Mat pushPullFill(const cv::Mat& values, const cv::Mat& weights) {
    CV_Assert(values.depth() == CV_32F && weights.type() == CV_32FC1 &&
              values.size() == weights.size());
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
    auto normalised = [](const cv::Mat& v, const cv::Mat& w) {
        std::vector<cv::Mat> planes;
        cv::split(v, planes);
        for (cv::Mat& p : planes) cv::divide(p, cv::max(w, 1e-6f), p);
        cv::Mat out;
        cv::merge(planes, out);
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

namespace {

// Large holes (12 MP photos): the offset is gathered from the ring pixels straight into cells of a
// grid of at most `side` cells a side, the membrane is solved there, and each pixel to change
// reads it bilinearly. Touches the ring's and the hole's pixels once each, no full-size float
// copies: a few milliseconds where the full-size version took most of a second.
template <typename T>
void addCoarseOffset(cv::Mat& fill, const cv::Mat& original, const cv::Mat& ring,
                     const cv::Mat& apply, const cv::Rect& roi, int side, double maxOffset) {
    const int cn = fill.channels();
    const float limit = static_cast<float>(maxOffset);
    const double scale = static_cast<double>(side) / std::max(roi.width, roi.height);
    const cv::Size grid(std::max(1, static_cast<int>(std::ceil(roi.width * scale))),
                        std::max(1, static_cast<int>(std::ceil(roi.height * scale))));
    cv::Mat sums(grid, CV_32FC(cn), cv::Scalar::all(0)), counts(grid, CV_32FC1, cv::Scalar(0));
    for (int y = 0; y < roi.height; ++y) {
        const uchar* r = ring.ptr<uchar>(roi.y + y) + roi.x;
        const T* f = fill.ptr<T>(roi.y + y) + static_cast<size_t>(roi.x) * cn;
        const T* o = original.ptr<T>(roi.y + y) + static_cast<size_t>(roi.x) * cn;
        const int gy = std::min(grid.height - 1, static_cast<int>(y * scale));
        float* sumRow = sums.ptr<float>(gy);
        float* countRow = counts.ptr<float>(gy);
        for (int x = 0; x < roi.width; ++x) {
            if (!r[x]) continue;
            const int gx = std::min(grid.width - 1, static_cast<int>(x * scale));
            for (int c = 0; c < cn; ++c)
                sumRow[gx * cn + c] += std::clamp(
                    static_cast<float>(o[x * cn + c]) - static_cast<float>(f[x * cn + c]),
                    -limit, limit);
            countRow[gx] += 1.0f;
        }
    }
    std::vector<cv::Mat> planes;
    cv::split(sums, planes);
    for (cv::Mat& p : planes) cv::divide(p, cv::max(counts, 1.0f), p);
    cv::Mat mean;
    cv::merge(planes, mean);
    const cv::Mat spread = pushPullFill(mean, cv::min(counts, 1.0f));
    // Bilinear read of the grid at each pixel's centre.
    for (int y = 0; y < roi.height; ++y) {
        const uchar* a = apply.ptr<uchar>(roi.y + y) + roi.x;
        T* f = fill.ptr<T>(roi.y + y) + static_cast<size_t>(roi.x) * cn;
        const double gy = std::clamp((y + 0.5) * scale - 0.5, 0.0, grid.height - 1.0);
        const int y0 = static_cast<int>(gy), y1 = std::min(y0 + 1, grid.height - 1);
        const float wy = static_cast<float>(gy - y0);
        const float* r0 = spread.ptr<float>(y0);
        const float* r1 = spread.ptr<float>(y1);
        for (int x = 0; x < roi.width; ++x) {
            if (!a[x]) continue;
            const double gx = std::clamp((x + 0.5) * scale - 0.5, 0.0, grid.width - 1.0);
            const int x0 = static_cast<int>(gx), x1 = std::min(x0 + 1, grid.width - 1);
            const float wx = static_cast<float>(gx - x0);
            for (int c = 0; c < cn; ++c) {
                const float v = (1 - wy) * ((1 - wx) * r0[x0 * cn + c] + wx * r0[x1 * cn + c]) +
                                wy * ((1 - wx) * r1[x0 * cn + c] + wx * r1[x1 * cn + c]);
                f[x * cn + c] = cv::saturate_cast<T>(static_cast<float>(f[x * cn + c]) + v);
            }
        }
    }
}

}  // namespace

void addSmoothOffset(cv::Mat& fill, const cv::Mat& original, const cv::Mat& hole,
                     const cv::Mat& ring, const cv::Mat& apply, double smoothSigma,
                     double maxOffset) {
    CV_Assert(fill.size() == original.size() && fill.type() == original.type());
    CV_Assert(fill.depth() == CV_8U || fill.depth() == CV_16U);
    if (fill.depth() == CV_16U) maxOffset *= 257.0;
    CV_Assert(hole.type() == CV_8UC1 && ring.type() == CV_8UC1 && apply.type() == CV_8UC1);
    const int pad = static_cast<int>(std::ceil(3 * smoothSigma)) + 1;
    // The ring and the hole lie within `apply` grown by the ring's width: the caller's ring is a
    // few pixels wide, the pad covers it.
    const cv::Rect bounds = cv::boundingRect(apply) | cv::boundingRect(ring);
    if (bounds.area() == 0) return;
    const cv::Rect roi = cv::Rect(bounds.x - pad, bounds.y - pad, bounds.width + 2 * pad,
                                  bounds.height + 2 * pad) &
                         cv::Rect(0, 0, fill.cols, fill.rows);
    constexpr int kGridSide = 192;
    if (std::max(roi.width, roi.height) > kGridSide) {
        if (fill.depth() == CV_8U)
            addCoarseOffset<uchar>(fill, original, ring, apply, roi, kGridSide, maxOffset);
        else
            addCoarseOffset<ushort>(fill, original, ring, apply, roi, kGridSide, maxOffset);
        return;
    }
    cv::Mat a, b;
    fill(roi).convertTo(a, CV_32F);
    original(roi).convertTo(b, CV_32F);
    // A ring pixel far off is a structure the patches did not continue (a dark window frame next
    // to a light fill), not a change of light: spread it whole and it becomes a dark cloud over
    // the hole. Only shifts up to maxOffset count.
    cv::Mat offset = cv::max(cv::min(b - a, maxOffset), -maxOffset);
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
