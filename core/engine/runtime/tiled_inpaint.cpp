#include "core/engine/runtime/tiled_inpaint.h"

#include <algorithm>
#include <vector>

#include "core/engine/runtime/request_geometry.h"

namespace pm::engine {

cv::Mat inpaintInTiles(const cv::Mat& bgr, const cv::Mat& mask, int sizeMultiple,
                       const InpaintOnce& once) {
    const int multiple = std::max(1, sizeMultiple);
    const int overlap = 32;
    const int tile =
        std::max(4 * overlap, roundUp((std::max(bgr.rows, bgr.cols) + 1) / 2, multiple));
    auto starts = [&](int length) {
        std::vector<int> s;
        if (length <= tile) return std::vector<int>{0};
        for (int p = 0;; p += tile - 2 * overlap) {
            if (p + tile >= length) {
                s.push_back(length - tile);
                break;
            }
            s.push_back(p);
        }
        return s;
    };
    cv::Mat result = bgr.clone();
    const auto ys = starts(bgr.rows), xs = starts(bgr.cols);
    for (size_t iy = 0; iy < ys.size(); ++iy)
        for (size_t ix = 0; ix < xs.size(); ++ix) {
            const cv::Rect box(xs[ix], ys[iy], std::min(tile, bgr.cols), std::min(tile, bgr.rows));
            if (cv::countNonZero(mask(box)) == 0) continue;
            const cv::Mat filled = once(bgr(box), mask(box));
            // Each tile owns its centre; the overlap gives its border pixels real context.
            const int x0 = ix == 0 ? 0 : overlap, y0 = iy == 0 ? 0 : overlap;
            const int x1 = ix + 1 == xs.size() ? box.width : box.width - overlap;
            const int y1 = iy + 1 == ys.size() ? box.height : box.height - overlap;
            const cv::Rect own(x0, y0, x1 - x0, y1 - y0);
            filled(own).copyTo(result(own + box.tl()));
        }
    return result;
}

}  // namespace pm::engine
