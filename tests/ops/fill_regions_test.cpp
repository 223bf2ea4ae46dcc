// Crop planning and seam geometry of Remove object: large photos are processed as crops around each
// masked region, and nothing outside the grown mask plus its feather band may change.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/ops/remove/fill_regions.h"

namespace pm::ops {
namespace {

bool contains(const cv::Rect& outer, const cv::Rect& inner) {
    return (outer & inner) == inner;
}

TEST(FillRegions, NearbyRegionsShareOneCropAndFarOnesDoNot) {
    cv::Mat hole(1000, 1600, CV_8UC1, cv::Scalar(0));
    const cv::Rect a(100, 100, 40, 40), b(180, 110, 30, 30), far(1200, 700, 50, 50);
    hole(a).setTo(255);
    hole(b).setTo(255);
    hole(far).setTo(255);
    const std::vector<cv::Rect> boxes = planFillRegions(hole);
    ASSERT_EQ(boxes.size(), 2u);
    EXPECT_TRUE(contains(boxes[0], a) && contains(boxes[0], b));
    EXPECT_TRUE(contains(boxes[1], far));
    EXPECT_EQ((boxes[0] & boxes[1]).area(), 0);
    // Context on every side: at least the minimum margin of 32 px around the far square.
    EXPECT_LE(boxes[1].x, far.x - 32);
    EXPECT_GE(boxes[1].br().x, far.br().x + 32);
}

TEST(FillRegions, BoxesStayInsideTheImage) {
    cv::Mat hole(300, 400, CV_8UC1, cv::Scalar(0));
    hole(cv::Rect(0, 0, 20, 20)).setTo(255);
    hole(cv::Rect(380, 280, 20, 20)).setTo(255);
    const std::vector<cv::Rect> boxes = planFillRegions(hole);
    ASSERT_EQ(boxes.size(), 2u);
    for (const cv::Rect& box : boxes) EXPECT_TRUE(contains(cv::Rect(0, 0, 400, 300), box)) << box;
    EXPECT_EQ(boxes[0], cv::Rect(0, 0, 52, 52));
}

TEST(FillRegions, MarginGrowsWithTheRegionAndMergesChains) {
    cv::Mat hole(2000, 2000, CV_8UC1, cv::Scalar(0));
    hole(cv::Rect(500, 500, 200, 200)).setTo(255);  // margin 200: reaches x = 900
    hole(cv::Rect(880, 560, 10, 10)).setTo(255);    // inside that margin: same crop
    const std::vector<cv::Rect> boxes = planFillRegions(hole);
    ASSERT_EQ(boxes.size(), 1u);
    EXPECT_TRUE(contains(boxes[0], cv::Rect(300, 300, 600, 600)));
}

TEST(FillRegions, RegionsAcrossLabellingBandsKeepTheirWholeBox) {
    // Over 8 MP the hole is labelled in bands of rows (2000 rows at this width): a U whose arms
    // meet only in the lower band, a diagonal crossing the band border corner to corner, and a
    // speck on each side of it must come out as the whole photo's regions would.
    cv::Mat hole = cv::Mat::zeros(2300, 4000, CV_8UC1);
    hole(cv::Rect(100, 100, 20, 2050)).setTo(255);                           // left arm
    hole(cv::Rect(900, 500, 20, 1650)).setTo(255);                           // right arm
    hole(cv::Rect(100, 2130, 820, 20)).setTo(255);                           // joined at the bottom
    for (int i = 0; i < 200; ++i) hole.at<uchar>(1900 + i, 2000 + i) = 255;  // 8-connected only
    hole.at<uchar>(1999, 3000) = 255;
    hole.at<uchar>(2001, 3500) = 255;
    RegionPlan plan;
    plan.minMargin = 0;
    plan.marginRatio = 0.0;
    const std::vector<cv::Rect> boxes = planFillRegions(hole, plan);
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(hole, labels, stats, centroids, 8, CV_32S);
    std::vector<cv::Rect> expected;
    for (int i = 1; i < n; ++i)
        expected.emplace_back(stats.at<int>(i, cv::CC_STAT_LEFT), stats.at<int>(i, cv::CC_STAT_TOP),
                              stats.at<int>(i, cv::CC_STAT_WIDTH),
                              stats.at<int>(i, cv::CC_STAT_HEIGHT));
    std::sort(expected.begin(), expected.end(), [](const cv::Rect& a, const cv::Rect& b) {
        return a.y != b.y ? a.y < b.y : a.x < b.x;
    });
    ASSERT_EQ(expected.size(), 4u);
    EXPECT_EQ(boxes, expected);
}

TEST(FillRegions, GrowMaskDilatesRoundly) {
    cv::Mat mask(41, 41, CV_8UC1, cv::Scalar(0));
    mask.at<uchar>(20, 20) = 1;  // any non-zero value marks the hole
    const cv::Mat grown = growMask(mask, 5);
    EXPECT_EQ(grown.at<uchar>(20, 25), 255);
    EXPECT_EQ(grown.at<uchar>(20, 26), 0);
    EXPECT_EQ(grown.at<uchar>(25, 25), 0);  // round, not square
    EXPECT_EQ(cv::countNonZero(growMask(mask, 0)), 1);
}

// A scratch is the damage itself: growing it only widens what must be invented. An object (a blob
// of the mask) grows all round, its pointed ends too, even where a scratch crosses it.
TEST(FillRegions, ThinMarksGrowLessThanObjects) {
    cv::Mat mask(200, 300, CV_8UC1, cv::Scalar(0));
    cv::line(mask, cv::Point(10, 20), cv::Point(290, 60), cv::Scalar(255), 3);      // scratch
    cv::ellipse(mask, cv::Point(150, 130), cv::Size(60, 25), 0, 0, 360, cv::Scalar(255),
                cv::FILLED);                                                       // object
    cv::line(mask, cv::Point(150, 60), cv::Point(150, 190), cv::Scalar(255), 3);  // crosses it
    const cv::Mat grown = growMaskByWidth(mask, 4, 0, 9.0f);
    // The scratch: exactly as marked.
    const cv::Rect scratchPart(20, 10, 100, 45);
    EXPECT_EQ(cv::countNonZero(grown(scratchPart)), cv::countNonZero(mask(scratchPart)));
    // The object: 4 px more on every side, its pointed ends included.
    EXPECT_EQ(grown.at<uchar>(130, 150 + 60 + 4), 255);
    EXPECT_EQ(grown.at<uchar>(130, 150 + 60 + 6), 0);
    EXPECT_EQ(grown.at<uchar>(130, 150 - 60 - 4), 255);
    EXPECT_EQ(grown.at<uchar>(102, 160), 255);  // the top edge there is at y 105.4
    // The scratch below the object stays as thin as it was.
    EXPECT_EQ(grown.at<uchar>(185, 150 + 4), 0);
    EXPECT_EQ(cv::countNonZero(growMaskByWidth(mask, 4, 4, 9.0f) != growMask(mask, 4)), 0);
}

TEST(FillRegions, FeatherFallsToZeroWithinTheBand) {
    cv::Mat hole(50, 50, CV_8UC1, cv::Scalar(0));
    hole(cv::Rect(20, 0, 10, 50)).setTo(255);
    const cv::Mat w = featherWeights(hole, 3);
    EXPECT_FLOAT_EQ(w.at<float>(10, 25), 1.0f);
    EXPECT_GT(w.at<float>(10, 30), w.at<float>(10, 31));
    EXPECT_GT(w.at<float>(10, 32), 0.0f);
    EXPECT_FLOAT_EQ(w.at<float>(10, 33), 0.0f);
    EXPECT_FLOAT_EQ(w.at<float>(10, 16), 0.0f);
}

TEST(FillRegions, PasteLeavesZeroWeightPixelsBitIdentical) {
    cv::Mat dst(20, 20, CV_16UC3);
    cv::randu(dst, 0, 65535);
    const cv::Mat before = dst.clone();
    const cv::Mat fill(20, 20, CV_16UC3, cv::Scalar(1000, 2000, 3000));
    cv::Mat weights(20, 20, CV_32FC1, cv::Scalar(0));
    weights(cv::Rect(5, 5, 4, 4)).setTo(1.0f);
    weights.at<float>(0, 0) = 0.5f;
    pasteFeathered(dst, fill, weights);
    EXPECT_EQ(dst.at<cv::Vec3w>(6, 6), cv::Vec3w(1000, 2000, 3000));
    EXPECT_EQ(dst.at<cv::Vec3w>(0, 0)[0],
              cv::saturate_cast<ushort>(0.5 * before.at<cv::Vec3w>(0, 0)[0] + 500));
    const cv::Mat untouched = weights == 0;
    for (int y = 0; y < 20; ++y)
        for (int x = 0; x < 20; ++x)
            if (untouched.at<uchar>(y, x))
                ASSERT_EQ(dst.at<cv::Vec3w>(y, x), before.at<cv::Vec3w>(y, x));
}

}  // namespace
}  // namespace pm::ops
