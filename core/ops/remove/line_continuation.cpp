#include "core/ops/remove/line_continuation.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace pm::ops {
namespace {

struct Segment {
    cv::Point2d a, b;
    double length() const { return cv::norm(b - a); }
};

// A segment's end that points into the hole: where the ray from it enters and leaves the hole.
struct Ray {
    size_t segment;
    cv::Point2d end, direction;  ///< direction: unit, from the segment's other end towards `end`
    cv::Point2d entry, exit;     ///< first hole pixel on the ray, first known one after the hole
};

bool inside(const cv::Mat& mask, cv::Point2d p) {
    const int x = static_cast<int>(std::lround(p.x)), y = static_cast<int>(std::lround(p.y));
    return x >= 0 && y >= 0 && x < mask.cols && y < mask.rows;
}

bool set(const cv::Mat& mask, cv::Point2d p) {
    return inside(mask, p) &&
           mask.at<uchar>(static_cast<int>(std::lround(p.y)), static_cast<int>(std::lround(p.x)));
}

cv::Mat grayOf(const cv::Mat& image) {
    cv::Mat eight = image;
    if (image.depth() == CV_16U) image.convertTo(eight, CV_8U, 1.0 / 257.0);
    cv::Mat gray;
    if (eight.channels() == 3)
        cv::cvtColor(eight, gray, cv::COLOR_BGR2GRAY);
    else if (eight.channels() == 4)
        cv::cvtColor(eight, gray, cv::COLOR_BGRA2GRAY);
    else if (eight.channels() == 2)
        cv::extractChannel(eight, gray, 0);
    else
        gray = eight;
    return gray;
}

// Segments of the known pixels around the hole, in image coordinates. Those that run along the
// hole's edge (the removed object's outline) are dropped: only what lies in known pixels says
// where a line goes. A segment that enters the hole ends at its edge, so a few samples there are
// allowed.
std::vector<Segment> knownSegments(const cv::Mat& image, const cv::Mat& hole,
                                   const LineContinuation& params) {
    const cv::Rect bounds = cv::boundingRect(hole);
    const int margin = std::max(40, std::max(bounds.width, bounds.height) / 2);
    const cv::Rect region = cv::Rect(bounds.x - margin, bounds.y - margin,
                                     bounds.width + 2 * margin, bounds.height + 2 * margin) &
                            cv::Rect(0, 0, image.cols, image.rows);
    cv::Mat gray = grayOf(image(region));
    const double scale =
        std::min(1.0, static_cast<double>(params.detectSide) / std::max(region.width, region.height));
    if (scale < 1.0) cv::resize(gray, gray, cv::Size(), scale, scale, cv::INTER_AREA);
    std::vector<cv::Vec4f> found;
    cv::createLineSegmentDetector()->detect(gray, found);
    // Only the region is searched: the hole's neighbourhood there is all that is needed.
    cv::Mat nearHole(hole.size(), CV_8UC1, cv::Scalar(0));
    cv::dilate(hole(region), nearHole(region),
               cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(5, 5)));
    std::vector<Segment> segments;
    for (const cv::Vec4f& f : found) {
        Segment s{cv::Point2d(f[0], f[1]) / scale + cv::Point2d(region.tl()),
                  cv::Point2d(f[2], f[3]) / scale + cv::Point2d(region.tl())};
        const Segment whole = s;
        // The mask is often grown past the object: the photo's line may reach into the hole. Trim
        // both ends back to known pixels.
        for (int end = 0; end < 2; ++end) {
            cv::Point2d& p = end ? s.b : s.a;
            const cv::Point2d other = end ? s.a : s.b;
            const double length = cv::norm(p - other);
            if (length < 1.0) break;
            const cv::Point2d step = (other - p) / length;
            for (double t = 0; t < length && set(nearHole, p); t += 1.0) p += step;
        }
        if (s.length() < params.minLength / std::max(scale, 1e-3)) continue;
        int near = 0;
        const int steps = std::max(1, static_cast<int>(s.length()));
        for (int i = 0; i <= steps; ++i)
            near += set(nearHole, s.a + (s.b - s.a) * (static_cast<double>(i) / steps)) ? 1 : 0;
        if (near <= std::max(3, steps / 5)) {
            segments.push_back(s);
            continue;
        }
        // Mostly beside or in the hole. LSD reads the hole's pixels too (the object, or whatever
        // the caller left there), so a line may run straight across it (remove_speed's 12 MP
        // horizon gave one segment through the hole and nothing was drawn): its runs over known
        // pixels on both sides are segments of their own. A segment along the hole's outline
        // leaves no long runs.
        std::vector<Segment> runs;
        const int samples = std::max(1, static_cast<int>(std::ceil(whole.length())));
        const cv::Point2d step = (whole.b - whole.a) / static_cast<double>(samples);
        int start = -1;
        for (int i = 0; i <= samples + 1; ++i) {
            const bool known =
                i <= samples && !set(nearHole, whole.a + step * static_cast<double>(i));
            if (known && start < 0) start = i;
            if (known || start < 0) continue;
            const Segment run{whole.a + step * static_cast<double>(start),
                              whole.a + step * static_cast<double>(i - 1)};
            start = -1;
            if (run.length() >= params.minLength / std::max(scale, 1e-3)) runs.push_back(run);
        }
        if (runs.size() >= 2) segments.insert(segments.end(), runs.begin(), runs.end());
    }
    return segments;
}

