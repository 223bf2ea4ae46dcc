// A cartoon model on a photo larger than a tile runs in overlapping tiles (core/engine/
// tiled_image_to_image.h). A network sees each tile on its own, so tiles can disagree a little (a
// tone shift from per-image normalisation, different context at their borders); blended across the
// overlap that difference must fade in, never show as a seam. Torch-free: the "model" here is an
// operator that makes exactly that disagreement; tests/nets runs a random-weight AnimeGANv2.
#include <cmath>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "core/engine/runtime/tiled_image_to_image.h"

namespace {

using pm::engine::imageToImageInTiles;

cv::Mat gradient(int rows, int cols) {
    cv::Mat image(rows, cols, CV_8UC3);
    for (int y = 0; y < rows; ++y)
        for (int x = 0; x < cols; ++x)
            image.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(60 + x / 4), uchar(80 + y / 3), uchar(120));
    return image;
}

/// The largest jump between neighbouring pixels of (result - photo), over rows and columns.
double largestStep(const cv::Mat& result, const cv::Mat& photo) {
    cv::Mat difference;
    cv::subtract(result, photo, difference, cv::noArray(), CV_32FC3);
    double worst = 0;
    for (int y = 0; y < difference.rows; ++y)
        for (int x = 0; x < difference.cols; ++x) {
            const cv::Vec3f d = difference.at<cv::Vec3f>(y, x);
            if (x + 1 < difference.cols) worst = std::max(worst, cv::norm(difference.at<cv::Vec3f>(y, x + 1) - d, cv::NORM_INF));
            if (y + 1 < difference.rows) worst = std::max(worst, cv::norm(difference.at<cv::Vec3f>(y + 1, x) - d, cv::NORM_INF));
        }
    return worst;
}

TEST(ModelTiles, TilesThatDisagreeBlendWithoutASeam) {
    const cv::Mat photo = gradient(300, 420);
    // Each tile comes back brighter by an amount that grows with its place in the photo (up to 17
    // levels more than its neighbour's): a disagreement larger than a real network's, so that any
    // seam would be obvious.
    int calls = 0;
    const cv::Mat tiled = imageToImageInTiles(photo, 160, 48, [&](const cv::Mat& tile) {
        cv::Size whole;
        cv::Point at;
        tile.locateROI(whole, at);
        ++calls;
        cv::Mat out;
        tile.convertTo(out, -1, 1.0, 0.15 * at.x + 0.1 * at.y);
        return out;
    });
    ASSERT_EQ(tiled.size(), photo.size());
    // Tiles of 160 overlapping by at least 48: x from 0, 112, 224 and 260; y from 0, 112 and 140.
    EXPECT_EQ(calls, 4 * 3);
    // Across an overlap of 48 px or more the difference rises by well under a level per pixel; a
    // tile cut off at its border would jump by the whole difference (11 to 17 levels).
    EXPECT_LE(largestStep(tiled, photo), 2.5);
}

TEST(ModelTiles, TilesThatAgreeGiveTheWholeResult) {
    const cv::Mat photo = gradient(300, 420);
    auto invert = [](const cv::Mat& tile) {
        cv::Mat out;
        cv::bitwise_not(tile, out);
        return out;
    };
    const cv::Mat tiled = imageToImageInTiles(photo, 128, 32, invert);
    cv::Mat difference;
    cv::absdiff(tiled, invert(photo), difference);
    double worst = 0;
    cv::minMaxLoc(difference.reshape(1), nullptr, &worst);
    EXPECT_LE(worst, 1.0);  // rounding of the weighted sum
}

TEST(ModelTiles, APhotoWithinOneTileRunsWhole) {
    const cv::Mat photo = gradient(100, 120);
    int calls = 0;
    cv::Size seen;
    imageToImageInTiles(photo, 128, 32, [&](const cv::Mat& tile) {
        ++calls;
        seen = tile.size();
        return tile.clone();
    });
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(seen, photo.size());
}

}  // namespace
