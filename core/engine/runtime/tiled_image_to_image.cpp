#include "core/engine/runtime/tiled_image_to_image.h"

#include <algorithm>
#include <vector>

#include "core/common/error.h"

namespace pm::engine {

std::vector<int> tileStarts(int length, int tile, int overlap) {
    if (length <= tile) return {0};
    std::vector<int> starts;
    for (int p = 0;; p += tile - overlap) {
        if (p + tile >= length) {
            starts.push_back(length - tile);
            break;
        }
        starts.push_back(p);
    }
    return starts;
}

namespace {

/// A tile's weight along one side: a linear ramp over the part it shares with the previous tile
/// and with the next one, 1 elsewhere (and at the photo's own edges, which no other tile covers).
std::vector<float> ramp(int start, int length, int previousEnd, int nextStart) {
    std::vector<float> w(size_t(length), 1.f);
    for (int i = 0; i < length; ++i) {
        const int p = start + i;
        if (p < previousEnd) w[size_t(i)] = std::min(w[size_t(i)], (p - start + 0.5f) / float(previousEnd - start));
        if (p >= nextStart)
            w[size_t(i)] = std::min(w[size_t(i)], (start + length - p - 0.5f) / float(start + length - nextStart));
    }
    return w;
}

}  // namespace

cv::Mat imageToImageInTiles(const cv::Mat& bgr, int tile, int overlap, const ImageToImageOnce& once) {
    if (bgr.type() != CV_8UC3) throw Error("tiles take 8-bit colour pixels");
    if (tile <= 2 * overlap || overlap < 1) throw Error("a tile must be more than twice its overlap");
    if (bgr.rows <= tile && bgr.cols <= tile) return once(bgr);
    const std::vector<int> ys = tileStarts(bgr.rows, tile, overlap), xs = tileStarts(bgr.cols, tile, overlap);
    const int h = std::min(tile, bgr.rows), w = std::min(tile, bgr.cols);
    cv::Mat sum(bgr.size(), CV_32FC3, cv::Scalar::all(0)), weight(bgr.size(), CV_32F, cv::Scalar(0));
    for (size_t iy = 0; iy < ys.size(); ++iy) {
        const std::vector<float> wy = ramp(ys[iy], h, iy > 0 ? ys[iy - 1] + h : ys[iy],
                                           iy + 1 < ys.size() ? ys[iy + 1] : ys[iy] + h);
        for (size_t ix = 0; ix < xs.size(); ++ix) {
            const std::vector<float> wx = ramp(xs[ix], w, ix > 0 ? xs[ix - 1] + w : xs[ix],
                                               ix + 1 < xs.size() ? xs[ix + 1] : xs[ix] + w);
            const cv::Rect box(xs[ix], ys[iy], w, h);
            const cv::Mat out = once(bgr(box));
            if (out.type() != CV_8UC3 || out.size() != box.size())
                throw Error("the model returned a tile of another size or type");
            for (int y = 0; y < h; ++y) {
                const cv::Vec3b* o = out.ptr<cv::Vec3b>(y);
                cv::Vec3f* s = sum.ptr<cv::Vec3f>(box.y + y) + box.x;
                float* k = weight.ptr<float>(box.y + y) + box.x;
                for (int x = 0; x < w; ++x) {
                    const float v = wy[size_t(y)] * wx[size_t(x)];
                    s[x] += cv::Vec3f(o[x][0], o[x][1], o[x][2]) * v;
                    k[x] += v;
                }
            }
        }
    }
    cv::Mat result(bgr.size(), CV_8UC3);
    for (int y = 0; y < result.rows; ++y) {
        const cv::Vec3f* s = sum.ptr<cv::Vec3f>(y);
        const float* k = weight.ptr<float>(y);
        cv::Vec3b* r = result.ptr<cv::Vec3b>(y);
        for (int x = 0; x < result.cols; ++x)
            for (int c = 0; c < 3; ++c) r[x][c] = cv::saturate_cast<uchar>(s[x][c] / k[x]);
    }
    return result;
}

}  // namespace pm::engine
