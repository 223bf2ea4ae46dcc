#include "core/ops/selection/border_refine.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>

namespace pm::ops::selection {

namespace {

cv::Mat box(const cv::Mat& m, int r) {
    cv::Mat out;
    cv::boxFilter(m, out, CV_32F, {2 * r + 1, 2 * r + 1}, {-1, -1}, true, cv::BORDER_REFLECT);
    return out;
}

/// He, Sun, Tang, "Guided Image Filtering" (2010), gray guide. Written with boxFilter here rather
/// than taken from opencv_contrib's ximgproc because the GPU build carries only the core modules.
cv::Mat guidedFilter(const cv::Mat& guide, const cv::Mat& p, int r, double eps) {
    const cv::Mat meanI = box(guide, r), meanP = box(p, r);
    const cv::Mat corrIp = box(guide.mul(p), r), corrII = box(guide.mul(guide), r);
    const cv::Mat varI = corrII - meanI.mul(meanI);
    const cv::Mat covIp = corrIp - meanI.mul(meanP);
    cv::Mat a = covIp / (varI + eps);
    cv::Mat b = meanP - a.mul(meanI);
    return box(a, r).mul(guide) + box(b, r);
}

/// The guide for one tile: the photo projected on the axis from the background's mean colour to the
/// object's near the border, so an edge between a red hat and a brown wall of the same brightness is
/// as strong as a black-and-white one. Scaled to 0..1 so `eps` means the same in every tile.
cv::Mat tileGuide(const cv::Mat& bgr, const cv::Mat& inside, const cv::Mat& band) {
    const cv::Scalar fg = cv::mean(bgr, inside & band), bg = cv::mean(bgr, ~inside & band);
    cv::Vec3f axis(float(fg[0] - bg[0]), float(fg[1] - bg[1]), float(fg[2] - bg[2]));
    if (cv::norm(axis) < 6.0) axis = cv::Vec3f(0.114f, 0.587f, 0.299f);  // no colour difference: luma
    cv::Mat guide;
    cv::transform(bgr, guide, cv::Matx13f(axis[0], axis[1], axis[2]));
    guide.convertTo(guide, CV_32F);
    double lo = 0, hi = 0;
    cv::minMaxLoc(guide, &lo, &hi, nullptr, nullptr, band);
    if (hi - lo < 1e-3) return cv::Mat();
    guide = (guide - lo) / (hi - lo);
    return guide;
}

/// The bilinear upscale of `coarse` to `full` (as cv::resize would make it), for the full-size
/// pixels in `region` only: no photo-sized copy is made for the few tiles on the border.
cv::Mat upscaleRegion(const cv::Mat& coarse, cv::Size full, cv::Rect region) {
    const double sx = double(coarse.cols) / full.width, sy = double(coarse.rows) / full.height;
    // Pixel centres: full x maps to coarse (x + 0.5) * sx - 0.5, as in cv::resize.
    const cv::Matx23d toCoarse(sx, 0, (region.x + 0.5) * sx - 0.5, 0, sy, (region.y + 0.5) * sy - 0.5);
    cv::Mat up;
    cv::warpAffine(coarse, up, toCoarse, region.size(), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_REPLICATE);
    return up;
}

}  // namespace

cv::Mat refineBorder(const cv::Mat& bgr, const cv::Mat& coarse, const BorderRefineSettings& settings) {
    CV_Assert(bgr.type() == CV_8UC3 && coarse.type() == CV_8UC1);
    const double scale = double(coarse.cols) / bgr.cols;
    if (scale >= 1.0) {
        cv::Mat up;
        cv::resize(coarse, up, bgr.size(), 0, 0, cv::INTER_LINEAR);
        return up >= 128;
    }
    // One coarse pixel spans 1/scale full pixels: the true edge lies within about that of the
    // upscaled one, so the band and the filter's window are a little wider than that.
    const int band = int(std::ceil(1.0 / scale)) + 1;
    const int radius = band;
    const int halo = band + radius;
    const int t = std::max(16, settings.tileSize);
    const int cols = (bgr.cols + t - 1) / t, rows = (bgr.rows + t - 1) / t;
    const cv::Rect frame(0, 0, bgr.cols, bgr.rows), coarseFrame(0, 0, coarse.cols, coarse.rows);
    const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * band + 1, 2 * band + 1});

    // Each tile is written once, in parallel: the whole upscale of a 12 MP mask and its threshold
    // cost more than all the border tiles' filters (most of it the kernel zeroing fresh pages).
    cv::Mat out(bgr.size(), CV_8UC1);
    cv::parallel_for_(cv::Range(0, cols * rows), [&](const cv::Range& range) {
        for (int i = range.start; i < range.end; ++i) {
            const cv::Rect tile = cv::Rect((i % cols) * t, (i / cols) * t, t, t) & frame;
            // Tiles whose coarse pixels are all inside or all outside are the upscale: one value.
            const cv::Rect c = cv::Rect(int(tile.x * scale) - 1, int(tile.y * scale) - 1,
                                        int(std::ceil(tile.width * scale)) + 3,
                                        int(std::ceil(tile.height * scale)) + 3) & coarseFrame;
            double lo = 0, hi = 0;
            cv::minMaxLoc(coarse(c), &lo, &hi);
            if (lo == hi) {
                out(tile).setTo(lo >= 128 ? 255 : 0);
                continue;
            }
            const cv::Rect r = cv::Rect(tile.x - halo, tile.y - halo, tile.width + 2 * halo,
                                        tile.height + 2 * halo) & frame;
            const cv::Mat up = upscaleRegion(coarse, bgr.size(), r);
            const cv::Mat inside = up >= 128;
            const cv::Rect inTile = tile - r.tl();
            inside(inTile).copyTo(out(tile));
            cv::Mat grown, shrunk;
            cv::dilate(inside, grown, kernel);
            cv::erode(inside, shrunk, kernel);
            const cv::Mat nearEdge = grown & ~shrunk;
            const cv::Mat guide = tileGuide(bgr(r), inside, nearEdge);
            if (guide.empty()) continue;
            cv::Mat p;
            up.convertTo(p, CV_32F, 1.0 / 255);
            const cv::Mat q = guidedFilter(guide, p, radius, settings.eps);
            const cv::Mat refined = q(inTile) >= 0.5f;
            refined.copyTo(out(tile), nearEdge(inTile));
        }
    });
    return out;
}

}  // namespace pm::ops::selection
