// A straight edge through a removed object stays straight: a horizon, a roof line or a table edge
// that enters the hole on one side and leaves it on the other on one line must run on that line
// across the hole, not bend where the patches happened to put it (issue 14: "the edge bends
// where the patches put it", the 12 MP removal of an object on a horizon).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <opencv2/imgproc.hpp>

#include "core/ops/remove/remove_object.h"
#include "core/ops/remove/sided_membrane.h"
#include "tests/ops/drawn_scene.h"
#include "tests/ops/edge_scene.h"

namespace pm::ops {
namespace {

const cv::Vec3d kSky(200, 160, 90), kGround(43, 63, 53);

// Removes remove_speed's two-ellipse object (0.36x) from a photo of sky over dark ground, the
// horizon slanted (row y0 + slope x), 1440x1080, `texture` levels of coarse texture on the ground
// (edge_scene.h); returns the worst column's bend (px) for the given settings.
double bendAfterRemoval(double texture, double maxLineResidual, bool sidesOfLines) {
    // A hole about 330 px across: at this size the patches' pieces of the horizon meet tens of
    // px off the line (at half the size they still hold it within a pixel).
    const int k = 3;
    const cv::Size size(480 * k, 360 * k);
    const double y0 = 150 * k, slope = 0.1;
    const auto below = [&](double x, double y) {
        return (y - (y0 + slope * x)) / std::sqrt(1 + slope * slope);
    };
    RemoveParams params;
    params.builtin.sides.maxLineResidual = maxLineResidual;
    params.builtin.sidesOfLines = sidesOfLines;
    const edge_scene::Removal removal = edge_scene::removeTwoEllipses(
        edge_scene::twoSurfaces(size, below, kSky, kGround, texture), k, params);
    // Read per column: the rows off the line (each such pixel moves the edge by a pixel there).
    const auto rowsBelow = [&](double x, double y) { return y - (y0 + slope * x); };
    return edge_scene::worstBend(removal.photo, removal.grownHole, rowsBelow, kSky, kGround);
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
    cv::Mat drawn(200, 200, CV_8UC3, cv::Scalar(21, 36, 40));
    const std::vector<cv::Point> strap = {{0, 0}, {90, 0}, {125, 200}, {0, 200}};
    cv::fillConvexPoly(drawn, strap, cv::Scalar(63, 183, 161));
    const drawn_scene::Scene scene = drawn_scene::scene(drawn);
    const cv::Mat& image = scene.colour;
    const cv::Mat& hole = scene.hole;
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
