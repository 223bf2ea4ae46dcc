#include "core/ops/split/split_scan.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/ops/split/bed_mask.h"
#include "core/ops/split/edge_refine.h"

namespace pm::ops {
namespace {

/// Finding regions needs no more than this many pixels on the long side; edges are placed at full
/// resolution afterwards.
constexpr int kDetectSide = 1200;

/// 8-bit BGR of any supported scan (alpha dropped: a scanner bed is opaque).
cv::Mat toBgr8(const cv::Mat& scan) {
    cv::Mat bgr;
    if (scan.channels() == 1) cv::cvtColor(scan, bgr, cv::COLOR_GRAY2BGR);
    else if (scan.channels() == 4) cv::cvtColor(scan, bgr, cv::COLOR_BGRA2BGR);
    else bgr = scan;
    if (bgr.depth() == CV_16U) bgr.convertTo(bgr, CV_8U, 1.0 / 257.0);
    return bgr;
}

/// Regions that are photos, at detection scale, each as its convex hull (photos are rectangles, so
/// the hull also closes a light photo whose outline was found only in part).
std::vector<std::vector<cv::Point>> photoRegions(const cv::Mat& mask, double minArea) {
    cv::Mat m;
    cv::morphologyEx(mask, m, cv::MORPH_CLOSE,
                     cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(m, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    cv::Mat filled = cv::Mat::zeros(m.size(), CV_8UC1);
    cv::drawContours(filled, contours, -1, cv::Scalar(255), cv::FILLED);
    // Cut the thin bridges that grain, dust or a touching shadow make between neighbouring photos.
    const int k = std::max(3, std::min(m.rows, m.cols) / 150) | 1;
    cv::morphologyEx(filled, filled, cv::MORPH_OPEN,
                     cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(k, k)));
    contours.clear();
    cv::findContours(filled, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    std::vector<std::vector<cv::Point>> regions;
    for (const auto& c : contours) {
        std::vector<cv::Point> hull;
        cv::convexHull(c, hull);
        if (cv::contourArea(hull) >= minArea) regions.push_back(hull);
    }
    return regions;
}

/// A box with its angle in (-45, 45] and its width along that angle.
cv::RotatedRect normalizedBox(cv::RotatedRect r, double angle) {
    double delta = r.angle - angle;  // multiple of 90 up to the fit's own error
    const int quarterTurns = static_cast<int>(std::lround(delta / 90.0));
    if (quarterTurns % 2 != 0) std::swap(r.size.width, r.size.height);
    r.angle = static_cast<float>(angle);
    return r;
}

/// Rows top to bottom (boxes whose centres lie within half a box height of each other share a row),
/// left to right inside a row.
void sortReadingOrder(std::vector<DetectedPhoto>& photos) {
    std::sort(photos.begin(), photos.end(),
              [](const auto& a, const auto& b) { return a.box.center.y < b.box.center.y; });
    size_t i = 0;
    while (i < photos.size()) {
        size_t j = i + 1;
        const float rowY = photos[i].box.center.y;
        const float reach = 0.5f * photos[i].box.boundingRect2f().height;
        while (j < photos.size() && photos[j].box.center.y - rowY < reach) ++j;
        std::sort(photos.begin() + i, photos.begin() + j,
                  [](const auto& a, const auto& b) { return a.box.center.x < b.box.center.x; });
        i = j;
    }
}

}  // namespace

std::vector<DetectedPhoto> detectPhotos(const cv::Mat& scan, const SplitParams& params,
                                        engine::JobContext& context) {
    std::vector<DetectedPhoto> photos;
    if (scan.empty() || scan.rows < 16 || scan.cols < 16) return photos;
    context.throwIfCancelled();
    context.progress(0.0, "finding photos");

    const cv::Mat bgr = toBgr8(scan);
    const double scale =
        std::min(1.0, double(kDetectSide) / std::max(bgr.cols, bgr.rows));
    cv::Mat small;
    if (scale < 1.0) cv::resize(bgr, small, cv::Size(), scale, scale, cv::INTER_AREA);
    else small = bgr;
    cv::Mat lab;
    small.convertTo(lab, CV_32F, 1.0 / 255.0);
    cv::cvtColor(lab, lab, cv::COLOR_BGR2Lab);
    cv::Mat L, gx, gy;
    cv::extractChannel(lab, L, 0);
    const cv::Mat gradient = split::gradientMagnitude(L, &gx, &gy);
    const split::BedModel bed = split::estimateBed(lab, gradient);
    const cv::Mat mask = split::photoMask(lab, gradient, bed, params.backgroundThreshold);
    const auto regions =
        photoRegions(mask, params.minAreaFraction * double(small.rows) * small.cols);
    context.throwIfCancelled();

    cv::Mat gray;
    cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
    gray.convertTo(gray, CV_32F, 100.0 / 255.0);  // same units as L*, which the thresholds use
    const float minGradient = std::max(6.f * bed.gradientNoise, 1.5f);
    for (size_t i = 0; i < regions.size(); ++i) {
        context.throwIfCancelled();
        context.progress(0.1 + 0.9 * double(i) / regions.size(), "straightening photos");
        // The region's outline, both sides, is where its edge directions are measured.
        cv::Mat region = cv::Mat::zeros(small.size(), CV_8UC1);
        cv::fillConvexPoly(region, regions[i], cv::Scalar(255));
        cv::Mat outer, inner;
        const cv::Mat k = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(7, 7));
        cv::dilate(region, outer, k);
        cv::erode(region, inner, k);
        const cv::Mat band = outer & ~inner;
        cv::RotatedRect rough = cv::minAreaRect(regions[i]);
        double angle = split::dominantEdgeAngle(gx, gy, band, minGradient);
        if (std::isnan(angle)) angle = rough.angle > 45 ? rough.angle - 90 : rough.angle;
        rough = normalizedBox(rough, angle);
        // Detection pixel centres to scan pixel centres.
        rough.center = cv::Point2f(float((rough.center.x + 0.5) / scale - 0.5),
                                   float((rough.center.y + 0.5) / scale - 0.5));
        rough.size = cv::Size2f(float(rough.size.width / scale), float(rough.size.height / scale));
        const split::RefinedBox refined = split::refineBox(gray, rough);
        DetectedPhoto photo;
        photo.box = refined.box;
        photo.box.size.width = std::max(1.f, photo.box.size.width + 2.f * params.marginPixels);
        photo.box.size.height = std::max(1.f, photo.box.size.height + 2.f * params.marginPixels);
        photo.angleDegrees = photo.box.angle;
        photo.confidence = refined.confidence;
        // The refinement can only drift a little; a box that moved far found some other edge.
        if (std::abs(photo.angleDegrees - angle) > 5.0) {
            photo.box = rough;
            photo.angleDegrees = angle;
            photo.confidence = 0.0;
        }
        photos.push_back(photo);
    }
    sortReadingOrder(photos);
    context.progress(1.0, "finding photos");
    return photos;
}

cv::Mat extractPhoto(const cv::Mat& scan, const cv::RotatedRect& box) {
    const int w = std::max(1, static_cast<int>(std::lround(box.size.width)));
    const int h = std::max(1, static_cast<int>(std::lround(box.size.height)));
    const double t = box.angle * 3.14159265358979323846 / 180.0, c = std::cos(t), s = std::sin(t);
    const double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
    const cv::Matx23d toScan(c, -s, box.center.x - c * cx + s * cy,  //
                             s, c, box.center.y - s * cx - c * cy);
    cv::Mat out;
    cv::warpAffine(scan, out, cv::Mat(toScan), cv::Size(w, h),
                   cv::INTER_CUBIC | cv::WARP_INVERSE_MAP, cv::BORDER_REPLICATE);
    return out;
}

}  // namespace pm::ops
