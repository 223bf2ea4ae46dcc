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
    // Halved with the factor (not a size): OpenCV's exact 2x2 averaging, which the selections in
    // NOTES.md were measured with; a size computed for odd sides averages differently, and the
    // candidate chosen for a click is that sensitive. At least one pixel each way for a thin strip.
    const auto halve = [](const cv::Mat& m) {
        cv::Mat out;
        if (m.cols >= 2 && m.rows >= 2) cv::resize(m, out, cv::Size(), 0.5, 0.5, cv::INTER_AREA);
        else cv::resize(m, out, cv::Size(std::max(1, m.cols / 2), std::max(1, m.rows / 2)), 0, 0, cv::INTER_AREA);
        return out;
    };
    half_ = halve(small_);
    quarter_ = halve(half_);
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
/// interest just larger than the box; only the parts connected to `keep` are returned (all of
/// them for an empty `keep`).
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
    if (keep.empty()) return fg;  // a first step: the raw answer, parts not yet judged
    return cleanUp(fg, keep & fg, maxHole);
}

/// Work copy `labels` at the size `to` (nearest neighbour, `scale` = to / work copy), with the
/// positive clicks stamped as `value` so that no click vanishes in a smaller copy.
cv::Mat scaledLabels(const cv::Mat& labels, cv::Size to, const std::vector<cv::Point>& clicks, double scale,
                     uchar value) {
    cv::Mat out;
    cv::resize(labels, out, to, 0, 0, cv::INTER_NEAREST);
    for (const cv::Point& c : clicks)
        out.at<uchar>(std::min(int(c.y * scale), to.height - 1), std::min(int(c.x * scale), to.width - 1)) = value;
    return out;
}

