// A large hole is filled from the surface around it, not with a collage of objects stamped in
// again and again (issue 14: the motorcycle photo got the shelf's boxes pasted over its engine).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/engine/job_context.h"
#include "core/ops/remove/remove_object.h"

namespace pm::ops {
namespace {

cv::Mat fill(const cv::Mat& input, const cv::Mat& mask, bool coherent) {
    engine::LocalJobContext context;
    RemoveParams params;
    params.engine = FillEngine::Builtin;
    params.builtin.coherence.enabled = coherent;
    return removeObject(input, mask, params, context).image;
}

// Pixels of the shelf's blue boxes (labels far bluer than red, and bright) in a region.
int shelfBlue(const cv::Mat& image) {
    int count = 0;
    for (int y = 0; y < image.rows; ++y)
        for (int x = 0; x < image.cols; ++x) {
            const cv::Vec3b p = image.at<cv::Vec3b>(y, x);
            if (p[0] - p[2] > 51 && p[0] > 115) ++count;
        }
    return count;
}

// The motorcycle photo at the quality bench's size, its front half (engine, fork, wheel) removed
// by a 272x203 box whose upper edge runs along a shelf of blue boxes. None of them is behind the
// motorcycle; the old fill stamped them over the hole several times (61 blue pixels), the coherent
// fill, which pays for reusing one source many times, far fewer.
TEST(CoherentFill, ShelfBoxesAreNotStampedOverTheHole) {
    const std::filesystem::path photo =
        std::filesystem::path(PM_TESTDATA_DIR) / "photos" / "motorcycle_left.png";
    if (!std::filesystem::exists(photo)) GTEST_SKIP() << "no " << photo;
    cv::Mat truth = cv::imread(photo.string(), cv::IMREAD_COLOR);
    ASSERT_FALSE(truth.empty());
    cv::resize(truth, truth, cv::Size(640, 432), 0, 0, cv::INTER_AREA);
    const cv::Rect box(278, 166, 272, 203);
    cv::Mat mask(truth.size(), CV_8UC1, cv::Scalar(0));
    mask(box).setTo(255);
    cv::Mat input = truth.clone();
    input.setTo(cv::Scalar(255, 0, 255), mask);
    ASSERT_EQ(shelfBlue(truth(box)), 0) << "the photo behind the hole has no blue box";
    const int without = shelfBlue(fill(input, mask, false)(box));
    const int with = shelfBlue(fill(input, mask, true)(box));
    std::printf("blue box pixels in the hole: %d without coherence, %d with\n", without, with);
    EXPECT_LE(with, 40);
}

}  // namespace
}  // namespace pm::ops
