#include "core/ops/remove/fill_regions.h"

#include <algorithm>

#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

namespace pm::ops {

namespace {

cv::Rect grownBy(const cv::Rect& box, int by, cv::Size frame) {
    return cv::Rect(box.x - by, box.y - by, box.width + 2 * by, box.height + 2 * by) &
           cv::Rect(0, 0, frame.width, frame.height);
}

// The bounding box of the non-zero pixels grown by `by` and clipped to the image: on a 24 MP photo
// the morphology below only needs to touch this part.
cv::Rect grownBounds(const cv::Mat& binary, int by) {
    return grownBy(cv::boundingRect(binary), by, binary.size());
}

}  // namespace

cv::Mat growMask(const cv::Mat& mask, int pixels) {
    cv::Mat grown = mask > 0;
    if (pixels <= 0) return grown;
    const cv::Rect roi = grownBounds(grown, pixels);
    if (roi.area() == 0) return grown;
    const cv::Mat kernel =
        cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * pixels + 1, 2 * pixels + 1));
    cv::Mat part;
    cv::dilate(grown(roi), part, kernel, cv::Point(-1, -1), 1, cv::BORDER_CONSTANT, cv::Scalar(0));
    part.copyTo(grown(roi));
    return grown;
}

std::vector<cv::Rect> planFillRegions(const cv::Mat& hole, const RegionPlan& plan) {
    // Labelling costs a pass over every pixel: label the hole's bounding box only.
    const cv::Rect bounds = cv::boundingRect(hole);
    if (bounds.area() == 0) return {};
    return planFillRegions(hole(bounds), bounds, hole.size(), plan);
}

std::vector<cv::Rect> planFillRegions(const cv::Mat& hole, const cv::Rect& part, cv::Size frame,
                                      const RegionPlan& plan) {
    CV_Assert(hole.type() == CV_8UC1 && hole.size() == part.size());
    std::vector<cv::Rect> boxes;
    if (hole.empty()) return boxes;
    cv::Mat labels, stats, centroids;
    const int count =
        cv::connectedComponentsWithStats(hole > 0, labels, stats, centroids, 8, CV_32S);
    const cv::Rect image(0, 0, frame.width, frame.height);
    for (int i = 1; i < count; ++i) {
        const cv::Rect box(
            part.x + stats.at<int>(i, cv::CC_STAT_LEFT), part.y + stats.at<int>(i, cv::CC_STAT_TOP),
            stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
        const int margin = std::max(
            plan.minMargin, static_cast<int>(plan.marginRatio * std::max(box.width, box.height)));
        boxes.push_back(cv::Rect(box.x - margin, box.y - margin, box.width + 2 * margin,
                                 box.height + 2 * margin) &
                        image);
    }
    // Merging two boxes can make the union overlap a third one: repeat until nothing changes.
    for (bool merged = true; merged;) {
        merged = false;
        for (size_t i = 0; i < boxes.size() && !merged; ++i)
            for (size_t j = i + 1; j < boxes.size(); ++j)
                if ((boxes[i] & boxes[j]).area() > 0) {
                    boxes[i] |= boxes[j];
                    boxes.erase(boxes.begin() + static_cast<std::ptrdiff_t>(j));
                    merged = true;
                    break;
                }
    }
    std::sort(boxes.begin(), boxes.end(), [](const cv::Rect& a, const cv::Rect& b) {
        return a.y != b.y ? a.y < b.y : a.x < b.x;
    });
    return boxes;
}

cv::Mat featherWeights(const cv::Mat& hole, int featherPixels) {
    cv::Mat weights(hole.size(), CV_32FC1, cv::Scalar(0));
    // Weights are non-zero only within the feather of the hole's bounding box: work there alone.
    const cv::Rect bounds = cv::boundingRect(hole);
    if (bounds.area() == 0) return weights;
    weights(bounds).setTo(1.0f, hole(bounds));
    if (featherPixels <= 0) return weights;
    const cv::Rect roi = grownBy(bounds, featherPixels + 1, hole.size());
    cv::Mat distance;
    cv::distanceTransform(hole(roi) == 0, distance, cv::DIST_L2, cv::DIST_MASK_PRECISE);
    const float step = 1.0f / static_cast<float>(featherPixels + 1);
    for (int y = 0; y < roi.height; ++y) {
        const float* d = distance.ptr<float>(y);
        float* w = weights.ptr<float>(roi.y + y) + roi.x;
        for (int x = 0; x < roi.width; ++x)
            if (d[x] > 0.0f && d[x] <= static_cast<float>(featherPixels)) w[x] = 1.0f - d[x] * step;
    }
    return weights;
}

namespace {

// dst = w f + (1 - w) dst in float, rounded back, where w > 0: the same arithmetic as converting
// both to float, blending and converting back, without three full-size temporaries.
template <typename T>
void blendRows(cv::Mat& dst, const cv::Mat& fill, const cv::Mat& weights, const cv::Range& rows) {
    const int channels = dst.channels();
    for (int y = rows.start; y < rows.end; ++y) {
        const float* w = weights.ptr<float>(y);
        T* d = dst.ptr<T>(y);
        const T* f = fill.ptr<T>(y);
        for (int x = 0; x < dst.cols; ++x) {
            if (!(w[x] > 0.0f)) continue;
            for (int c = 0; c < channels; ++c) {
                const int i = x * channels + c;
                d[i] = cv::saturate_cast<T>(w[x] * static_cast<float>(f[i]) +
                                            (1.0f - w[x]) * static_cast<float>(d[i]));
            }
        }
    }
}

}  // namespace

void pasteFeathered(cv::Mat& dstAll, const cv::Mat& fillAll, const cv::Mat& weightsAll) {
    CV_Assert(dstAll.size() == fillAll.size() && dstAll.type() == fillAll.type() &&
              weightsAll.type() == CV_32FC1 && weightsAll.size() == dstAll.size());
    CV_Assert(dstAll.depth() == CV_8U || dstAll.depth() == CV_16U);
    const cv::Rect roi = cv::boundingRect(weightsAll > 0.0f);
    if (roi.area() == 0) return;
    cv::Mat dst = dstAll(roi);
    const cv::Mat fill = fillAll(roi), weights = weightsAll(roi);
    // Pixels with weight 0 are never written: they keep their exact original bits.
    cv::parallel_for_(cv::Range(0, dst.rows), [&](const cv::Range& rows) {
        if (dst.depth() == CV_8U)
            blendRows<uchar>(dst, fill, weights, rows);
        else
            blendRows<ushort>(dst, fill, weights, rows);
    });
}

}  // namespace pm::ops
