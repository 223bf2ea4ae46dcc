#include "core/ops/split/split_scan.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/image/pixel_convert.h"
#include "core/ops/split/bed_mask.h"
#include "core/ops/split/edge_refine.h"

namespace pm::ops {
namespace {

/// Finding regions needs no more than this many pixels on the long side; edges are placed at full
/// resolution afterwards.
constexpr int kDetectSide = 1600;


/// Fills the holes of mask; with keepSlivers, holes thinner than minThickness stay open: between
/// two photos that share a shadow, the gap is such a sliver.
cv::Mat fillHoles(const cv::Mat& mask, bool keepSlivers, double minThickness) {
    std::vector<std::vector<cv::Point>> contours;
    std::vector<cv::Vec4i> hierarchy;
    cv::findContours(mask, contours, hierarchy, cv::RETR_CCOMP, cv::CHAIN_APPROX_NONE);
    cv::Mat filled = mask.clone();
    for (size_t i = 0; i < contours.size(); ++i) {
        const bool hole = hierarchy[i][3] >= 0;
        if (!hole) continue;
        const double area = cv::contourArea(contours[i]);
        const double thickness = 2.0 * area / std::max(1.0, cv::arcLength(contours[i], true));
        if (!keepSlivers || thickness >= minThickness)
            cv::drawContours(filled, contours, int(i), cv::Scalar(255), cv::FILLED);
    }
    return filled;
}

/// Outer contours of the hole-filled mask, opened to cut thin bridges, as convex hulls of at least
/// minArea. Photos are rectangles, so the hull also closes one whose outline was found only in
/// part.
std::vector<std::vector<cv::Point>> filledHulls(const cv::Mat& mask, double minArea, bool strict) {
    const int side = std::min(mask.rows, mask.cols);
    cv::Mat m = mask;
    if (!strict)
        cv::morphologyEx(mask, m, cv::MORPH_CLOSE,
                         cv::getStructuringElement(cv::MORPH_RECT, cv::Size(3, 3)));
    cv::Mat filled = fillHoles(m, strict, std::max(8.0, 0.01 * side));
    const int k = std::max(3, side / 150) | 1;
    cv::morphologyEx(filled, filled, cv::MORPH_OPEN,
                     cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(k, k)));
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(filled, contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_SIMPLE);
    std::vector<std::vector<cv::Point>> hulls;
    for (const auto& c : contours) {
        std::vector<cv::Point> hull;
        cv::convexHull(c, hull);
        if (cv::contourArea(hull) >= minArea) hulls.push_back(hull);
    }
    return hulls;
}

double rectangularity(const std::vector<cv::Point>& hull) {
    const double rect = cv::minAreaRect(hull).size.area();
    return rect > 0 ? cv::contourArea(hull) / rect : 0.0;
}

/// A region that is one photo, or maybe several side by side that share a shadow (then `parts`
/// holds them, as the strict mask shows them).
struct Region {
    std::vector<cv::Point> hull;
    std::vector<std::vector<cv::Point>> parts;
};

/// Regions that are photos, at detection scale.
std::vector<Region> photoRegions(const split::PhotoMasks& masks, double minArea) {
    std::vector<Region> regions;
    for (const auto& hull : filledHulls(masks.loose, minArea, false)) {
        cv::Mat inside = cv::Mat::zeros(masks.loose.size(), CV_8UC1);
        cv::fillConvexPoly(inside, hull, cv::Scalar(255));
        Region region{hull, {}};
        const auto parts = filledHulls(masks.strict & inside, minArea, true);
        double partsArea = 0;
        bool rectangles = parts.size() >= 2;
        for (const auto& p : parts) {
            partsArea += cv::contourArea(p);
            rectangles = rectangles && rectangularity(p) > 0.75;
        }
        if (rectangles && partsArea > 0.75 * cv::contourArea(hull)) region.parts = parts;
        regions.push_back(region);
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

/// The tests a found box must pass to be offered as a photo. Measured on the synthetic and
/// composed scans of tests/ops_split and on beds with grain up to 10 levels (photos on a bed: mean
/// straightness 0.76 to 1.0, every free side 0.60 or more, bed slope 0.12 at most) and on the
/// ordinary photos of testdata/photos and old-photos (their made-up boxes: mean straightness 0.69
/// at most, and each fails at least two of the three tests).
constexpr double kMinStraightness = 0.72;      ///< mean over the sides, scan-border sides 0.5
constexpr double kMinSideStraightness = 0.55;  ///< every side with an edge to find
constexpr float kMaxBedSlope = 0.2f;  ///< the bed's median L* slope per pixel, blurred by 2 px

/// Whether a found box is a photo lying on a scanner bed, rather than part of an ordinary photo
/// that merely differs from that photo's own border (a hat, a flower, a patch of sky): a real bed
/// is plain, so its median slope is no more than noise, and a photo's cut edges are straight
/// lines along the whole of each side.
bool lyingOnABed(const split::RefinedBox& refined, float bedSlope) {
    if (bedSlope > kMaxBedSlope || refined.confidence < kMinStraightness) return false;
    for (const double side : refined.sideStraightness)
        if (side >= 0.0 && side < kMinSideStraightness) return false;
    return true;
}

}  // namespace

std::vector<DetectedPhoto> detectPhotos(const cv::Mat& scan, const SplitParams& params,
                                        engine::JobContext& context) {
    std::vector<DetectedPhoto> photos;
    if (scan.empty() || scan.rows < 16 || scan.cols < 16) return photos;
    context.throwIfCancelled();
    context.progress(0.0, "finding photos");

    const cv::Mat bgr = image::toBgr8(scan);
    const double scale = std::min(1.0, double(kDetectSide) / std::max(bgr.cols, bgr.rows));
    cv::Mat small;
    if (scale < 1.0)
        cv::resize(bgr, small, cv::Size(), scale, scale, cv::INTER_AREA);
    else
        small = bgr;
    cv::Mat lab;
    small.convertTo(lab, CV_32F, 1.0 / 255.0);
    cv::cvtColor(lab, lab, cv::COLOR_BGR2Lab);
    cv::Mat L, gx, gy;
    cv::extractChannel(lab, L, 0);
    const cv::Mat gradient = split::gradientMagnitude(L, &gx, &gy);
    // The mask uses an unblurred gradient: blurred, the edges of two close photos would meet.
    const cv::Mat sharpGradient = split::gradientMagnitude(L, nullptr, nullptr, 0.0);
    const split::BedModel bed = split::estimateBed(lab, sharpGradient);
    const cv::Mat softGradient = split::gradientMagnitude(L, nullptr, nullptr, 2.0);
    const split::PhotoMasks masks =
        split::photoMasks(lab, sharpGradient, softGradient, bed, params.backgroundThreshold);
    const auto regions =
        photoRegions(masks, params.minAreaFraction * double(small.rows) * small.cols);
    context.throwIfCancelled();

    cv::Mat gray;
    cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
    gray.convertTo(gray, CV_32F, 100.0 / 255.0);  // same units as L*, which the thresholds use
    const split::BedModel smoothBed = split::estimateBed(lab, gradient);
    const float minGradient = std::max(6.f * smoothBed.gradientNoise, 1.5f);
    // Blurred by 2 px, the slope of a bed's grain is gone, that of a photo's texture is not.
    const float bedSlope = split::estimateBed(lab, softGradient).gradientNoise;
    struct Located {
        DetectedPhoto photo;
        bool onBed = false;
    };
    auto locate = [&](const std::vector<cv::Point>& hull) {
        // The region's outline, both sides, is where its edge directions are measured.
        cv::Mat region = cv::Mat::zeros(small.size(), CV_8UC1);
        cv::fillConvexPoly(region, hull, cv::Scalar(255));
        cv::Mat outer, inner;
        const cv::Mat k = cv::getStructuringElement(cv::MORPH_RECT, cv::Size(7, 7));
        cv::dilate(region, outer, k);
        cv::erode(region, inner, k);
        const cv::Mat band = outer & ~inner;
        cv::RotatedRect rough = cv::minAreaRect(hull);
        double angle = split::dominantEdgeAngle(gx, gy, band, minGradient);
        if (std::isnan(angle)) angle = rough.angle > 45 ? rough.angle - 90 : rough.angle;
        rough = normalizedBox(rough, angle);
        // Detection pixel centres to scan pixel centres.
        rough.center = cv::Point2f(float((rough.center.x + 0.5) / scale - 0.5),
                                   float((rough.center.y + 0.5) / scale - 0.5));
        rough.size = cv::Size2f(float(rough.size.width / scale), float(rough.size.height / scale));
        const split::RefinedBox refined = split::refineBox(gray, rough);
        Located found;
        found.photo.box = refined.box;
        found.photo.confidence = refined.confidence;
        found.onBed = lyingOnABed(refined, bedSlope);
        // The refinement can only drift a little; a box that turned far found some other edge.
        if (std::abs(found.photo.box.angle - angle) > 5.0) {
            found.photo.box = rough;
            found.photo.confidence = 0.0;
            found.onBed = false;
        }
        return found;
    };
    // Photos split apart must each show four straight edges; a photo cut in two by a gray band
    // inside it would show a weak edge where the cut is.
    constexpr double kPartConfidence = 0.6;
    for (size_t i = 0; i < regions.size(); ++i) {
        context.throwIfCancelled();
        context.progress(0.1 + 0.9 * double(i) / regions.size(), "straightening photos");
        std::vector<Located> found;
        for (const auto& part : regions[i].parts) found.push_back(locate(part));
        const bool partsHold =
            !found.empty() && std::all_of(found.begin(), found.end(), [&](auto& p) {
                return p.photo.confidence >= kPartConfidence;
            });
        if (!partsHold) found = {locate(regions[i].hull)};
        for (auto& [photo, onBed] : found) {
            // Better no box than a made-up one: the caller says no photos were found.
            if (!onBed) continue;
            photo.box.size.width = std::max(1.f, photo.box.size.width + 2.f * params.marginPixels);
            photo.box.size.height =
                std::max(1.f, photo.box.size.height + 2.f * params.marginPixels);
            photo.angleDegrees = photo.box.angle;
            photos.push_back(photo);
        }
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
