#include "core/ops/split/edge_refine.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/ops/split/bed_mask.h"

namespace pm::ops::split {
namespace {

constexpr double kPi = 3.14159265358979323846;

/// The rough box's neighbourhood resampled so that the box is axis-aligned, plus which frame pixels
/// lie inside the scan.
struct Frame {
    cv::Mat gx, gy;  ///< slopes of the deskewed gray
    cv::Mat valid;   ///< CV_8U, 255 inside the scan
    cv::Matx23d toScan;
    int pad = 0;
    double w = 0, h = 0;  ///< the rough box's size inside the frame
};

Frame makeFrame(const cv::Mat& gray, const cv::RotatedRect& r, int pad) {
    Frame f;
    f.pad = pad;
    f.w = r.size.width;
    f.h = r.size.height;
    const int W = static_cast<int>(std::ceil(f.w)) + 2 * pad;
    const int H = static_cast<int>(std::ceil(f.h)) + 2 * pad;
    const double t = r.angle * kPi / 180.0, c = std::cos(t), s = std::sin(t);
    // Frame pixel (x, y) shows scan point centre + (x - cx) * ex + (y - cy) * ey.
    const double cx = pad + f.w / 2.0 - 0.5, cy = pad + f.h / 2.0 - 0.5;
    f.toScan = cv::Matx23d(c, -s, r.center.x - c * cx + s * cy,  //
                           s, c, r.center.y - s * cx - c * cy);
    cv::Mat frame;
    cv::warpAffine(gray, frame, cv::Mat(f.toScan), cv::Size(W, H),
                   cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_REPLICATE);
    cv::Mat ones(gray.size(), CV_8UC1, cv::Scalar(255));
    cv::warpAffine(ones, f.valid, cv::Mat(f.toScan), cv::Size(W, H),
                   cv::INTER_NEAREST | cv::WARP_INVERSE_MAP, cv::BORDER_CONSTANT, cv::Scalar(0));
    gradientMagnitude(frame, &f.gx, &f.gy);
    return f;
}

double subpixelPeak(const std::vector<double>& v, int i) {
    if (i <= 0 || i + 1 >= static_cast<int>(v.size())) return i;
    const double a = v[i - 1], b = v[i], c = v[i + 1];
    const double d = a - 2 * b + c;
    return d < 0 ? i + 0.5 * (a - c) / d : i;
}

/// One side of the box, searched along the axis `across` (0 = x for left/right, 1 = y for
/// top/bottom).
struct Side {
    int across;
    bool far;  ///< right or bottom
};

struct SideResult {
    double position = 0;  ///< frame coordinate of the edge
    double angle = 0;     ///< residual skew of the edge line, degrees
    int points = 0;       ///< edge samples that agree with the line
    int samples = 0;
    bool onScanBorder = false;
};

SideResult findSide(const Frame& f, Side side, double searchIn, double lineRadius) {
    const cv::Mat& g = side.across == 0 ? f.gx : f.gy;
    const int len = side.across == 0 ? g.cols : g.rows;   // along the search axis
    const int span = side.across == 0 ? g.rows : g.cols;  // along the edge
    const double extent = side.across == 0 ? f.w : f.h;
    const double spanExtent = side.across == 0 ? f.h : f.w;
    auto at = [&](const cv::Mat& m, int i, int j) -> float {  // i across, j along
        return side.across == 0 ? m.at<float>(j, i) : m.at<float>(i, j);
    };
    auto validAt = [&](int i, int j) {
        return side.across == 0 ? f.valid.at<uchar>(j, i) != 0 : f.valid.at<uchar>(i, j) != 0;
    };
    const double rough = side.far ? f.pad + extent - 0.5 : f.pad - 0.5;
    const int j0 = static_cast<int>(f.pad + 0.12 * spanExtent);
    const int j1 = std::min(span, static_cast<int>(f.pad + 0.88 * spanExtent));

    SideResult out;
    // A side whose outside lies beyond the scan: the photo is cut by (or flush with) the scan
    // border.
    {
        const int probe = static_cast<int>(std::lround(side.far ? rough + 3 : rough - 3));
        int inside = 0, total = 0;
        for (int j = j0; j < j1; ++j, ++total)
            if (probe >= 0 && probe < len && validAt(probe, j)) ++inside;
        if (total > 0 && inside < total / 2) {
            out.onScanBorder = true;
            // The side ends where the scan does.
            const int step = side.far ? 1 : -1;
            auto lineInside = [&](int i) {
                int n = 0;
                for (int j = j0; j < j1; ++j) n += i >= 0 && i < len && validAt(i, j);
                return n >= (j1 - j0) / 2;
            };
            int i = std::clamp(static_cast<int>(std::lround(rough)), 0, len - 1);
            while (!lineInside(i) && i - step >= 0 && i - step < len) i -= step;
            while (lineInside(i + step)) i += step;
            out.position = i + 0.5 * step;
            return out;
        }
    }

    std::vector<double> profile(len, 0.0);
    for (int j = j0; j < j1; ++j)
        for (int i = 0; i < len; ++i) profile[i] += std::abs(at(g, i, j));
    const int lo = std::max(1, static_cast<int>(side.far ? rough - searchIn : 1));
    const int hi = std::min(len - 2, static_cast<int>(side.far ? len - 2 : rough + searchIn));
    int best = lo;
    for (int i = lo; i <= hi; ++i)
        if (profile[i] > profile[best]) best = i;
    out.position = subpixelPeak(profile, best);

    // Edge samples along the side, then a robust straight line through them.
    const double peakMean = profile[best] / std::max(1, j1 - j0);
    std::vector<cv::Point2f> pts;
    const int r = std::max(2, static_cast<int>(std::lround(lineRadius)));
    for (int j = j0; j < j1; ++j) {
        const int a = std::max(1, best - r), b = std::min(len - 2, best + r);
        int arg = -1;
        double v = 0;
        for (int i = a; i <= b; ++i) {
            const double gv = std::abs(at(g, i, j));
            if (gv > v) v = gv, arg = i;
        }
        ++out.samples;
        if (arg < 0 || v < 0.3 * peakMean) continue;
        std::vector<double> nb = {std::abs(at(g, arg - 1, j)), v, std::abs(at(g, arg + 1, j))};
        const double pos = arg - 1 + subpixelPeak(nb, 1);
        pts.push_back(side.across == 0 ? cv::Point2f(float(pos), float(j))
                                       : cv::Point2f(float(j), float(pos)));
    }
    if (pts.size() < 10) return out;
    cv::Vec4f line;
    cv::fitLine(pts, line, cv::DIST_HUBER, 0, 0.01, 0.01);
    // Along the edge, how far the edge drifts across per unit: for a vertical side dx/dy = -tan(d),
    // for a horizontal one dy/dx = tan(d) (see the frame's axes).
    const double vx = line[0], vy = line[1];
    out.angle = side.across == 0 ? -std::atan2(vx, vy) : std::atan2(vy, vx);
    out.angle *= 180.0 / kPi;
    if (out.angle > 90) out.angle -= 180;
    if (out.angle < -90) out.angle += 180;
    for (const auto& p : pts) {
        const double d = std::abs((p.x - line[2]) * vy - (p.y - line[3]) * vx);
        if (d < 1.5) ++out.points;
    }
    return out;
}

}  // namespace

double dominantEdgeAngle(const cv::Mat& gx, const cv::Mat& gy, const cv::Mat& band,
                         float minGradient) {
    constexpr int kBins = 360;  // 0.25 degree over the 90 degrees that edges repeat in
    std::vector<double> hist(kBins, 0.0);
    double total = 0;
    for (int y = 0; y < gx.rows; ++y) {
        const auto* px = gx.ptr<float>(y);
        const auto* py = gy.ptr<float>(y);
        const auto* m = band.ptr<uchar>(y);
        for (int x = 0; x < gx.cols; ++x) {
            if (!m[x]) continue;
            const double mag = std::hypot(px[x], py[x]);
            if (mag < minGradient) continue;
            double deg = std::atan2(py[x], px[x]) * 180.0 / kPi;
            deg = std::fmod(deg + 360.0, 90.0);
            hist[static_cast<int>(deg * kBins / 90.0) % kBins] += mag;
            total += mag;
        }
    }
    if (total <= 0) return std::numeric_limits<double>::quiet_NaN();
    std::vector<double> smooth(kBins, 0.0);
    for (int i = 0; i < kBins; ++i)
        for (int k = -4; k <= 4; ++k)
            smooth[i] += hist[(i + k + kBins) % kBins] * (5 - std::abs(k));
    const int best =
        static_cast<int>(std::max_element(smooth.begin(), smooth.end()) - smooth.begin());
    const double a = smooth[(best + kBins - 1) % kBins], b = smooth[best],
                 c = smooth[(best + 1) % kBins];
    const double d = a - 2 * b + c;
    const double offset = d < 0 ? 0.5 * (a - c) / d : 0.0;
    double deg = (best + 0.5 + offset) * 90.0 / kBins;
    if (deg > 45.0) deg -= 90.0;
    return deg;
}

RefinedBox refineBox(const cv::Mat& gray, const cv::RotatedRect& rough) {
    cv::RotatedRect box = rough;
    std::array<SideResult, 4> sides;
    const double longSide = std::max(box.size.width, box.size.height);
    for (int pass = 0; pass < 3; ++pass) {
        const int pad = std::max(12, static_cast<int>(0.03 * longSide));
        const Frame f = makeFrame(gray, box, pad);
        // Wide first (the rough box may sit a few pixels off), then tight around the found edges.
        const double searchIn = pass == 0 ? std::max(8.0, 0.04 * longSide) : 6.0;
        const double lineRadius = pass == 0 ? std::max(4.0, 0.015 * longSide) : 4.0;
        sides = {findSide(f, {0, false}, searchIn, lineRadius),
                 findSide(f, {0, true}, searchIn, lineRadius),
                 findSide(f, {1, false}, searchIn, lineRadius),
                 findSide(f, {1, true}, searchIn, lineRadius)};
        double weighted = 0, weight = 0;
        for (const auto& s : sides)
            if (s.points >= 10) weighted += s.angle * s.points, weight += s.points;
        const double left = sides[0].position, right = sides[1].position;
        const double top = sides[2].position, bottom = sides[3].position;
        const cv::Vec3d c(0.5 * (left + right), 0.5 * (top + bottom), 1.0);
        const cv::Vec2d centre = f.toScan * c;
        box.center = cv::Point2f(float(centre[0]), float(centre[1]));
        box.size = cv::Size2f(float(right - left), float(bottom - top));
        if (pass < 2 && weight > 0) box.angle = float(box.angle + weighted / weight);
    }
    RefinedBox out;
    out.box = box;
    double conf = 0;
    for (size_t i = 0; i < sides.size(); ++i) {
        const SideResult& s = sides[i];
        const double straight = s.samples ? double(s.points) / s.samples : 0.0;
        out.sideStraightness[i] = s.onScanBorder ? -1.0 : straight;
        conf += s.onScanBorder ? 0.5 : straight;
    }
    out.confidence = conf / 4.0;
    return out;
}

}  // namespace pm::ops::split
