#include "core/ops/tone/tone.h"

#include <algorithm>

#include <opencv2/imgproc.hpp>

namespace pm::ops {

cv::Mat applyTone(const cv::Mat& image, const ToneParams& params, engine::JobContext& context) {
    context.throwIfCancelled();
    context.progress(0.0, "restoring colour");
    cv::Mat out = restoreColor(image, params.colorStrength);
    context.throwIfCancelled();
    context.progress(0.2, "reducing noise");
    out = reduceNoise(out, params.denoise);
    context.throwIfCancelled();
    context.progress(0.85, "sharpening");
    out = sharpen(out, params.sharpen);
    context.throwIfCancelled();
    context.progress(1.0, "done");
    return out;
}

cv::Mat previewTone(const cv::Mat& image, const ToneParams& params, int maxSide) {
    cv::Mat small = image;
    const int longSide = std::max(image.cols, image.rows);
    if (maxSide > 0 && longSide > maxSide) {
        const double f = double(maxSide) / longSide;
        cv::resize(image, small, cv::Size(), f, f, cv::INTER_AREA);
    }
    return sharpen(reduceNoise(restoreColor(small, params.colorStrength), params.denoise),
                   params.sharpen);
}

}  // namespace pm::ops
