// A curved edge through a removed object stays on its curve: a plate's rim, a wheel, a fish's
// outline that enters the hole on one side and leaves it on the other on one circle runs on that
// circle across the hole (issue 14: "strong edges ... continue through it ... edge curves across
// the hole"), not where the patches' pieces happened to meet.
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

const cv::Vec3d kWall(200, 160, 90), kPlate(43, 63, 53);

// Removes remove_speed's two-ellipse object from the rim of a large dark disc on a light wall,
// the scene `scale` times 480x360 (edge_scene.h), the disc's radius 950 px at scale 3, so the
// rim's sagitta across the hole is about 9 scale px: no straight line holds it. Returns the worst
// column's bend (px).
double bendAfterRemoval(double scale, double minArcRadius) {
    const cv::Size size(cvRound(480 * scale), cvRound(360 * scale));
    const cv::Point2d centre(240 * scale, 483.33 * scale);
    const double radius = 316.67 * scale;
    const auto inside = [&](double x, double y) {
        return radius - std::hypot(x - centre.x, y - centre.y);
    };
    RemoveParams params;
    params.builtin.sides.minArcRadius = minArcRadius;
    const edge_scene::Removal removal = edge_scene::removeTwoEllipses(
        edge_scene::twoSurfaces(size, inside, kWall, kPlate), scale, params);
    return edge_scene::worstBend(removal.photo, removal.grownHole, inside, kWall, kPlate);
}

TEST(CurvedEdge, ADiscsRimThroughTheHoleStaysOnItsCircle) {
    const RemoveParams defaults;
    const double patches = bendAfterRemoval(3.0, 0.0),
                 arc = bendAfterRemoval(3.0, defaults.builtin.sides.minArcRadius);
    std::printf("worst column off the rim: no arcs %.0f px, the arc's sides %.0f px\n", patches, arc);
    // Within a pixel of the true circle (beyond the rim's own blur) in every column.
    EXPECT_LE(arc, 1.0);
}

// The same scene at 12 MP: the rim's pieces in the band round the hole (10 px of a 2640 px
// circle) also lie within 1.5 px of one line, and the straight rule would cut the rim's chord
// across the hole (70 px off mid-hole); the arc is asked first, its pieces read in a band of
// arcReach (from 10 px pieces it was 8 px off).
TEST(CurvedEdge, AGentleRimAt12MegapixelsIsNoChord) {
    const RemoveParams defaults;
    const double patches = bendAfterRemoval(25.0 / 3.0, 0.0),
                 arc = bendAfterRemoval(25.0 / 3.0, defaults.builtin.sides.minArcRadius);
    std::printf("worst column off the rim at 12 MP: no arcs %.0f px, the arc's sides %.0f px\n",
                patches, arc);
    EXPECT_LE(arc, 1.0);
}

using drawn_scene::Scene;
using drawn_scene::scene;

// The circle found is the rim's: within 2 px of it along the crossing, and the sides read from it.
TEST(CurvedEdge, TheSidesFollowTheRimsCircle) {
    cv::Mat drawn(200, 200, CV_8UC3, cv::Scalar(kWall));
    cv::circle(drawn, cv::Point(100, 190), 100, cv::Scalar(kPlate), cv::FILLED, cv::LINE_AA);
    const Scene s = scene(drawn);
    const Sides sides = sidesOfArc(s.colour, s.hole);
    ASSERT_TRUE(sides.curved());
    EXPECT_FALSE(sides.straight());
    for (int x = 60; x <= 140; x += 10) {
        const double y = 190 - std::sqrt(100.0 * 100.0 - (x - 100.0) * (x - 100.0));  // on the rim
        EXPECT_LT(std::abs(sides.distance(x, y)), 2.0) << x;
    }
    // Side 1 (inside) is the plate, deep in the hole.
    EXPECT_NEAR(sides.membranes[1].at<cv::Vec3b>(130, 100)[1], kPlate[1] + 4, 12);
    EXPECT_NEAR(sides.membranes[0].at<cv::Vec3b>(75, 100)[1], kWall[1] + 4, 12);
}

// Not an arc: a straight edge (the line rule's), a small ball whose outline the hole mostly hides,
// a texture of many edges.
TEST(CurvedEdge, StraightEdgesBallsAndTexturesAreNoArc) {
    cv::Mat strap(200, 200, CV_8UC3, cv::Scalar(21, 36, 40));
    const std::vector<cv::Point> corners = {{0, 0}, {90, 0}, {125, 200}, {0, 200}};
    cv::fillConvexPoly(strap, corners, cv::Scalar(63, 183, 161));
    EXPECT_FALSE(sidesOfArc(scene(strap).colour, scene(strap).hole).found());

    cv::Mat ball(200, 200, CV_8UC3, cv::Scalar(160, 165, 170));
    cv::circle(ball, cv::Point(55, 55), 45, cv::Scalar(235, 245, 240), cv::FILLED);
    EXPECT_FALSE(sidesOfArc(scene(ball).colour, scene(ball).hole).found());

    cv::Mat texture(200, 200, CV_8UC3);
    cv::RNG rng(5);
    rng.fill(texture, cv::RNG::UNIFORM, 0, 255);
    cv::GaussianBlur(texture, texture, cv::Size(), 2.5);
    cv::normalize(texture, texture, 0, 255, cv::NORM_MINMAX);
    EXPECT_FALSE(sidesOfArc(scene(texture).colour, scene(texture).hole).found());
}

}  // namespace
}  // namespace pm::ops
