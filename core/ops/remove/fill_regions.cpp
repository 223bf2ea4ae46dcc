#include "core/ops/remove/fill_regions.h"

#include <algorithm>
#include <cstdint>

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
    // In place (OpenCV's morphology supports it): no second mask of the photo's size.
    cv::Mat part = grown(roi);
    cv::dilate(part, part, kernel, cv::Point(-1, -1), 1, cv::BORDER_CONSTANT, cv::Scalar(0));
    return grown;
}

cv::Mat growMaskByWidth(const cv::Mat& mask, int pixels, int thinPixels, float thinRadius) {
    if (pixels == thinPixels || thinRadius <= 0.0f) return growMask(mask, pixels);
    const cv::Mat binary = mask > 0;
    const cv::Rect roi = grownBounds(binary, 1);
    if (roi.area() == 0) return binary;
    // The wide parts: pixels deeper than thinRadius inside the mask, and every mask pixel within
    // twice that of them (an opening would leave the pointed ends of an ellipse out). Scratches,
    // hairs and thin strokes have no such pixels, so their crossings and bends do not count as
    // objects.
    cv::Mat distance;
    cv::distanceTransform(binary(roi), distance, cv::DIST_L2, cv::DIST_MASK_3);
    cv::Mat wide = distance > thinRadius;
    const int r = 2 * static_cast<int>(std::ceil(thinRadius));
    cv::dilate(wide, wide, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * r + 1, 2 * r + 1)));
    cv::Mat wideAll(binary.size(), CV_8UC1, cv::Scalar(0));
    wideAll(roi).setTo(255, wide & binary(roi));
    return growMask(wideAll, pixels) | growMask(binary, thinPixels);
}

std::vector<cv::Rect> planFillRegions(const cv::Mat& hole, const RegionPlan& plan) {
    // Labelling costs a pass over every pixel: label the hole's bounding box only.
    const cv::Rect bounds = cv::boundingRect(hole);
    if (bounds.area() == 0) return {};
    return planFillRegions(hole(bounds), bounds, hole.size(), plan);
}

namespace {

// Rows labelled at a time: a whole-photo label image (4 bytes a pixel) of a 500 MP photo would
// need 2 GB; pieces of a region in neighbouring bands are joined where they touch.
constexpr std::int64_t kLabelBandPixels = 8'000'000;

int rootOf(std::vector<int>& parent, int i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
}

// Bounding boxes of the 8-connected regions of `hole`, in the order connectedComponents numbers
// them (by their first pixel in raster order).
std::vector<cv::Rect> regionBoxes(const cv::Mat& hole) {
    std::vector<cv::Rect> pieces;
    std::vector<int> parent;
    std::vector<int> previousRow;  // piece of each pixel of the row above the band, -1 for none
    const int bandRows = static_cast<int>(
        std::clamp<std::int64_t>(kLabelBandPixels / std::max(1, hole.cols), 1, hole.rows));
    for (int top = 0; top < hole.rows; top += bandRows) {
        const int bottom = std::min(hole.rows, top + bandRows);
        cv::Mat labels, stats, centroids;
        const int count = cv::connectedComponentsWithStats(hole.rowRange(top, bottom), labels,
                                                           stats, centroids, 8, CV_32S);
        const int base = static_cast<int>(pieces.size()) - 1;  // label l is piece base + l
        for (int i = 1; i < count; ++i) {
            pieces.emplace_back(
                stats.at<int>(i, cv::CC_STAT_LEFT), top + stats.at<int>(i, cv::CC_STAT_TOP),
                stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT));
            parent.push_back(static_cast<int>(parent.size()));
        }
        if (!previousRow.empty()) {
            const int* first = labels.ptr<int>(0);
            for (int x = 0; x < hole.cols; ++x) {
                if (!first[x]) continue;
                for (int dx = -1; dx <= 1; ++dx) {
                    const int above = x + dx < 0 || x + dx >= hole.cols ? -1 : previousRow[x + dx];
                    if (above < 0) continue;
                    const int a = rootOf(parent, above), b = rootOf(parent, base + first[x]);
                    if (a != b) parent[std::max(a, b)] = std::min(a, b);  // the earlier piece leads
                }
            }
        }
        const int* last = labels.ptr<int>(labels.rows - 1);
        previousRow.assign(hole.cols, -1);
        for (int x = 0; x < hole.cols; ++x)
            if (last[x]) previousRow[x] = base + last[x];
    }
    std::vector<cv::Rect> boxes;
    std::vector<int> boxOfRoot(pieces.size(), -1);
    for (size_t i = 0; i < pieces.size(); ++i) {
        const int root = rootOf(parent, static_cast<int>(i));
        if (boxOfRoot[root] < 0) {
            boxOfRoot[root] = static_cast<int>(boxes.size());
            boxes.push_back(pieces[i]);
        } else {
            boxes[boxOfRoot[root]] |= pieces[i];
        }
    }
    return boxes;
}

}  // namespace

std::vector<cv::Rect> planFillRegions(const cv::Mat& hole, const cv::Rect& part, cv::Size frame,
                                      const RegionPlan& plan) {
    CV_Assert(hole.type() == CV_8UC1 && hole.size() == part.size());
    std::vector<cv::Rect> boxes;
    if (hole.empty()) return boxes;
    const cv::Rect image(0, 0, frame.width, frame.height);
    for (const cv::Rect& region : regionBoxes(hole)) {
        const cv::Rect box = region + part.tl();
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
