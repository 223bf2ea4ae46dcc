#include "core/ops/selection/click_select.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <opencv2/imgproc.hpp>

#include "core/image/pixel_convert.h"
#include "core/ops/selection/border_refine.h"
#include "core/ops/selection/mask_tools.h"

namespace pm::ops::selection {

namespace {

cv::Point toWork(cv::Point p, double scale, cv::Size work) {
    return {std::clamp(int(std::lround((p.x + 0.5) * scale - 0.5)), 0, work.width - 1),
            std::clamp(int(std::lround((p.y + 0.5) * scale - 0.5)), 0, work.height - 1)};
}

/// The pixels around `click` of the clicked colour (within `tolerance`), limited to a disk: a sample
/// of the object's colours for GrabCut's model instead of the one pixel under the cursor.
cv::Mat seedRegion(const cv::Mat& small, cv::Point click, int tolerance, int radius) {
    cv::Mat flood = cv::Mat::zeros(small.rows + 2, small.cols + 2, CV_8UC1);
    // Pixels outside the disk are marked in the flood mask already, so the fill stops there.
    cv::Mat outside(flood.size(), CV_8UC1, cv::Scalar(1));
    cv::circle(outside, click + cv::Point(1, 1), radius, 0, cv::FILLED);
    flood.setTo(1, outside);
    const cv::Scalar diff = cv::Scalar::all(tolerance);
    cv::floodFill(small, flood, click, 0, nullptr, diff, diff,
                  8 | cv::FLOODFILL_MASK_ONLY | cv::FLOODFILL_FIXED_RANGE | (2 << 8));
    return flood(cv::Rect(1, 1, small.cols, small.rows)) == 2;
}

/// Keeps the components of `fg` that touch `keep`, and fills holes smaller than `maxHole` pixels.
cv::Mat cleanUp(const cv::Mat& fg, const cv::Mat& keep, double maxHole) {
    cv::Mat labels;
    const int n = cv::connectedComponents(fg, labels, 8, CV_32S);
    std::vector<uchar> wanted(size_t(n), 0);
    for (int y = 0; y < fg.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        const uchar* k = keep.ptr<uchar>(y);
        for (int x = 0; x < fg.cols; ++x)
            if (k[x] && l[x] > 0) wanted[size_t(l[x])] = 1;
    }
    cv::Mat out(fg.size(), CV_8UC1);
    for (int y = 0; y < fg.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        uchar* o = out.ptr<uchar>(y);
        for (int x = 0; x < fg.cols; ++x) o[x] = wanted[size_t(l[x])] ? 255 : 0;
    }
    // Holes: background components that do not touch the frame.
    cv::Mat holes = out == 0;
    cv::Mat stats, centroids;
    const int h = cv::connectedComponentsWithStats(holes, labels, stats, centroids, 4, CV_32S);
    for (int i = 1; i < h; ++i) {
        const int x = stats.at<int>(i, cv::CC_STAT_LEFT), y = stats.at<int>(i, cv::CC_STAT_TOP);
        const int w = stats.at<int>(i, cv::CC_STAT_WIDTH), hh = stats.at<int>(i, cv::CC_STAT_HEIGHT);
        const bool touchesFrame = x == 0 || y == 0 || x + w == fg.cols || y + hh == fg.rows;
        if (!touchesFrame && stats.at<int>(i, cv::CC_STAT_AREA) < maxHole) out.setTo(255, labels == i);
    }
    return out;
}

}  // namespace

ClickSelector::ClickSelector(const cv::Mat& image, const ClickSelectSettings& settings)
    : full_(image::toBgr8(image)), settings_(settings) {
    CV_Assert(!full_.empty());
    const int longSide = std::max(full_.cols, full_.rows);
    scale_ = std::min(1.0, double(std::max(16, settings_.workLongSide)) / longSide);
    if (scale_ < 1.0) {
        const cv::Size work(std::max(1, int(std::lround(full_.cols * scale_))),
                            std::max(1, int(std::lround(full_.rows * scale_))));
        cv::resize(full_, small_, work, 0, 0, cv::INTER_AREA);
        scale_ = double(work.width) / full_.cols;
    } else {
        small_ = full_;
    }
    cv::resize(small_, half_, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
    // Edge strength for judging candidate selections: the largest gradient over the colour channels,
    // so a red object on a green ground of the same brightness still has an edge.
    cv::Mat smooth;
    cv::GaussianBlur(half_, smooth, {3, 3}, 0);
    std::vector<cv::Mat> channels;
    cv::split(smooth, channels);
    halfEdges_ = cv::Mat::zeros(smooth.size(), CV_32F);
    for (const cv::Mat& c : channels) {
        cv::Mat gx, gy, magnitude;
        cv::Sobel(c, gx, CV_32F, 1, 0);
        cv::Sobel(c, gy, CV_32F, 0, 1);
        cv::magnitude(gx, gy, magnitude);
        halfEdges_ = cv::max(halfEdges_, magnitude);
    }
}

namespace {

/// GrabCut inside `box` (outside it background for certain, inside as `seeds` say), on a region of
/// interest just larger than the box; only the parts connected to `keep` are returned.
cv::Mat cutInBox(const cv::Mat& small, const cv::Mat& seeds, cv::Rect box, const cv::Mat& keep,
                 int iterations, double maxHole) {
    const cv::Rect frame(0, 0, small.cols, small.rows);
    const int m = std::max(8, std::max(box.width, box.height) / 10);
    const cv::Rect roi = cv::Rect(box.x - m, box.y - m, box.width + 2 * m, box.height + 2 * m) & frame;
    cv::Mat gc(roi.size(), CV_8UC1, cv::Scalar(cv::GC_BGD));
    const cv::Rect inRoi = box - roi.tl();
    seeds(box).copyTo(gc(inRoi));
    cv::Mat bgdModel, fgdModel;
    // GrabCut starts its colour models with k-means from cv::theRNG(): a fixed seed makes the same
    // clicks give the same selection every time (the RNG is per thread, so this touches no other).
    cv::theRNG().state = 0x5e1ec7;
    cv::grabCut(small(roi), gc, cv::Rect(), bgdModel, fgdModel, iterations, cv::GC_INIT_WITH_MASK);
    cv::Mat fg = cv::Mat::zeros(small.size(), CV_8UC1);
    fg(roi).setTo(255, (gc == cv::GC_FGD) | (gc == cv::GC_PR_FGD));
    return cleanUp(fg, keep & fg, maxHole);
}

/// How much a selection looks like a whole object: the mean edge strength along its outline, less
/// for every stretch of outline that runs along its box's side (where the box, not an edge, cut it).
double outlineScore(const cv::Mat& fg, const cv::Mat& edges, cv::Rect box, cv::Rect frame) {
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(fg, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
    double sum = 0;
    int onEdge = 0, onBox = 0;
    for (const auto& contour : contours)
        for (const cv::Point& p : contour) {
            const bool boxSide = (p.x <= box.x && box.x > 0) || (p.y <= box.y && box.y > 0) ||
                                 (p.x >= box.br().x - 1 && box.br().x < frame.width) ||
                                 (p.y >= box.br().y - 1 && box.br().y < frame.height);
            if (boxSide) ++onBox;
            else sum += edges.at<float>(p), ++onEdge;
        }
    if (onEdge == 0) return -1e9;
    const double cutShare = double(onBox) / (onEdge + onBox);
    return sum / onEdge * (1.0 - 3.0 * cutShare);
}

}  // namespace

cv::Mat ClickSelector::selectCoarse(const SelectionPrompt& prompt) const {
    cv::Mat result = cv::Mat::zeros(small_.size(), CV_8UC1);
    if (prompt.empty()) return result;
    const cv::Rect frame(0, 0, small_.cols, small_.rows);
    const int longSide = std::max(small_.cols, small_.rows);
    const int seedRadius = std::max(3, int(settings_.seedRadius * longSide));
    const int dotRadius = std::max(2, longSide / 200);  // a click is certain only right under it

    std::vector<cv::Point> positive, negative;
    for (const cv::Point& p : prompt.positive) positive.push_back(toWork(p, scale_, small_.size()));
    for (const cv::Point& p : prompt.negative) negative.push_back(toWork(p, scale_, small_.size()));
    cv::Mat seeds(small_.size(), CV_8UC1, cv::Scalar(cv::GC_PR_FGD));
    cv::Mat keep = cv::Mat::zeros(small_.size(), CV_8UC1);
    for (const cv::Point& c : positive) {
        cv::circle(seeds, c, dotRadius, cv::GC_FGD, cv::FILLED);
        cv::circle(keep, c, dotRadius, 255, cv::FILLED);
    }
    for (const cv::Point& c : negative) {
        seeds.setTo(cv::GC_BGD, seedRegion(small_, c, settings_.seedTolerance, seedRadius));
        cv::circle(seeds, c, dotRadius, cv::GC_BGD, cv::FILLED);
    }
    const double maxHole = settings_.fillHolesBelow * double(small_.total());
    const auto cut = [&](cv::Rect box, const cv::Mat& keepHere) {
        return cutInBox(small_, seeds, box, keepHere, settings_.iterations, maxHole);
    };
    if (!prompt.box.empty()) {
        const cv::Point tl = toWork(prompt.box.tl(), scale_, small_.size());
        const cv::Point br = toWork(prompt.box.br(), scale_, small_.size());
        const cv::Rect box = cv::Rect(tl, br + cv::Point(1, 1)) & frame;
        if (positive.empty()) keep(box).setTo(255);  // a box alone keeps whatever it finds
        return cut(box, keep);
    }
    // Clicks alone do not say how large the object is: try boxes of growing size around them and
    // keep the selection a person would: one whose outline runs along strong edges without being cut
    // by its box, and which stays the same when the box grows (a whole object does; a part of one,
    // bounded by a fold or a print, changes with the next size, like SAM's stability score).
    // The candidates are judged on a copy of half the work size, in parallel (GrabCut itself runs
    // on one core); only the chosen box is cut again at the work size.
    const double half = double(half_.cols) / small_.cols;
    const auto toHalf = [&](cv::Rect r) {
        return cv::Rect(int(r.x * half), int(r.y * half), std::max(1, int(std::ceil(r.width * half))),
                        std::max(1, int(std::ceil(r.height * half)))) & cv::Rect(0, 0, half_.cols, half_.rows);
    };
    cv::Mat halfSeeds, halfKeep;
    cv::resize(seeds, halfSeeds, half_.size(), 0, 0, cv::INTER_NEAREST);
    cv::resize(keep, halfKeep, half_.size(), 0, 0, cv::INTER_NEAREST);
    for (const cv::Point& c : positive) {
        const cv::Point h(std::min(int(c.x * half), half_.cols - 1), std::min(int(c.y * half), half_.rows - 1));
        halfSeeds.at<uchar>(h) = cv::GC_FGD;  // a click never vanishes in the smaller copy
        halfKeep.at<uchar>(h) = 255;
    }
    const cv::Rect around = cv::boundingRect(positive);
    std::vector<cv::Rect> boxes;
    for (const double share : settings_.boxSizes) {
        const int m = std::max(4, int(share * longSide));
        const cv::Rect box = cv::Rect(around.x - m, around.y - m, around.width + 2 * m, around.height + 2 * m) & frame;
        if (boxes.empty() || box != boxes.back()) boxes.push_back(box);
    }
    std::vector<cv::Mat> found(boxes.size());
    std::vector<double> edgeScore(boxes.size());
    const double halfHole = maxHole * half * half;
    cv::parallel_for_(cv::Range(0, int(boxes.size())), [&](const cv::Range& range) {
        for (int k = range.start; k < range.end; ++k) {
            const cv::Rect box = toHalf(boxes[size_t(k)]);
            found[size_t(k)] = cutInBox(half_, halfSeeds, box, halfKeep, settings_.iterations, halfHole);
            edgeScore[size_t(k)] = outlineScore(found[size_t(k)], halfEdges_, box, cv::Rect(0, 0, half_.cols, half_.rows));
        }
    });
    size_t best = 0;
    double bestScore = -1e18;
    for (size_t k = 0; k < found.size(); ++k) {
        double stable = found.size() == 1 ? 1.0 : 0.0;
        if (k > 0) stable = std::max(stable, maskIoU(found[k], found[k - 1]));
        if (k + 1 < found.size()) stable = std::max(stable, maskIoU(found[k], found[k + 1]));
        const double score = edgeScore[k] * stable * stable;
        if (score > bestScore) bestScore = score, best = k;
    }
    return cut(boxes[best], keep);
}

cv::Mat ClickSelector::select(const SelectionPrompt& prompt) const {
    const cv::Mat coarse = selectCoarse(prompt);
    if (scale_ >= 1.0) return coarse;
    if (!settings_.refineBorder) {
        cv::Mat up;
        cv::resize(coarse, up, full_.size(), 0, 0, cv::INTER_LINEAR);
        return up >= 128;
    }
    return refineBorder(full_, coarse);
}

}  // namespace pm::ops::selection
