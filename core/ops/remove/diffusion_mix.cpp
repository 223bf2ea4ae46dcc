#include "core/ops/remove/diffusion_mix.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace pm::ops {

void mixDiffusion(cv::Mat& fill, const cv::Mat& hole, const cv::Mat& diffused,
                  const DiffusionMix& mix) {
    CV_Assert(fill.depth() == CV_8U || fill.depth() == CV_16U);
    CV_Assert(hole.type() == CV_8UC1 && hole.size() == fill.size() && diffused.depth() == CV_8U);
    if (!mix.enabled()) return;
    const cv::Rect inner = cv::boundingRect(hole);
    if (inner.area() == 0) return;
    const int pad = static_cast<int>(std::ceil(3 * mix.fineSigma)) + 1;
    const cv::Rect roi =
        cv::Rect(inner.x - pad, inner.y - pad, inner.width + 2 * pad, inner.height + 2 * pad) &
        cv::Rect(0, 0, fill.cols, fill.rows);
    // The diffusion over the window, at full size (bilinear, as addDiffusionBase reads it).
    const double sx = static_cast<double>(diffused.cols) / fill.cols,
                 sy = static_cast<double>(diffused.rows) / fill.rows;
    const cv::Rect small(static_cast<int>(roi.x * sx), static_cast<int>(roi.y * sy),
                         std::max(1, static_cast<int>(std::ceil(roi.width * sx))),
                         std::max(1, static_cast<int>(std::ceil(roi.height * sy))));
    cv::Mat base;
    cv::resize(diffused(small & cv::Rect(0, 0, diffused.cols, diffused.rows)), base, roi.size(), 0,
               0, cv::INTER_LINEAR);
    const int channels = fill.channels();
    const int planes = std::min({channels, base.channels(), 3});
    const float scale = fill.depth() == CV_16U ? 257.0f : 1.0f;
    cv::Mat weights;
    hole(roi).convertTo(weights, CV_32F, 1.0 / 255.0);
    weights = cv::min(weights, 1.0f);
    // diffusion - fill over the hole, 0 elsewhere; blurred and divided by the blurred weights.
    std::vector<cv::Mat> basePlanes, fillPlanes, deltas(static_cast<size_t>(planes));
    cv::split(base, basePlanes);
    cv::split(fill(roi), fillPlanes);
    cv::Mat weightSum;
    cv::GaussianBlur(weights, weightSum, cv::Size(), mix.fineSigma);
    weightSum = cv::max(weightSum, 1e-6f);
    cv::parallel_for_(cv::Range(0, planes), [&](const cv::Range& range) {
        for (int c = range.start; c < range.end; ++c) {
            cv::Mat b, f;
            basePlanes[static_cast<size_t>(c)].convertTo(b, CV_32F, scale);
            fillPlanes[static_cast<size_t>(c)].convertTo(f, CV_32F);
            cv::Mat d = (b - f).mul(weights);
            cv::GaussianBlur(d, d, cv::Size(), mix.fineSigma);
            cv::divide(d, weightSum, deltas[static_cast<size_t>(c)]);
        }
    });
    const float share = static_cast<float>(mix.share),
                colourShare = static_cast<float>(planes == 3 ? mix.colourShare : mix.share),
                apart = static_cast<float>(mix.apartLevels) * scale;
    cv::parallel_for_(cv::Range(0, roi.height), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y) {
            const uchar* h = hole.ptr<uchar>(roi.y + y) + roi.x;
            for (int x = 0; x < roi.width; ++x) {
                if (!h[x]) continue;
                float d[3] = {0.0f, 0.0f, 0.0f}, grey = 0.0f;
                for (int c = 0; c < planes; ++c) {
                    d[c] = deltas[static_cast<size_t>(c)].ptr<float>(y)[x];
                    grey += d[c];
                }
                grey /= static_cast<float>(planes);
                float far = 0.0f;
                if (apart > 0.0f) {
                    for (int c = 0; c < planes; ++c) far = std::max(far, std::abs(d[c]));
                    far = std::clamp(far / apart - 1.0f, 0.0f, 1.0f);
                }
                const float greyShare = share + (1.0f - share) * far,
                            hueShare = colourShare + (1.0f - colourShare) * far;
                for (int c = 0; c < planes; ++c) {
                    const float delta = greyShare * grey + hueShare * (d[c] - grey);
                    if (fill.depth() == CV_16U) {
                        ushort& v = fill.ptr<ushort>(roi.y + y)[(roi.x + x) * channels + c];
                        v = cv::saturate_cast<ushort>(static_cast<float>(v) + delta);
                    } else {
                        uchar& v = fill.ptr<uchar>(roi.y + y)[(roi.x + x) * channels + c];
                        v = cv::saturate_cast<uchar>(static_cast<float>(v) + delta);
                    }
                }
            }
        }
    });
}

}  // namespace pm::ops
