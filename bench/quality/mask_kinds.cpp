#include "bench/quality/mask_kinds.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace pm::bench {
namespace {

cv::Point randomPoint(cv::RNG& rng, cv::Size size, double inset) {
    const int mx = static_cast<int>(size.width * inset), my = static_cast<int>(size.height * inset);
    return {rng.uniform(mx, size.width - mx), rng.uniform(my, size.height - my)};
}

cv::Mat objectMask(cv::Size size, cv::RNG& rng) {
    cv::Mat mask(size, CV_8UC1, cv::Scalar(0));
    const double target = 0.05 * size.area();
    const double side = std::min(size.width, size.height);
    const cv::Point centre = randomPoint(rng, size, 0.25);
    while (cv::countNonZero(mask) < target) {
        const cv::Point jitter(
            rng.uniform(-static_cast<int>(side * 0.08), static_cast<int>(side * 0.08) + 1),
            rng.uniform(-static_cast<int>(side * 0.08), static_cast<int>(side * 0.08) + 1));
        const cv::Size axes(static_cast<int>(side * rng.uniform(0.05, 0.12)),
                            static_cast<int>(side * rng.uniform(0.05, 0.12)));
        cv::ellipse(mask, centre + jitter, axes, rng.uniform(0.0, 180.0), 0, 360, cv::Scalar(255),
                    cv::FILLED);
    }
    return mask;
}

cv::Mat strokesMask(cv::Size size, cv::RNG& rng) {
    cv::Mat mask(size, CV_8UC1, cv::Scalar(0));
    const double side = std::min(size.width, size.height);
    const int strokes = rng.uniform(3, 6);
    for (int s = 0; s < strokes; ++s) {
        const int thickness = std::max(4, static_cast<int>(side * rng.uniform(0.015, 0.035)));
        cv::Point p = randomPoint(rng, size, 0.1);
        const int vertices = rng.uniform(3, 6);
        for (int v = 0; v < vertices; ++v) {
            const double angle = rng.uniform(0.0, 2 * CV_PI),
                         length = side * rng.uniform(0.08, 0.2);
            cv::Point q(static_cast<int>(p.x + length * std::cos(angle)),
                        static_cast<int>(p.y + length * std::sin(angle)));
            q.x = std::clamp(q.x, 0, size.width - 1);
            q.y = std::clamp(q.y, 0, size.height - 1);
            cv::line(mask, p, q, cv::Scalar(255), thickness, cv::LINE_AA);
            p = q;
        }
    }
    return mask > 0;
}

cv::Mat scratchesMask(cv::Size size, cv::RNG& rng) {
    cv::Mat mask(size, CV_8UC1, cv::Scalar(0));
    const double side = std::min(size.width, size.height);
    const int scratches = rng.uniform(5, 9);
    for (int s = 0; s < scratches; ++s) {
        const int thickness = rng.uniform(1, 4);
        cv::Point2d p = randomPoint(rng, size, 0.05);
        double angle = rng.uniform(0.0, 2 * CV_PI);
        const int segments = static_cast<int>(side * rng.uniform(0.3, 0.8) / 4);
        for (int i = 0; i < segments; ++i) {
            angle += rng.uniform(-0.15, 0.15);
            const cv::Point2d q = p + 4.0 * cv::Point2d(std::cos(angle), std::sin(angle));
            cv::line(mask, p, q, cv::Scalar(255), thickness, cv::LINE_8);
            p = q;
        }
    }
    return mask;
}

cv::Mat largeMask(cv::Size size, cv::RNG& rng) {
    cv::Mat mask(size, CV_8UC1, cv::Scalar(0));
    const double aspect = rng.uniform(0.7, 1.4);
    const int w = std::min(size.width - 2, static_cast<int>(std::sqrt(0.2 * size.area() * aspect)));
    const int h = std::min(size.height - 2, static_cast<int>(0.2 * size.area() / w));
    const int x = rng.uniform(1, size.width - w), y = rng.uniform(1, size.height - h);
    mask(cv::Rect(x, y, w, h)).setTo(255);
    return mask;
}

cv::Mat linesMask(const cv::Mat& photo, cv::RNG& rng) {
    cv::Mat gray;
    cv::cvtColor(photo, gray, cv::COLOR_BGR2GRAY);
    std::vector<cv::Vec4f> segments;
    cv::createLineSegmentDetector()->detect(gray, segments);
    const cv::Size size = photo.size();
    const double side = std::min(size.width, size.height);
    auto length = [](const cv::Vec4f& s) { return std::hypot(s[2] - s[0], s[3] - s[1]); };
    std::sort(segments.begin(), segments.end(),
              [&](const cv::Vec4f& a, const cv::Vec4f& b) { return length(a) > length(b); });
    // The longest 12 are the facade's edges, eaves and frames; holes go on a few of them.
    segments.resize(std::min<size_t>(segments.size(), 12));
    cv::Mat mask(size, CV_8UC1, cv::Scalar(0));
    const int holes = rng.uniform(2, 4);
    for (int i = 0; i < holes && !segments.empty(); ++i) {
        const size_t pick = static_cast<size_t>(rng.uniform(0, static_cast<int>(segments.size())));
        const cv::Vec4f s = segments[pick];
        segments.erase(segments.begin() + static_cast<std::ptrdiff_t>(pick));
        const double t = rng.uniform(0.3, 0.7);
        const cv::Point centre(static_cast<int>(s[0] + t * (s[2] - s[0])),
                               static_cast<int>(s[1] + t * (s[3] - s[1])));
        const int radius = static_cast<int>(side * rng.uniform(0.03, 0.05));
        cv::ellipse(mask, centre, cv::Size(radius, static_cast<int>(radius * rng.uniform(0.7, 1.0))),
                    rng.uniform(0.0, 180.0), 0, 360, cv::Scalar(255), cv::FILLED);
    }
    if (cv::countNonZero(mask) == 0) return objectMask(size, rng);
    return mask;
}

}  // namespace

