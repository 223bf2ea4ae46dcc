#include "core/ops/tone/row_bands.h"

#include <algorithm>

#include "core/image/pixel_diff.h"

namespace pm::ops::tone {

cv::Rect transformInRowBands(
    cv::Mat& image, int margin, std::int64_t bandPixels,
    const std::function<cv::Mat(const cv::Mat& input, cv::Range core)>& process) {
    if (image.empty()) return {};
    const std::int64_t perRow = std::max(1, image.cols);
    int rows = static_cast<int>(std::clamp<std::int64_t>(bandPixels / perRow, 1, image.rows));
    rows = std::max(rows, std::max(2, margin));
    rows += rows % 2;
    // The result of a band is written back only once the next band has read its input: that input
    // reaches `margin` rows into the previous band, which must still hold the original pixels.
    cv::Mat pending;
    int pendingTop = 0;
    cv::Rect changed;
    for (int top = 0; top < image.rows; top += rows) {
        const int bottom = std::min(image.rows, top + rows);
        const int inTop = std::max(0, top - margin);
        const int inBottom = std::min(image.rows, bottom + margin);
        cv::Mat result =
            process(image.rowRange(inTop, inBottom), cv::Range(top - inTop, bottom - inTop));
        CV_Assert(result.type() == image.type() && result.cols == image.cols &&
                  result.rows == bottom - top);
        const cv::Rect differs = image::differingRect(image.rowRange(top, bottom), result);
        if (!differs.empty()) changed |= differs + cv::Point(0, top);
        if (!pending.empty()) pending.copyTo(image.rowRange(pendingTop, pendingTop + pending.rows));
        pending = result;
        pendingTop = top;
    }
    pending.copyTo(image.rowRange(pendingTop, pendingTop + pending.rows));
    return changed;
}

}  // namespace pm::ops::tone
