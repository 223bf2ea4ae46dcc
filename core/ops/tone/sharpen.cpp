// Unsharp mask on luma, added equally to every channel so colours do not shift. Halos are what
// makes sharpening look cheap on old photos: each pixel is kept within its 3x3 neighbourhood's
// range plus a small margin. Everything is local, so a large photo is sharpened band by band.
#include <algorithm>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/ops/tone/float_image.h"
#include "core/ops/tone/row_bands.h"
#include "core/ops/tone/tone.h"

namespace pm::ops {
namespace {

/// Rows a band reads beyond its own: the Gaussian's radius (5 px at sigma 1.2) and the 3x3 range.
constexpr int kBandMargin = 8;

cv::Mat sharpenBand(const cv::Mat& image, double amount) {
    const tone::FloatImage in = tone::toFloat(image);
    const cv::Mat y = tone::luma(in.color);
    cv::Mat blurred;
    cv::GaussianBlur(y, blurred, cv::Size(0, 0), 1.2);
    const cv::Mat boost = (y - blurred) * (2.0 * amount);
    const double margin = 0.01 * amount;
    const cv::Mat box = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3));

    std::vector<cv::Mat> planes;
    cv::split(in.color, planes);
    for (auto& p : planes) {
        cv::Mat lo, hi;
        cv::erode(p, lo, box, cv::Point(-1, -1), 1, cv::BORDER_REPLICATE);
        cv::dilate(p, hi, box, cv::Point(-1, -1), 1, cv::BORDER_REPLICATE);
        cv::Mat s = p + boost;
        cv::max(s, lo - margin, s);
        cv::min(s, hi + margin, s);
        p = s;
    }
    cv::Mat out;
    cv::merge(planes, out);
    return tone::fromFloat(out, in);
}

}  // namespace

cv::Mat sharpen(const cv::Mat& image, double amount) {
    cv::Mat out = image.clone();
    sharpenInPlace(out, amount);
    return out;
}

cv::Rect sharpenInPlace(cv::Mat& image, double amount, std::int64_t bandPixels) {
    if (image.empty() || amount <= 0.0) return {};
    tone::checkToneInput(image);
    amount = std::min(amount, 1.0);
    return tone::transformInRowBands(image, kBandMargin, bandPixels,
                                     [&](const cv::Mat& input, cv::Range core) {
                                         return sharpenBand(input, amount).rowRange(core);
                                     });
}

}  // namespace pm::ops
