#include "core/ops/selection/mask_tools.h"

#include <opencv2/imgproc.hpp>

#include "core/image/pixel_convert.h"

namespace pm::ops::selection {

namespace {
cv::Mat morph(const cv::Mat& mask, int op, int pixels) {
    CV_Assert(mask.type() == CV_8UC1);
    cv::Mat binary = mask != 0;
    if (pixels <= 0) return binary;
    const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * pixels + 1, 2 * pixels + 1});
    cv::Mat out;
    // Outside the photo counts as unselected for grow and as selected for shrink, so a selection that
    // touches the border keeps touching it (an object cut by the frame stays cut by the frame).
    cv::morphologyEx(binary, out, op, kernel);
    return out;
}
}  // namespace

cv::Mat growMask(const cv::Mat& mask, int pixels) {
    return pixels >= 0 ? morph(mask, cv::MORPH_DILATE, pixels) : morph(mask, cv::MORPH_ERODE, -pixels);
}

cv::Mat shrinkMask(const cv::Mat& mask, int pixels) { return growMask(mask, -pixels); }

cv::Mat featherMask(const cv::Mat& mask, int pixels) {
    CV_Assert(mask.type() == CV_8UC1);
    cv::Mat binary = mask != 0;
    if (pixels <= 0) return binary;
    // A Gaussian with sigma = pixels/2 falls to ~2% at `pixels` from the edge: the ramp is about
    // 2*pixels wide, centred on the old edge, so the selection keeps its size on average.
    const int size = 2 * pixels + 1;
    cv::Mat out;
    cv::GaussianBlur(binary, out, {size, size}, pixels / 2.0, pixels / 2.0, cv::BORDER_REPLICATE);
    return out;
}

cv::Mat invertMask(const cv::Mat& mask) {
    CV_Assert(mask.type() == CV_8UC1);
    return mask == 0;
}

cv::Mat magicWand(const cv::Mat& image, cv::Point seed, const WandSettings& settings) {
    const cv::Mat bgr = image::toBgr8(image);
    cv::Mat result = cv::Mat::zeros(bgr.size(), CV_8UC1);
    if (!cv::Rect(0, 0, bgr.cols, bgr.rows).contains(seed)) return result;
    const cv::Rect window = cv::Rect(seed.x - 1, seed.y - 1, 3, 3) & cv::Rect(0, 0, bgr.cols, bgr.rows);
    const cv::Scalar reference = settings.sampleAverage ? cv::mean(bgr(window)) : cv::Scalar(bgr.at<cv::Vec3b>(seed));
    const double t = std::clamp(settings.tolerance, 0, 255);
    const cv::Scalar low = reference - cv::Scalar::all(t), high = reference + cv::Scalar::all(t);
    if (!settings.contiguous) {
        cv::inRange(bgr, low, high, result);
        return result;
    }
    // floodFill compares with the seed's own value; the fixed range compares with `reference` instead
    // by filling the in-range map from the seed, which also keeps the wand symmetric.
    cv::Mat similar;
    cv::inRange(bgr, low, high, similar);
    if (!similar.at<uchar>(seed)) similar.at<uchar>(seed) = 255;  // the clicked pixel is always selected
    cv::Mat flood = cv::Mat::zeros(bgr.rows + 2, bgr.cols + 2, CV_8UC1);
    cv::floodFill(similar, flood, seed, 255, nullptr, 0, 0, 4 | cv::FLOODFILL_MASK_ONLY | (255 << 8));
    return flood(cv::Rect(1, 1, bgr.cols, bgr.rows)).clone();
}

double maskIoU(const cv::Mat& a, const cv::Mat& b) {
    CV_Assert(a.size() == b.size());
    const double both = cv::countNonZero((a != 0) & (b != 0));
    const double either = cv::countNonZero((a != 0) | (b != 0));
    return either == 0 ? 1.0 : both / either;
}

}  // namespace pm::ops::selection
