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

// A smooth random field between lo and hi that changes over about `cell` pixels, like the wobble
// of a hand-painted outline: a coarse grid of uniform values enlarged with cubic interpolation.
cv::Mat smoothField(cv::Size size, double cell, float lo, float hi, cv::RNG& rng) {
    cv::Mat coarse(std::max(2, static_cast<int>(size.height / cell) + 2),
                   std::max(2, static_cast<int>(size.width / cell) + 2), CV_32F);
    rng.fill(coarse, cv::RNG::UNIFORM, lo, hi);
    cv::Mat field;
    cv::resize(coarse, field, size, 0, 0, cv::INTER_CUBIC);
    cv::max(field, lo, field);  // cubic overshoots a little
    cv::min(field, hi, field);
    return field;
}

cv::Mat toFloat(const cv::Mat& mask8) {
    cv::Mat out;
    mask8.convertTo(out, CV_32F, 1.0 / 255.0);
    return out;
}

// Blends `over` (CV_32FC3 or a colour) onto `under` (CV_32FC3) with per-pixel weights in 0..1.
void blendOnto(cv::Mat& under, const cv::Mat& over, const cv::Mat& weight) {
    cv::Mat w3;
    cv::merge(std::vector<cv::Mat>{weight, weight, weight}, w3);
    under = under.mul(cv::Scalar::all(1.0) - w3) + over.mul(w3);
}

// Draws from `rng` one at a time: the order in which a call's arguments are evaluated is up to
// the compiler, and the cases must be the same wherever the bench is built.
cv::Scalar randomColour(cv::RNG& rng) {
    const double b = rng.uniform(0, 256), g = rng.uniform(0, 256), r = rng.uniform(0, 256);
    return {b, g, r};
}

// One colour unlike what the object covers (a user removes what stands out), shaded +-25 levels
// across the object from one side, as lit from there.
cv::Mat shadedObject(const cv::Mat& photo, const cv::Mat& shape, const cv::Scalar& colour,
                     cv::RNG& rng) {
    const cv::Rect box = cv::boundingRect(shape);
    const double angle = rng.uniform(0.0, 2 * CV_PI);
    const double reach = std::max(box.width, box.height) / 2.0;
    const cv::Point2d centre(box.x + box.width / 2.0, box.y + box.height / 2.0);
    cv::Mat object(photo.size(), CV_32FC3);
    for (int y = 0; y < object.rows; ++y)
        for (int x = 0; x < object.cols; ++x) {
            const double along =
                ((x - centre.x) * std::cos(angle) + (y - centre.y) * std::sin(angle)) / reach;
            const double light = 25.0 * std::clamp(along, -1.0, 1.0);
            for (int c = 0; c < 3; ++c)
                object.at<cv::Vec3f>(y, x)[c] =
                    static_cast<float>(std::clamp(colour[c] + light, 0.0, 255.0));
        }
    return object;
}

// What an object leaves around itself beyond its edge: a drop shadow (the shape offset 2-5 px,
// blurred 2.5-5 px, darkening by 25-45 %) or a halo of its own colour (the shape grown 0-2 px,
// blurred 2.5-5 px, 20-35 %), both fading over 5-15 px.
void addShadowOrHalo(cv::Mat& image, const cv::Mat& shape, const cv::Scalar& colour,
                     cv::RNG& rng) {
    cv::Mat spread = toFloat(shape);
    if (rng.uniform(0, 2) == 0) {
        const int across = rng.uniform(2, 6);
        const bool left = rng.uniform(0, 2) == 0;
        const int down = rng.uniform(2, 6);
        cv::warpAffine(spread, spread, cv::Matx23d(1, 0, left ? -across : across, 0, 1, down),
                       spread.size());
        cv::GaussianBlur(spread, spread, cv::Size(), rng.uniform(2.5, 5.0));
        blendOnto(image, cv::Mat(image.size(), CV_32FC3, cv::Scalar::all(0)),
                  spread * rng.uniform(0.25, 0.45));
        return;
    }
    const int grow = rng.uniform(0, 3);
    if (grow > 0)
        cv::dilate(spread, spread,
                   cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * grow + 1, 2 * grow + 1)));
    cv::GaussianBlur(spread, spread, cv::Size(), rng.uniform(2.5, 5.0));
    blendOnto(image, cv::Mat(image.size(), CV_32FC3, colour), spread * rng.uniform(0.2, 0.35));
}