std::vector<Ray> raysIntoHole(const std::vector<Segment>& segments, const cv::Mat& hole,
                              const LineContinuation& params) {
    std::vector<Ray> rays;
    const cv::Rect bounds = cv::boundingRect(hole);
    const double longest = 2.0 * std::max(bounds.width, bounds.height) + params.maxGap;
    for (size_t i = 0; i < segments.size(); ++i) {
        const Segment& s = segments[i];
        for (int side = 0; side < 2; ++side) {
            const cv::Point2d end = side ? s.b : s.a, from = side ? s.a : s.b;
            const cv::Point2d u = (end - from) / cv::norm(end - from);
            double t = 0.0;
            while (t <= params.maxGap && !set(hole, end + t * u)) t += 0.5;
            if (t > params.maxGap) continue;
            const cv::Point2d entry = end + t * u;
            while (t <= longest && inside(hole, end + t * u) && set(hole, end + t * u)) t += 0.5;
            if (t > longest || !inside(hole, end + t * u)) continue;
            rays.push_back({i, end, u, entry, end + t * u});
        }
    }
    return rays;
}

double distanceToLine(cv::Point2d p, cv::Point2d on, cv::Point2d unit) {
    const cv::Point2d d = p - on;
    return std::abs(d.x * unit.y - d.y * unit.x);
}

// A line through the hole: unit direction from side A to side B, a point on it, and the hole's run
// along it [tA, tB] (positions along `direction` from `origin`).
struct Crossing {
    cv::Point2d origin, direction;
    double tA, tB;
};

std::vector<Crossing> pairRays(const std::vector<Segment>& segments, const std::vector<Ray>& rays,
                               const LineContinuation& params) {
    const double cosMax = std::cos(params.maxAngle * CV_PI / 180.0);
    std::vector<bool> used(rays.size(), false);
    std::vector<Crossing> crossings;
    for (size_t i = 0; i < rays.size(); ++i) {
        if (used[i]) continue;
        const Ray& r = rays[i];
        double bestCost = 1e9;
        size_t best = rays.size();
        for (size_t j = 0; j < rays.size(); ++j) {
            if (j == i || used[j] || rays[j].segment == r.segment) continue;
            const Ray& q = rays[j];
            if (-(r.direction.dot(q.direction)) < cosMax) continue;
            // Each passes close to the other's line, and q's end is where r leaves the hole.
            const double offset = std::max(distanceToLine(q.end, r.end, r.direction),
                                           distanceToLine(r.end, q.end, q.direction));
            if (offset > params.maxOffset) continue;
            const double along = (q.end - r.end).dot(r.direction);
            const double crossing = (r.exit - r.entry).dot(r.direction);
            if (along < crossing - 1.0 || along > crossing + 2.0 * params.maxGap) continue;
            // Short segments do not say where a long crossing goes.
            if (segments[r.segment].length() + segments[q.segment].length() < crossing) continue;
            const double cost = offset + 0.1 * (along - crossing);
            if (cost < bestCost) {
                bestCost = cost;
                best = j;
            }
        }
        if (best == rays.size()) continue;
        used[i] = used[best] = true;
        const Ray& q = rays[best];
        const Segment &sr = segments[r.segment], &sq = segments[q.segment];
        const double lr = sr.length(), lq = sq.length();
        cv::Point2d u = r.direction * lr - q.direction * lq;
        u /= cv::norm(u);
        const cv::Point2d origin = (r.end * lr + q.end * lq) / (lr + lq);
        crossings.push_back(
            {origin, u, (r.entry - origin).dot(u), (q.entry - origin).dot(u)});
    }
    return crossings;
}

template <typename T>
void sample(const cv::Mat& image, cv::Point2d p, double* out) {
    const int cn = image.channels();
    const int x0 = std::clamp(static_cast<int>(std::floor(p.x)), 0, image.cols - 1),
              y0 = std::clamp(static_cast<int>(std::floor(p.y)), 0, image.rows - 1);
    const int x1 = std::min(x0 + 1, image.cols - 1), y1 = std::min(y0 + 1, image.rows - 1);
    const double fx = std::clamp(p.x - x0, 0.0, 1.0), fy = std::clamp(p.y - y0, 0.0, 1.0);
    const T* r0 = image.ptr<T>(y0);
    const T* r1 = image.ptr<T>(y1);
    for (int c = 0; c < cn; ++c)
        out[c] = (1 - fy) * ((1 - fx) * r0[x0 * cn + c] + fx * r0[x1 * cn + c]) +
                 fy * ((1 - fx) * r1[x0 * cn + c] + fx * r1[x1 * cn + c]);
}

