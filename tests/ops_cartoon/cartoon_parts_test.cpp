// The cartoon's own building blocks that replaced OpenCV's ximgproc in the program (so the window
// does not load ximgproc and imgcodecs): the colour guided filter must give what ximgproc's gave,
// and the superpixels must follow colour edges, as the region flattening relies on both.
#include <cmath>
#include <set>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>
#include <opencv2/ximgproc/edge_filter.hpp>

#include "core/ops/cartoon/cartoon_steps.h"

namespace {

namespace cartoon = pm::ops::cartoon;

/// A picture with colour edges in every direction, gradients and a little noise (no files needed).
cv::Mat scene() {
    cv::Mat image(384, 512, CV_8UC3);
    for (int y = 0; y < image.rows; ++y)
        for (int x = 0; x < image.cols; ++x)
            image.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(60 + x / 4), uchar(90 + y / 5), uchar(150 - x / 8));
    cv::circle(image, {180, 190}, 110, {40, 60, 210}, cv::FILLED);
    cv::rectangle(image, cv::Rect(330, 60, 140, 250), {200, 200, 60}, cv::FILLED);
    cv::ellipse(image, {380, 300}, {90, 40}, 30, 0, 360, {30, 140, 40}, cv::FILLED);
    cv::Mat noise(image.size(), CV_16SC3), noisy;
    cv::RNG rng(17);
    rng.fill(noise, cv::RNG::NORMAL, 0, 4);
    cv::add(image, noise, noisy, cv::noArray(), CV_8UC3);
    return noisy;
}

/// What the guided filter smooths in the cartoon: a blocky, stair-stepped version of the picture.
cv::Mat blocky(const cv::Mat& image) {
    cv::Mat small, out;
    cv::resize(image, small, {image.cols / 12, image.rows / 12}, 0, 0, cv::INTER_AREA);
    cv::resize(small, out, image.size(), 0, 0, cv::INTER_NEAREST);
    return out;
}

TEST(ColourGuidedFilter, GivesWhatOpenCVsGuidedFilterGivesAtFullScale) {
    const cv::Mat guide = scene(), src = blocky(guide);
    cv::Mat reference;
    cv::ximgproc::guidedFilter(guide, src, reference, 4, 0.01 * 255 * 255);
    const cv::Mat ours = cartoon::colourGuidedFilter(guide, src, 4, 0.01, 1);
    cv::Mat difference;
    cv::absdiff(ours, reference, difference);
    double worst = 0;
    cv::minMaxLoc(difference.reshape(1), nullptr, &worst);
    EXPECT_LE(worst, 1.0) << "more than rounding apart from ximgproc's guided filter";
}

TEST(ColourGuidedFilter, FittedAtHalfScaleStaysCloseToTheFullScaleFilter) {
    const cv::Mat guide = scene(), src = blocky(guide);
    cv::Mat reference;
    cv::ximgproc::guidedFilter(guide, src, reference, 4, 0.01 * 255 * 255);
    const cv::Mat half = cartoon::colourGuidedFilter(guide, src, 4, 0.01, 2);
    cv::Mat difference;
    cv::absdiff(half, reference, difference);
    EXPECT_LT(cv::mean(difference.reshape(1))[0], 1.5) << "mean difference in 8-bit levels";
    EXPECT_GT(cv::PSNR(half, reference), 35.0);
    // And it still smooths the stairs away: it is not just the blocky input.
    EXPECT_GT(cv::PSNR(half, reference), cv::PSNR(src, reference) + 3.0);
}

TEST(Superpixels, FollowTheColourEdgesOfThePicture) {
    const cv::Mat image = scene();
    cv::Mat lab;
    cv::cvtColor(image, lab, cv::COLOR_BGR2Lab);
    const cv::Mat labels = cartoon::superpixels(lab, 12, 10.0, 4);
    ASSERT_EQ(labels.type(), CV_32S);
    ASSERT_EQ(labels.size(), image.size());

    // The shapes without noise: which object each pixel belongs to.
    cv::Mat object(image.size(), CV_8U, cv::Scalar(0));
    cv::circle(object, {180, 190}, 110, 1, cv::FILLED);
    cv::rectangle(object, cv::Rect(330, 60, 140, 250), 2, cv::FILLED);
    cv::ellipse(object, {380, 300}, {90, 40}, 30, 0, 360, 3, cv::FILLED);
    double maxLabel = 0;
    cv::minMaxLoc(labels, nullptr, &maxLabel);
    const int count = int(maxLabel) + 1;
    std::vector<std::vector<int>> members(count, std::vector<int>(4, 0));
    for (int y = 0; y < labels.rows; ++y)
        for (int x = 0; x < labels.cols; ++x) ++members[labels.at<int>(y, x)][object.at<uchar>(y, x)];
    int used = 0, straddling = 0;
    for (const std::vector<int>& m : members) {
        int total = 0, largest = 0;
        for (int n : m) total += n, largest = std::max(largest, n);
        if (total == 0) continue;
        ++used;
        if (total - largest > total / 10) ++straddling;  // more than a tenth from another object
    }
    // About one superpixel per 12 x 12 cell, and almost none across an object's border (a grid of
    // squares would cross the borders with ~70 of them).
    EXPECT_GT(used, (image.cols / 12) * (image.rows / 12) * 8 / 10);
    EXPECT_LE(straddling, 3) << "of " << used << " superpixels";
}

}  // namespace