// The mask a user paints: the alpha-0.5 outline moved by a smooth field (a hand's wobble), from
// outline.overshoot px outside to outline.miss px inside, so the soft edge outside alpha 0.5 is
// always left and a little more in places.
cv::Mat paintedMask(const cv::Mat& alpha, const PaintedOutline& outline, cv::RNG& rng) {
    const cv::Mat core = alpha >= 0.5f;
    cv::Mat inside, outside;
    cv::distanceTransform(core, inside, cv::DIST_L2, cv::DIST_MASK_PRECISE);
    cv::distanceTransform(~core, outside, cv::DIST_L2, cv::DIST_MASK_PRECISE);
    const cv::Mat wobble = smoothField(alpha.size(), 25.0, -outline.overshoot, outline.miss, rng);
    const cv::Mat depth = inside - outside;  // signed: > 0 inside the outline
    return depth > wobble;
}

// The paste is drawn like a real object's photo: alpha is the shape blurred (anti-aliased, 2-5 px
// of soft edge), over a shadow or halo.
PaintedObject paintedObject(const cv::Mat& photo, const PaintedOutline& outline, cv::RNG& rng) {
    const cv::Mat shape = objectMask(photo.size(), rng);
    cv::Mat alpha;
    cv::GaussianBlur(toFloat(shape), alpha, cv::Size(), rng.uniform(0.8, 1.8));
    const cv::Scalar covered = cv::mean(photo, shape);
    cv::Scalar colour = randomColour(rng);
    if (cv::norm(colour - covered, cv::NORM_L1) < 150) colour = cv::Scalar::all(255) - covered;
    const cv::Mat object = shadedObject(photo, shape, colour, rng);

    cv::Mat image;
    photo.convertTo(image, CV_32FC3);
    addShadowOrHalo(image, shape, colour, rng);
    blendOnto(image, object, alpha);

    PaintedObject painted;
    image.convertTo(painted.image, CV_8UC3);
    cv::Mat change;
    cv::absdiff(painted.image, photo, change);
    std::vector<cv::Mat> channels;
    cv::split(change, channels);
    painted.footprint = cv::max(cv::max(channels[0], channels[1]), channels[2]) > 2;
    painted.userMask = paintedMask(alpha, outline, rng);
    return painted;
}

}  // namespace

std::vector<MaskKind> allMaskKinds() {
    return {MaskKind::Object, MaskKind::Strokes, MaskKind::Scratches, MaskKind::Large,
            MaskKind::Lines, MaskKind::Painted};
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
        case MaskKind::Painted:
            return "painted";
    }
    return "?";
}

cv::Mat makeMask(MaskKind kind, cv::Size size, uint64_t seed) {
    return makeMask(kind, cv::Mat(size, CV_8UC3, cv::Scalar(128, 128, 128)), seed);
}

namespace {

cv::RNG kindRng(MaskKind kind, uint64_t seed) {
    return cv::RNG(seed * 2654435761ull + static_cast<uint64_t>(kind) + 1);
}

// cv::inpaint leaves hole pixels on the image's outermost rows and columns untouched: keep
// holes off the frame so the comparison measures filling, not that quirk.
cv::Mat offTheFrame(const cv::Mat& mask) {
    const int frame = 2;
    cv::Mat inner = cv::Mat::zeros(mask.size(), CV_8UC1);
    inner(cv::Rect(frame, frame, mask.cols - 2 * frame, mask.rows - 2 * frame)).setTo(255);
    return mask & inner;
}

}  // namespace

PaintedObject makePaintedObject(const cv::Mat& photo, uint64_t seed,
                                const PaintedOutline& outline) {
    cv::RNG rng = kindRng(MaskKind::Painted, seed);
    PaintedObject painted = paintedObject(photo, outline, rng);
    painted.userMask = offTheFrame(painted.userMask);
    return painted;
}

cv::Mat makeMask(MaskKind kind, const cv::Mat& photo, uint64_t seed) {
    const cv::Size size = photo.size();
    cv::RNG rng = kindRng(kind, seed);
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
        case MaskKind::Painted:
            return makePaintedObject(photo, seed).userMask;
    }
    return offTheFrame(mask);
}

}  // namespace pm::bench