cv::Rect scaledRect(cv::Rect r, double scale, cv::Size frame) {
    return cv::Rect(int(r.x * scale), int(r.y * scale), std::max(1, int(std::ceil(r.width * scale))),
                    std::max(1, int(std::ceil(r.height * scale)))) & cv::Rect(0, 0, frame.width, frame.height);
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

struct ClickSelector::Seeds {
    std::vector<cv::Point> positive, negative;  // work copy coordinates
    cv::Mat labels;  // GrabCut's labels before the cut: clicks certain, the rest probably object
    cv::Mat keep;    // only parts touching these pixels are kept
    double maxHole = 0;
};

ClickSelector::Seeds ClickSelector::makeSeeds(const SelectionPrompt& prompt) const {
    Seeds s;
    const int longSide = std::max(small_.cols, small_.rows);
    const int seedRadius = std::max(3, int(settings_.seedRadius * longSide));
    const int dotRadius = std::max(2, longSide / 200);  // a click is certain only right under it
    for (const cv::Point& p : prompt.positive) s.positive.push_back(toWork(p, scale_, small_.size()));
    for (const cv::Point& p : prompt.negative) s.negative.push_back(toWork(p, scale_, small_.size()));
    s.labels = cv::Mat(small_.size(), CV_8UC1, cv::Scalar(cv::GC_PR_FGD));
    s.keep = cv::Mat::zeros(small_.size(), CV_8UC1);
    for (const cv::Point& c : s.positive) {
        cv::circle(s.labels, c, dotRadius, cv::GC_FGD, cv::FILLED);
        cv::circle(s.keep, c, dotRadius, 255, cv::FILLED);
    }
    for (const cv::Point& c : s.negative) {
        s.labels.setTo(cv::GC_BGD, seedRegion(small_, c, settings_.seedTolerance, seedRadius));
        cv::circle(s.labels, c, dotRadius, cv::GC_BGD, cv::FILLED);
    }
    s.maxHole = settings_.fillHolesBelow * double(small_.total());
    return s;
}

cv::Mat ClickSelector::selectCoarse(const SelectionPrompt& prompt) const {
    return selectCoarse(prompt, {}, nullptr);
}

cv::Mat ClickSelector::selectCoarse(const SelectionPrompt& prompt, const SelectionState& previous,
                                    SelectionState* next) const {
    SelectionState state;
    state.prompt = prompt;
    state.coarse = cv::Mat::zeros(small_.size(), CV_8UC1);
    const auto done = [&](cv::Mat coarse, cv::Rect box) {
        state.coarse = coarse;
        state.box = box;
        if (next) *next = state;
        return coarse;
    };
    if (prompt.empty()) return done(state.coarse, {});
    const cv::Rect frame(0, 0, small_.cols, small_.rows);
    Seeds seeds = makeSeeds(prompt);
    if (!prompt.box.empty()) {
        const cv::Point tl = toWork(prompt.box.tl(), scale_, small_.size());
        const cv::Point br = toWork(prompt.box.br(), scale_, small_.size());
        const cv::Rect box = cv::Rect(tl, br + cv::Point(1, 1)) & frame;
        if (seeds.positive.empty()) seeds.keep(box).setTo(255);  // a box alone keeps whatever it finds
        return done(cutInBox(small_, seeds.labels, box, seeds.keep, settings_.iterations, seeds.maxHole), box);
    }
    // A negative click after an answer without a box: the previous answer already says how large the
    // object is (the box its clicks chose) and where it lies, so only that box is cut again, starting
    // from the previous selection (probably object inside it, probably not outside). A positive click
    // may change the object's extent, so it searches the boxes around all clicks again (it reuses
    // the work copies and their edge map; about 0.45 s of CPU for two clicks on 12 MP, bench/selection/NOTES.md).
    const bool usable = !previous.empty() && previous.coarse.size() == small_.size() && previous.prompt.box.empty() &&
                        !previous.box.empty() && previous.prompt.positive == prompt.positive;
    const bool oneMoreNegative = prompt.negative.size() == previous.prompt.negative.size() + 1 &&
                                 std::equal(previous.prompt.negative.begin(), previous.prompt.negative.end(),
                                            prompt.negative.begin());
    if (usable && oneMoreNegative) {
        seeds.labels.setTo(cv::GC_PR_BGD, (previous.coarse == 0) & (seeds.labels == cv::GC_PR_FGD));
        return done(cutInBox(small_, seeds.labels, previous.box, seeds.keep, settings_.finalIterations,
                             seeds.maxHole),
                    previous.box);
    }
    cv::Rect chosen;
    const cv::Mat coarse = cutAroundClicks(seeds, cv::boundingRect(seeds.positive), &chosen);
    return done(coarse, chosen);
}

cv::Mat ClickSelector::cutAroundClicks(const Seeds& seeds, cv::Rect around, cv::Rect* chosen) const {
    const cv::Rect frame(0, 0, small_.cols, small_.rows);
    const int longSide = std::max(small_.cols, small_.rows);
    // Clicks alone do not say how large the object is: try boxes of growing size around them and
    // keep the selection a person would: one whose outline runs along strong edges without being cut
    // by its box, and which stays the same when the box grows (a whole object does; a part of one,
    // bounded by a fold or a print, changes with the next size, like SAM's stability score).
    // The candidates are judged on a copy of half the work size, in parallel (GrabCut itself runs
    // on one core); only the chosen box is cut again at the work size.
    const double half = double(half_.cols) / small_.cols;
    const double quarter = double(quarter_.cols) / small_.cols;
    const cv::Mat halfSeeds = scaledLabels(seeds.labels, half_.size(), seeds.positive, half, cv::GC_FGD);
    const cv::Mat halfKeep = scaledLabels(seeds.keep, half_.size(), seeds.positive, half, 255);
    const cv::Mat quarterSeeds = scaledLabels(seeds.labels, quarter_.size(), seeds.positive, quarter, cv::GC_FGD);
    std::vector<cv::Rect> boxes;
    for (const double share : settings_.boxSizes) {
        const int m = std::max(4, int(share * longSide));
        const cv::Rect box = cv::Rect(around.x - m, around.y - m, around.width + 2 * m, around.height + 2 * m) & frame;
        if (boxes.empty() || box != boxes.back()) boxes.push_back(box);
    }
    std::vector<cv::Mat> found(boxes.size());
    std::vector<double> edgeScore(boxes.size());
    const double halfHole = seeds.maxHole * half * half;
    // Largest box first: the two cores then finish at about the same time (the largest cut costs
    // about as much as the others together, or more when its first iteration is at half size).
    const int n = int(boxes.size());
    const bool firstOnQuarter = settings_.candidateIterations > 1 &&
                                std::max(around.width, around.height) >= settings_.quarterFirstSpan * longSide;
    cv::parallel_for_(cv::Range(0, n), [&](const cv::Range& range) {
        for (int i = range.start; i < range.end; ++i) {
            const int k = n - 1 - i;
            const cv::Rect box = scaledRect(boxes[size_t(k)], half, half_.size());
            // The largest box's first iteration, from a box full of "probably object", is the slow
            // part of a click (its graph cut cost 3x its second iteration and 3x all smaller boxes
            // together for two clicks on 12 MP): with clicks spread wide it runs on the quarter
            // copy, and the rest at half size starts from its answer, as the final cut starts from a
            // candidate's. Not for one click: a small object (the pink hat) is then too few quarter
            // pixels, and its largest box's answer changed which box was chosen (NOTES.md).
            cv::Mat start = halfSeeds;
            int rest = settings_.candidateIterations;
            if (firstOnQuarter && k == n - 1) {
                const cv::Rect quarterBox = scaledRect(boxes[size_t(k)], quarter, quarter_.size());
                const cv::Mat first = cutInBox(quarter_, quarterSeeds, quarterBox, cv::Mat(), 1, 0);
                cv::Mat up;
                cv::resize(first, up, half_.size(), 0, 0, cv::INTER_LINEAR);
                start = halfSeeds.clone();
                start.setTo(cv::GC_PR_BGD, (up < 128) & (halfSeeds == cv::GC_PR_FGD));
                rest -= 1;
            }
            found[size_t(k)] = cutInBox(half_, start, box, halfKeep, rest, halfHole);
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
    if (chosen) *chosen = boxes[best];
    // The chosen candidate is a good start for the cut at work size: its colour models are the
    // object's and the background's already, so one iteration refines its border, where three from a
    // box full of "probably object" cost 5x more (the first graph cut of those is the slow one) and
    // selected worse (IoU in NOTES.md).
    cv::Mat labels = seeds.labels.clone();
    cv::Mat start;
    cv::resize(found[best], start, small_.size(), 0, 0, cv::INTER_LINEAR);
    labels.setTo(cv::GC_PR_BGD, (start < 128) & (seeds.labels == cv::GC_PR_FGD));
    return cutInBox(small_, labels, boxes[best], seeds.keep, settings_.finalIterations, seeds.maxHole);
}

cv::Mat ClickSelector::fullSize(const cv::Mat& coarse) const {
    if (scale_ >= 1.0) return coarse;
    if (!settings_.refineBorder) {
        cv::Mat up;
        cv::resize(coarse, up, full_.size(), 0, 0, cv::INTER_LINEAR);
        return up >= 128;
    }
    return refineBorder(full_, coarse);
}

cv::Mat ClickSelector::select(const SelectionPrompt& prompt) const { return fullSize(selectCoarse(prompt)); }

cv::Mat ClickSelector::select(const SelectionPrompt& prompt, const SelectionState& previous,
                              SelectionState* next) const {
    return fullSize(selectCoarse(prompt, previous, next));
}

}  // namespace pm::ops::selection
