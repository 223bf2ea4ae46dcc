#include "core/engine/diffusion/pipeline/work_area.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/common/error.h"

namespace pm::engine::diffusion {
namespace {

constexpr double kFeatherSigma = 4.0;
constexpr int kSeamReach = 16;  // the feather's reach (3 sigma = 12 px) with room to spare

// An interval of `length` around [start, end) inside [0, limit).
std::pair<int, int> spanAround(int start, int end, int length, int limit) {
    length = std::min(std::max(length, end - start), limit);
    int first = (start + end) / 2 - length / 2;
    first = std::clamp(first, 0, limit - length);
    return {first, length};
}

int roundToEight(double value) {
    return std::max(8, static_cast<int>(std::lround(value / 8.0)) * 8);
}

}  // namespace

WorkArea planWorkArea(const cv::Mat& mask, int shortSide, int maxLongSide) {
    CV_Assert(mask.type() == CV_8UC1);
    const cv::Rect box = cv::boundingRect(mask);
    if (box.empty()) throw Error("the mask marks nothing to fill");
    const cv::Rect reach = (box + cv::Size(2 * kSeamReach, 2 * kSeamReach) - cv::Point(kSeamReach, kSeamReach)) &
                           cv::Rect(0, 0, mask.cols, mask.rows);
    const auto [x, width] = spanAround(reach.x, reach.br().x, std::max(2 * box.width, shortSide), mask.cols);
    const auto [y, height] = spanAround(reach.y, reach.br().y, std::max(2 * box.height, shortSide), mask.rows);
    WorkArea area;
    area.crop = cv::Rect(x, y, width, height);
    double scale = static_cast<double>(shortSide) / std::min(width, height);
    if (std::max(width, height) * scale > maxLongSide) scale = static_cast<double>(maxLongSide) / std::max(width, height);
    area.working = cv::Size(roundToEight(width * scale), roundToEight(height * scale));
    return area;
}

ExtendedCanvas extendCanvas(const cv::Mat& bgr, const cv::Mat& mask, const CanvasExtension& extension) {
    ExtendedCanvas canvas;
    cv::copyMakeBorder(bgr, canvas.bgr, extension.top, extension.bottom, extension.left, extension.right,
                       cv::BORDER_REPLICATE);
    canvas.mask = cv::Mat(canvas.bgr.size(), CV_8UC1, cv::Scalar(255));
    const cv::Rect original(extension.left, extension.top, bgr.cols, bgr.rows);
    if (mask.empty())
        canvas.mask(original).setTo(0);
    else
        cv::threshold(mask, canvas.mask(original), 0, 255, cv::THRESH_BINARY);
    return canvas;
}

cv::Mat featherMask(const cv::Mat& mask) {
    cv::Mat hard;
    cv::threshold(mask, hard, 0, 255, cv::THRESH_BINARY);
    cv::Mat soft;
    cv::GaussianBlur(hard, soft, cv::Size(), kFeatherSigma, kFeatherSigma, cv::BORDER_REPLICATE);
    return cv::max(soft, hard);
}

cv::Mat pasteBack(const cv::Mat& photo, const cv::Mat& mask, const cv::Rect& crop, const cv::Mat& generated) {
    CV_Assert(photo.type() == CV_8UC3 && generated.type() == CV_8UC3 && mask.size() == photo.size());
    cv::Mat resized;
    const bool shrinks = generated.cols > crop.width || generated.rows > crop.height;
    cv::resize(generated, resized, crop.size(), 0, 0, shrinks ? cv::INTER_AREA : cv::INTER_CUBIC);
    const cv::Mat alpha = featherMask(mask(crop));
    cv::Mat out = photo.clone();
    cv::Mat region = out(crop);
    for (int y = 0; y < crop.height; ++y) {
        const uchar* a = alpha.ptr<uchar>(y);
        const cv::Vec3b* g = resized.ptr<cv::Vec3b>(y);
        cv::Vec3b* o = region.ptr<cv::Vec3b>(y);
        for (int x = 0; x < crop.width; ++x) {
            if (a[x] == 0) continue;  // beyond the seam: the photo's own pixel, untouched
            for (int c = 0; c < 3; ++c)
                o[x][c] = static_cast<uchar>((o[x][c] * (255 - a[x]) + g[x][c] * a[x] + 127) / 255);
        }
    }
    return out;
}

cv::Mat toWorkingImage(const cv::Mat& bgr, const WorkArea& area) {
    cv::Mat out;
    const bool shrinks = area.working.width < area.crop.width;
    cv::resize(bgr(area.crop), out, area.working, 0, 0, shrinks ? cv::INTER_AREA : cv::INTER_CUBIC);
    return out;
}

cv::Mat toWorkingMask(const cv::Mat& mask, const WorkArea& area) {
    cv::Mat hard, out;
    cv::threshold(mask(area.crop), hard, 0, 255, cv::THRESH_BINARY);
    cv::resize(hard, out, area.working, 0, 0, cv::INTER_AREA);
    cv::threshold(out, out, 0, 255, cv::THRESH_BINARY);
    return out;
}

}  // namespace pm::engine::diffusion