// A known source for hole pixel p on side `sign` (-1: A, +1: B): the pixel the crossing's length
// away along the line (the line's own texture just outside the hole), else the line's profile
// at the hole's edge, stepped outwards until known.
bool sourceFor(const cv::Mat& known, cv::Point2d p, const Crossing& c, int sign, double across,
               cv::Point2d& source) {
    const double length = c.tB - c.tA + 3.0;
    source = p + sign * length * c.direction;
    if (set(known, source) && set(known, source + cv::Point2d(1, 1))) return true;
    const cv::Point2d normal(-c.direction.y, c.direction.x);
    const double edge = sign < 0 ? c.tA - 3.0 : c.tB + 3.0;
    for (int step = 0; step < 12; ++step) {
        source = c.origin + (edge + sign * step) * c.direction + across * normal;
        if (set(known, source) && set(known, source + cv::Point2d(1, 1))) return true;
    }
    return false;
}

template <typename T>
void drawCrossing(cv::Mat& image, const cv::Mat& hole, const cv::Mat& known, const Crossing& c,
                  int halfWidth, cv::Mat& drawn) {
    const cv::Point2d normal(-c.direction.y, c.direction.x);
    std::vector<cv::Point> corners;
    for (double t : {c.tA - 3.0, c.tB + 3.0})
        for (double s : {-halfWidth - 1.0, halfWidth + 1.0}) {
            const cv::Point2d q = c.origin + t * c.direction + s * normal;
            corners.emplace_back(static_cast<int>(std::floor(q.x)), static_cast<int>(std::floor(q.y)));
        }
    const cv::Rect box =
        (cv::boundingRect(corners) + cv::Size(2, 2)) & cv::Rect(0, 0, image.cols, image.rows);
    const int cn = image.channels();
    double a[4], b[4];
    for (int y = box.y; y < box.y + box.height; ++y) {
        const uchar* h = hole.ptr<uchar>(y);
        T* row = image.ptr<T>(y);
        for (int x = box.x; x < box.x + box.width; ++x) {
            if (!h[x]) continue;
            const cv::Point2d p(x, y);
            const double t = (p - c.origin).dot(c.direction), s = (p - c.origin).dot(normal);
            if (std::abs(s) > halfWidth || t < c.tA - 3.0 || t > c.tB + 3.0) continue;
            cv::Point2d sa, sb;
            const bool hasA = sourceFor(known, p, c, -1, s, sa);
            const bool hasB = sourceFor(known, p, c, +1, s, sb);
            if (!hasA && !hasB) continue;
            const double wA = !hasB ? 1.0
                              : !hasA ? 0.0
                                      : std::clamp((c.tB - t) / std::max(c.tB - c.tA, 1.0), 0.0, 1.0);
            if (hasA) sample<T>(image, sa, a);
            if (hasB) sample<T>(image, sb, b);
            for (int ch = 0; ch < cn; ++ch)
                row[x * cn + ch] = cv::saturate_cast<T>((hasA ? wA * a[ch] : 0.0) +
                                                        (hasB ? (1.0 - wA) * b[ch] : 0.0));
            drawn.at<uchar>(y, x) = 255;
        }
    }
}

}  // namespace

cv::Mat continueLines(cv::Mat& image, const cv::Mat& hole, const LineContinuation& params,
                      std::vector<cv::Vec3d>* lines) {
    CV_Assert(image.depth() == CV_8U || image.depth() == CV_16U);
    CV_Assert(hole.type() == CV_8UC1 && hole.size() == image.size());
    cv::Mat drawn(hole.size(), CV_8UC1, cv::Scalar(0));
    if (cv::countNonZero(hole) == 0) return drawn;
    const std::vector<Segment> segments = knownSegments(image, hole, params);
    const std::vector<Ray> rays = raysIntoHole(segments, hole, params);
    const std::vector<Crossing> crossings = pairRays(segments, rays, params);
    // Sources are read from pixels known before any line was drawn, so two crossing lines do not
    // copy each other's guesses.
    const cv::Mat known = hole == 0;
    for (const Crossing& c : crossings) {
        if (lines)
            lines->emplace_back(-c.direction.y, c.direction.x,
                                c.direction.y * c.origin.x - c.direction.x * c.origin.y);
        cv::Mat part = image;
        if (image.depth() == CV_8U)
            drawCrossing<uchar>(part, hole, known, c, params.halfWidth, drawn);
        else
            drawCrossing<ushort>(part, hole, known, c, params.halfWidth, drawn);
    }
    return drawn;
}

}  // namespace pm::ops
