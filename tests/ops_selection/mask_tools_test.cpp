// Grow, shrink, feather, invert and the magic wand, on masks whose right answer is known exactly.
#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "core/ops/selection/mask_tools.h"
#include "core/ops/selection/outline_trace.h"

namespace sel = pm::ops::selection;

namespace {
cv::Mat squareMask(cv::Size size, cv::Rect square) {
    cv::Mat m = cv::Mat::zeros(size, CV_8UC1);
    m(square).setTo(255);
    return m;
}
}  // namespace

TEST(MaskTools, GrowByNReachesExactlyNPixelsOutRoundAtCorners) {
    const cv::Mat mask = squareMask({200, 200}, {80, 80, 40, 40});
    const cv::Mat grown = sel::growMask(mask, 10);
    EXPECT_EQ(grown.at<uchar>(100, 70), 255) << "10 px left of the edge is selected";
    EXPECT_EQ(grown.at<uchar>(100, 69), 0) << "11 px left is not";
    EXPECT_EQ(grown.at<uchar>(129, 100), 255) << "10 px below the last row";
    EXPECT_EQ(grown.at<uchar>(130, 100), 0);
    // Round corners (an elliptical kernel, like a brush): the diagonal point 10,10 px off the corner
    // is ~14 px away and stays out.
    EXPECT_EQ(grown.at<uchar>(70, 70), 0);
    EXPECT_EQ(grown.at<uchar>(73, 73), 255);
}

TEST(MaskTools, ShrinkUndoesGrowOnAConvexShapeAndNegativeGrowShrinks) {
    const cv::Mat mask = squareMask({200, 200}, {50, 60, 90, 70});
    const cv::Mat shrunk = sel::shrinkMask(mask, 6);
    EXPECT_EQ(cv::countNonZero(shrunk), (90 - 12) * (70 - 12));
    EXPECT_EQ(cv::countNonZero(sel::growMask(mask, -6) != shrunk), 0);
    // A shrink wider than the shape removes it; a selection cut by the frame stays cut by it.
    EXPECT_EQ(cv::countNonZero(sel::shrinkMask(mask, 40)), 0);
    const cv::Mat atBorder = squareMask({100, 100}, {0, 0, 30, 100});
    const cv::Mat shrunkAtBorder = sel::shrinkMask(atBorder, 5);
    EXPECT_EQ(shrunkAtBorder.at<uchar>(50, 0), 255) << "the frame is not an edge of the selection";
    EXPECT_EQ(shrunkAtBorder.at<uchar>(50, 24), 255);
    EXPECT_EQ(shrunkAtBorder.at<uchar>(50, 25), 0);
}

TEST(MaskTools, FeatherRampsAcrossTheEdgeAndLeavesTheRestAlone) {
    const cv::Mat mask = squareMask({200, 100}, {0, 0, 100, 100});  // left half selected
    const cv::Mat soft = sel::featherMask(mask, 8);
    EXPECT_EQ(soft.at<uchar>(50, 80), 255) << "well inside";
    EXPECT_EQ(soft.at<uchar>(50, 120), 0) << "well outside";
    EXPECT_NEAR(soft.at<uchar>(50, 99) + soft.at<uchar>(50, 100), 255, 3) << "the ramp is centred on the edge";
    for (int x = 85; x < 115; ++x) EXPECT_GE(soft.at<uchar>(50, x), soft.at<uchar>(50, x + 1)) << x;
    EXPECT_GT(soft.at<uchar>(50, 95), 128);
    EXPECT_LT(soft.at<uchar>(50, 95), 250) << "soft over several pixels, not a hard step";
    EXPECT_EQ(cv::countNonZero(sel::featherMask(mask, 0) != mask), 0);
}

TEST(MaskTools, InvertSwapsSelectedAndUnselected) {
    const cv::Mat mask = squareMask({64, 48}, {10, 10, 20, 20});
    const cv::Mat inverted = sel::invertMask(mask);
    EXPECT_EQ(cv::countNonZero(inverted), 64 * 48 - 400);
    EXPECT_EQ(cv::countNonZero(sel::invertMask(inverted) != mask), 0);
}

TEST(MagicWand, SelectsTheSimilarColourConnectedOrEverywhere) {
    cv::Mat image(120, 240, CV_8UC3, cv::Scalar(40, 160, 40));   // green ground
    image(cv::Rect(20, 20, 60, 60)).setTo(cv::Scalar(30, 30, 200));   // red square
    image(cv::Rect(160, 20, 60, 60)).setTo(cv::Scalar(36, 34, 196));   // nearly the same red, apart
    image(cv::Rect(100, 20, 30, 30)).setTo(cv::Scalar(30, 30, 120));   // a darker red
    sel::WandSettings wand;
    wand.tolerance = 10;
    const cv::Mat connected = sel::magicWand(image, {50, 50}, wand);
    EXPECT_EQ(cv::countNonZero(connected), 3600) << "only the clicked square";
    wand.contiguous = false;
    const cv::Mat global = sel::magicWand(image, {50, 50}, wand);
    EXPECT_EQ(cv::countNonZero(global), 7200) << "both reds within tolerance, not the dark red";
    wand.tolerance = 90;
    EXPECT_EQ(cv::countNonZero(sel::magicWand(image, {50, 50}, wand)), 7200 + 900);
    EXPECT_EQ(cv::countNonZero(sel::magicWand(image, {-1, 5}, wand)), 0) << "outside the photo";
    // 16-bit photos (the layout PhotoMend opens TIFFs in) select the same.
    cv::Mat wide;
    image.convertTo(wide, CV_16U, 257);
    wand.tolerance = 10;
    wand.contiguous = true;
    EXPECT_EQ(cv::countNonZero(sel::magicWand(wide, {50, 50}, wand)), 3600);
}

TEST(OutlineTrace, PathFollowsTheEdgeAndTheClosedOutlineFillsTheObject) {
    cv::Mat image(300, 400, CV_8UC3, cv::Scalar(90, 90, 90));
    cv::RNG rng(3);
    cv::Mat noise(image.size(), CV_8UC3);
    rng.fill(noise, cv::RNG::NORMAL, 0, 6);
    image += noise;
    const cv::Rect object(100, 80, 180, 120);
    image(object).setTo(cv::Scalar(200, 200, 230));
    sel::OutlineTracer tracer(image);
    // Four clicks near the corners, each path traced from the previous click: all of it on the edge.
    const std::vector<cv::Point> clicks{{101, 82}, {278, 79}, {281, 198}, {99, 201}};
    std::vector<cv::Point> outline;
    for (size_t i = 0; i < clicks.size(); ++i) {
        tracer.setAnchor(clicks[i]);
        const std::vector<cv::Point> path = tracer.pathTo(clicks[(i + 1) % clicks.size()]);
        ASSERT_GT(path.size(), 50u);
        // Anchor first, the clicked point last: an outline is these paths one after the other.
        EXPECT_LE(cv::norm(path.front() - clicks[i]), 2.0);
        EXPECT_LE(cv::norm(path.back() - clicks[(i + 1) % clicks.size()]), 2.0);
        for (const cv::Point& p : path) {
            const int distance = std::min({std::abs(p.x - object.x), std::abs(p.x - (object.br().x - 1)),
                                           std::abs(p.y - object.y), std::abs(p.y - (object.br().y - 1))});
            EXPECT_LE(distance, 3) << p;
        }
        outline.insert(outline.end(), path.begin(), path.end());
    }
    const cv::Mat filled = sel::OutlineTracer::fillOutline(outline, image.size());
    EXPECT_GT(sel::maskIoU(filled, squareMask(image.size(), object)), 0.95);
}
