#include "bench/damage/damage_synth.h"

#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace pm::bench {

namespace {

cv::Mat lumaOf(const cv::Mat& bgr) {
    cv::Mat gray, luma;
    cv::cvtColor(bgr, gray, cv::COLOR_BGR2GRAY);
    gray.convertTo(luma, CV_32F);
    return luma;
}

// A smooth random curve: a walk whose heading drifts slowly, like a scratch or a crack.
std::vector<cv::Point> randomCurve(cv::RNG& rng, cv::Size size, int length) {
    cv::Point2d p(rng.uniform(0.1, 0.9) * size.width, rng.uniform(0.1, 0.9) * size.height);
    double heading = rng.uniform(0.0, 2.0 * CV_PI);
    double turn = 0.0;
    std::vector<cv::Point> points;
    for (int step = 0; step < length / 2; ++step) {
        points.emplace_back(cvRound(p.x), cvRound(p.y));
        turn = 0.9 * turn + rng.gaussian(0.02);
        heading += turn;
        p += cv::Point2d(2.0 * std::cos(heading), 2.0 * std::sin(heading));
        if (p.x < 0 || p.y < 0 || p.x >= size.width || p.y >= size.height) break;
    }
    return points;
}

// Blends `colour` into `image` through `alpha` (CV_8UC1 coverage) times `opacity`.
void paint(cv::Mat& image, const cv::Mat& alpha, const cv::Scalar& colour, double opacity) {
    for (int y = 0; y < image.rows; ++y) {
        const uchar* a = alpha.ptr<uchar>(y);
        cv::Vec3b* px = image.ptr<cv::Vec3b>(y);
        for (int x = 0; x < image.cols; ++x) {
            if (!a[x]) continue;
            const double w = opacity * a[x] / 255.0;
            for (int c = 0; c < 3; ++c)
                px[x][c] = cv::saturate_cast<uchar>(px[x][c] * (1.0 - w) + colour[c] * w);
        }
    }
}

cv::Scalar damageColour(cv::RNG& rng, bool bright) {
    const double base = bright ? rng.uniform(215.0, 255.0) : rng.uniform(10.0, 50.0);
    // Old prints are rarely neutral: a slight warm or cold cast on the damage.
    return {base + rng.uniform(-8.0, 8.0), base + rng.uniform(-8.0, 8.0),
            base + rng.uniform(-8.0, 8.0)};
}

cv::Mat visibleChange(const cv::Mat& before, const cv::Mat& after, const cv::Mat& painted) {
    cv::Mat diff;
    cv::absdiff(lumaOf(before), lumaOf(after), diff);
    cv::Mat visible = (diff >= kVisibleChange) & (painted >= 128);
    return visible;
}

}  // namespace

SyntheticDamage paintSyntheticDamage(const cv::Mat& bgr, uint64_t seed,
                                     const DamageOptions& options) {
    CV_Assert(bgr.type() == CV_8UC3);
    cv::RNG rng(seed);
    SyntheticDamage out;
    out.image = bgr.clone();
    cv::Mat scratchPainted = cv::Mat::zeros(bgr.size(), CV_8UC1);
    cv::Mat speckPainted = cv::Mat::zeros(bgr.size(), CV_8UC1);

    for (int i = 0; i < options.curves; ++i) {
        const int length = rng.uniform(options.minLength, options.maxLength + 1);
        const int width = rng.uniform(options.minWidth, options.maxWidth + 1);
        const std::vector<cv::Point> curve = randomCurve(rng, bgr.size(), length);
        if (curve.size() < 2) continue;
        cv::Mat alpha = cv::Mat::zeros(bgr.size(), CV_8UC1);
        cv::polylines(alpha, curve, false, 255, width, cv::LINE_AA);
        paint(out.image, alpha, damageColour(rng, i % 2 == 0), rng.uniform(0.8, 1.0));
        scratchPainted |= alpha;
    }
    for (int i = 0; i < options.specks; ++i) {
        const cv::Point centre(rng.uniform(0, bgr.cols), rng.uniform(0, bgr.rows));
        const int radius = rng.uniform(1, 4);
        cv::Mat alpha = cv::Mat::zeros(bgr.size(), CV_8UC1);
        cv::circle(alpha, centre, radius, 255, cv::FILLED, cv::LINE_AA);
        paint(out.image, alpha, damageColour(rng, i % 2 == 0), rng.uniform(0.8, 1.0));
        speckPainted |= alpha;
    }
    out.scratches = visibleChange(bgr, out.image, scratchPainted);
    out.specks = visibleChange(bgr, out.image, speckPainted) & ~out.scratches;
    return out;
}

DamageScore scoreDamage(const cv::Mat& detected, const cv::Mat& scratches, const cv::Mat& specks,
                        int tolerance) {
    const cv::Mat band =
        cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * tolerance + 1, 2 * tolerance + 1});
    const cv::Mat det = detected != 0;
    const cv::Mat truth = (scratches != 0) | (specks != 0);
    cv::Mat detGrown, truthGrown;
    cv::dilate(det, detGrown, band);
    cv::dilate(truth, truthGrown, band);

    auto ratio = [](int num, int den) { return den > 0 ? static_cast<double>(num) / den : 1.0; };
    DamageScore s;
    s.recall = ratio(cv::countNonZero(truth & detGrown), cv::countNonZero(truth));
    s.precision = ratio(cv::countNonZero(det & truthGrown), cv::countNonZero(det));
    s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
    s.scratchRecall =
        ratio(cv::countNonZero((scratches != 0) & detGrown), cv::countNonZero(scratches));
    s.speckRecall = ratio(cv::countNonZero((specks != 0) & detGrown), cv::countNonZero(specks));
    s.flaggedFraction = static_cast<double>(cv::countNonZero(det)) / det.total();
    return s;
}

}  // namespace pm::bench
