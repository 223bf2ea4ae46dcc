// A straight edge through a removed object stays straight: a horizon, a roof line or a table edge
// that enters the hole on one side and leaves it on the other on one line must run on that line
// across the hole, not bend where the patches happened to put it (issue 14: "the edge bends
// where the patches put it", the 12 MP removal of an object on a horizon).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <opencv2/imgproc.hpp>

#include "core/engine/job_context.h"
#include "core/ops/remove/remove_object.h"
#include "core/ops/remove/sided_membrane.h"

namespace pm::ops {
namespace {

const cv::Vec3d kSky(200, 160, 90), kGround(43, 63, 53);

// Sky over dark ground, the horizon slanted (row y0 + slope x), a little grain and a blurred edge,
// as a photo would have it; `texture` levels of coarse texture on the ground (a field, a roof).
cv::Mat horizon(cv::Size size, double y0, double slope, double texture = 0.0) {
    cv::Mat image(size, CV_8UC3);
    cv::RNG rng(11);
    for (int y = 0; y < size.height; ++y)
        for (int x = 0; x < size.width; ++x) {
            const double below = (y - (y0 + slope * x)) / std::sqrt(1 + slope * slope);
            const double t = std::clamp(0.5 + below, 0.0, 1.0);
            const double bumps = texture * std::sin(x * 1.3) * std::sin(y * 1.1 + x * 0.2);
            const cv::Vec3d colour = (1 - t) * kSky + t * (kGround + cv::Vec3d::all(bumps));
            cv::Vec3b& p = image.at<cv::Vec3b>(y, x);
            for (int c = 0; c < 3; ++c)
                p[c] = cv::saturate_cast<uchar>(colour[c] + rng.uniform(-4.0, 4.0));
        }
    return image;
}

// Per column of the hole, how far (px) the filled photo's horizon lies from the true one: the
// rows where the green channel is on the other side of the sky-ground midpoint than the line says
// (each such pixel moves the edge by a pixel there), the worst column. Read after a Gaussian of
// 2 px, so a textured ground's bumps do not count as sky.
double worstBend(const cv::Mat& photo, const cv::Mat& hole, double y0, double slope) {
    const double middle = (kSky[1] + kGround[1]) / 2;
    cv::Mat filled;  // the surfaces, not their texture
    cv::GaussianBlur(photo, filled, cv::Size(), 2.0);
    double worst = 0.0;
    for (int x = 0; x < filled.cols; ++x) {
        double wrong = 0.0;
        for (int y = 0; y < filled.rows; ++y) {
            if (!hole.at<uchar>(y, x)) continue;
            const double line = y0 + slope * x;
            if (std::abs(y - line) < 1.0) continue;  // the edge's own blur
            const bool ground = filled.at<cv::Vec3b>(y, x)[1] < middle;
            if (ground != (y > line)) wrong += 1.0;
        }
        worst = std::max(worst, wrong);
    }
    return worst;
}

// Removes remove_speed's two-ellipse object (0.36x) from the horizon photo, 1440x1080, and
// returns the worst column's bend (px) for the given settings.
double bendAfterRemoval(double texture, double maxLineResidual, bool sidesOfLines) {
    // A hole about 330 px across: at this size the patches' pieces of the horizon meet tens of
    // px off the line (at half the size they still hold it within a pixel).
    const int k = 3;
    const cv::Size size(480 * k, 360 * k);
    const double y0 = 150 * k, slope = 0.1;
    const cv::Mat truth = horizon(size, y0, slope, texture);
    cv::Mat mask(size, CV_8UC1, cv::Scalar(0));
    cv::ellipse(mask, cv::Point(250, 160) * k, cv::Size(75, 52) * k, 20, 0, 360, cv::Scalar(255),
                cv::FILLED);
    cv::ellipse(mask, cv::Point(200, 200) * k, cv::Size(40, 55) * k, -30, 0, 360, cv::Scalar(255),
                cv::FILLED);
    cv::Mat input = truth.clone();
    input.setTo(cv::Scalar(255, 0, 255), mask);
    engine::LocalJobContext context;
    RemoveParams params;
    params.engine = FillEngine::Builtin;
    params.builtin.sides.maxLineResidual = maxLineResidual;
    params.builtin.sidesOfLines = sidesOfLines;
    const RemoveResult result = removeObject(input, mask, params, context);
    cv::Mat grown;
    cv::dilate(mask, grown, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(11, 11)));
    return worstBend(result.image, grown, y0, slope);
}

TEST(StraightEdge, AHorizonThroughTheHoleStaysOnItsLine) {
    const RemoveParams defaults;
    const double patches = bendAfterRemoval(0.0, 0.0, false),
                 straight = bendAfterRemoval(0.0, defaults.builtin.sides.maxLineResidual,
                                             defaults.builtin.sidesOfLines);
    std::printf("worst column off the horizon: patches choose %.0f px, straight line %.0f px\n",
                patches, straight);
    // Within a pixel of the true line (beyond the edge's own blur) in every column.
    EXPECT_LE(straight, 1.0);
}

// The ground textured (a field: 30 levels of bumps), so the ring is no two flat surfaces and
// findSides declines it; the line drawn across the hole still says which side each pixel is on.
TEST(StraightEdge, AHorizonOverTexturedGroundStaysOnItsLine) {
    const RemoveParams defaults;
    const double patches = bendAfterRemoval(50.0, defaults.builtin.sides.maxLineResidual, false),
                 straight = bendAfterRemoval(50.0, defaults.builtin.sides.maxLineResidual,
                                             defaults.builtin.sidesOfLines);
    std::printf("worst column off the horizon: patches choose %.0f px, the drawn line's sides "
                "%.0f px\n",
                patches, straight);
    EXPECT_LE(straight, 1.0);
}

// The line the sides find is the photo's edge: a strap's straight edge through a round hole gives
// a line within a pixel of it along the whole crossing, and every hole pixel more than the edge's
// width from it takes its own side's colour (the patches are not asked).
TEST(StraightEdge, TheSidesFollowTheEdgesLine) {
    cv::Mat image(200, 200, CV_8UC3, cv::Scalar(21, 36, 40));
    const std::vector<cv::Point> strap = {{0, 0}, {90, 0}, {125, 200}, {0, 200}};
    cv::fillConvexPoly(image, strap, cv::Scalar(63, 183, 161));
    cv::Mat grain(image.size(), CV_8UC3);
    cv::RNG rng(3);
    rng.fill(grain, cv::RNG::UNIFORM, 0, 8);
    image += grain;
    cv::Mat hole(image.size(), CV_8UC1, cv::Scalar(0));
    cv::circle(hole, cv::Point(100, 100), 40, cv::Scalar(255), cv::FILLED);
    image.setTo(cv::Scalar(255, 0, 255), hole);
    const Sides sides = findSides(image, hole);
    ASSERT_TRUE(sides.found());
    ASSERT_TRUE(sides.straight());
    for (int y = 60; y <= 140; y += 10) {
        const double x = 90 + 35.0 * y / 200.0;  // on the drawn edge
        EXPECT_LT(std::abs(sides.line[0] * x + sides.line[1] * y + sides.line[2]), 1.0) << y;
    }
    // Patches that put the green strap on the wrong side everywhere change nothing.
    cv::Mat wrong(image.size(), CV_8UC3, cv::Scalar(63, 183, 161));
    const cv::Mat plain(image.size(), CV_8UC3, cv::Scalar(40, 110, 100));
    const cv::Mat membrane = sidedMembrane(sides, hole, wrong, plain);
    const cv::Vec3b left = membrane.at<cv::Vec3b>(100, 80), right = membrane.at<cv::Vec3b>(100, 125);
    EXPECT_NEAR(left[1], 187, 12);   // the strap
    EXPECT_NEAR(right[1], 40, 12);   // the black beside it
}

}  // namespace
}  // namespace pm::ops