std::vector<MaskKind> allMaskKinds() {
    return {MaskKind::Object, MaskKind::Strokes, MaskKind::Scratches, MaskKind::Large,
            MaskKind::Lines};
}

std::string maskKindName(MaskKind kind) {
    switch (kind) {
        case MaskKind::Object:
            return "object";
        case MaskKind::Strokes:
            return "strokes";
        case MaskKind::Scratches:
            return "scratches";
        case MaskKind::Large:
            return "large";
        case MaskKind::Lines:
            return "lines";
    }
    return "?";
}

cv::Mat makeMask(MaskKind kind, cv::Size size, uint64_t seed) {
    return makeMask(kind, cv::Mat(size, CV_8UC3, cv::Scalar(128, 128, 128)), seed);
}

cv::Mat makeMask(MaskKind kind, const cv::Mat& photo, uint64_t seed) {
    const cv::Size size = photo.size();
    cv::RNG rng(seed * 2654435761ull + static_cast<uint64_t>(kind) + 1);
    cv::Mat mask;
    switch (kind) {
        case MaskKind::Lines:
            mask = linesMask(photo, rng);
            break;
        case MaskKind::Object:
            mask = objectMask(size, rng);
            break;
        case MaskKind::Strokes:
            mask = strokesMask(size, rng);
            break;
        case MaskKind::Scratches:
            mask = scratchesMask(size, rng);
            break;
        case MaskKind::Large:
            mask = largeMask(size, rng);
            break;
    }
    // cv::inpaint leaves hole pixels on the image's outermost rows and columns untouched: keep
    // holes off the frame so the comparison measures filling, not that quirk.
    const int frame = 2;
    cv::Mat inner = cv::Mat::zeros(size, CV_8UC1);
    inner(cv::Rect(frame, frame, size.width - 2 * frame, size.height - 2 * frame)).setTo(255);
    return mask & inner;
}

}  // namespace pm::bench
