#include "bench/damage/crack_synth.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace pm::bench {

namespace {

// Paper showing through a crack is cream, not white; grime in a crack is brown, not black.
cv::Scalar crackColour(cv::RNG& rng, bool bright) {
    if (bright) {
        const double v = rng.uniform(200.0, 240.0);
        return {v - rng.uniform(10.0, 30.0), v - rng.uniform(0.0, 10.0), v};  // BGR, warm
    }
    const double v = rng.uniform(25.0, 60.0);
    return {v * 0.7, v * 0.85, v};
}

void blend(cv::Mat& image, const cv::Mat& alpha, const cv::Scalar& colour) {
    for (int y = 0; y < image.rows; ++y) {
        const uchar* a = alpha.ptr<uchar>(y);
        cv::Vec3b* px = image.ptr<cv::Vec3b>(y);
        for (int x = 0; x < image.cols; ++x) {
            if (!a[x]) continue;
            const double w = a[x] / 255.0;
            for (int c = 0; c < 3; ++c)
                px[x][c] = cv::saturate_cast<uchar>(px[x][c] * (1.0 - w) + colour[c] * w);
        }
    }
}

// A jagged crack: straight-ish segments with sharp kinks, splitting into thinner branches.
void drawCrack(cv::RNG& rng, cv::Mat& alpha, cv::Point2d p, double heading, double width,
               double length, double unit, int depth) {
    double travelled = 0;
    while (travelled < length && width >= 0.8) {
        const double segment = rng.uniform(4.0, 14.0) * unit;
        heading += rng.uniform(-0.6, 0.6);
        const cv::Point2d q = p + cv::Point2d(segment * std::cos(heading), segment * std::sin(heading));
        cv::line(alpha, p, q, 255, std::max(1, static_cast<int>(std::lround(width))), cv::LINE_AA);
        p = q;
        travelled += segment;
        width *= rng.uniform(0.93, 1.0);  // cracks taper
        if (depth < 2 && rng.uniform(0.0, 1.0) < 0.12) {
            const double side = rng.uniform(0.0, 1.0) < 0.5 ? -1.0 : 1.0;
            drawCrack(rng, alpha, p, heading + side * rng.uniform(0.5, 1.1), width * 0.6,
                      (length - travelled) * 0.5, unit, depth + 1);
        }
    }
}

cv::Mat visible(const cv::Mat& before, const cv::Mat& after, const cv::Mat& painted) {
    cv::Mat a, b, diff;
    cv::cvtColor(before, a, cv::COLOR_BGR2GRAY);
    cv::cvtColor(after, b, cv::COLOR_BGR2GRAY);
    cv::absdiff(a, b, diff);
    return (diff >= kVisibleChange) & (painted >= 128);
}

}  // namespace

SyntheticDamage paintCrackDamage(const cv::Mat& bgr, uint64_t seed, const CrackOptions& options) {
    CV_Assert(bgr.type() == CV_8UC3);
    cv::RNG rng(seed);
    const double unit = std::max(bgr.cols, bgr.rows) / 600.0;  // scales with the scan
    SyntheticDamage out{bgr.clone(), cv::Mat::zeros(bgr.size(), CV_8UC1),
                        cv::Mat::zeros(bgr.size(), CV_8UC1)};
    cv::Mat linesPainted = cv::Mat::zeros(bgr.size(), CV_8UC1);
    cv::Mat dustPainted = cv::Mat::zeros(bgr.size(), CV_8UC1);

    for (int i = 0; i < options.cracks; ++i) {
        cv::Mat alpha = cv::Mat::zeros(bgr.size(), CV_8UC1);
        const cv::Point2d start(rng.uniform(0.1, 0.9) * bgr.cols, rng.uniform(0.1, 0.9) * bgr.rows);
        drawCrack(rng, alpha, start, rng.uniform(0.0, 2 * CV_PI), rng.uniform(2.5, 5.0) * unit,
                  rng.uniform(120.0, 260.0) * unit, unit, 0);
        blend(out.image, alpha, crackColour(rng, i % 3 != 2));
        linesPainted |= alpha;
    }
    for (int i = 0; i < options.hairlines; ++i) {
        // A hairline: a gentle arc across much of the print, 1 px (times the scale), always visible.
        cv::Mat alpha = cv::Mat::zeros(bgr.size(), CV_8UC1);
        const cv::Point2d a(rng.uniform(0.0, 1.0) * bgr.cols, rng.uniform(0.0, 0.3) * bgr.rows);
        const cv::Point2d b(rng.uniform(0.0, 1.0) * bgr.cols, rng.uniform(0.7, 1.0) * bgr.rows);
        const cv::Point2d bend(rng.uniform(-0.1, 0.1) * bgr.cols, 0);
        std::vector<cv::Point> arc;
        for (int k = 0; k <= 40; ++k) {
            const double t = k / 40.0;
            const cv::Point2d p = a * (1 - t) + b * t + bend * (4 * t * (1 - t));
            arc.emplace_back(cvRound(p.x), cvRound(p.y));
        }
        cv::polylines(alpha, arc, false, 255, std::max(1, static_cast<int>(std::lround(unit))),
                      cv::LINE_8);
        blend(out.image, alpha, crackColour(rng, i % 2 == 0));
        linesPainted |= alpha;
    }
    for (int i = 0; i < options.dust; ++i) {
        cv::Mat alpha = cv::Mat::zeros(bgr.size(), CV_8UC1);
        const cv::Point centre(rng.uniform(0, bgr.cols), rng.uniform(0, bgr.rows));
        if (i % 3 == 0) {  // a fibre: a short bent hair of dust
            const double h = rng.uniform(0.0, 2 * CV_PI), len = rng.uniform(6.0, 14.0) * unit;
            const cv::Point mid = centre + cv::Point(cvRound(len / 2 * std::cos(h + 0.5)),
                                                     cvRound(len / 2 * std::sin(h + 0.5)));
            const cv::Point end = mid + cv::Point(cvRound(len / 2 * std::cos(h)),
                                                  cvRound(len / 2 * std::sin(h)));
            cv::polylines(alpha, std::vector<cv::Point>{centre, mid, end}, false, 255,
                          std::max(1, static_cast<int>(std::lround(unit))), cv::LINE_8);
        } else {  // a speck, 1-2 px radius, slightly irregular
            const int r = std::max(1, static_cast<int>(std::lround(rng.uniform(0.8, 2.2) * unit)));
            cv::ellipse(alpha, centre, {r, std::max(1, r - rng.uniform(0, 2))},
                        rng.uniform(0.0, 180.0), 0, 360, 255, cv::FILLED, cv::LINE_8);
        }
        blend(out.image, alpha, crackColour(rng, i % 2 == 0));
        dustPainted |= alpha;
    }
    out.scratches = visible(bgr, out.image, linesPainted);
    out.specks = visible(bgr, out.image, dustPainted) & ~out.scratches;
    return out;
}

}  // namespace pm::bench
