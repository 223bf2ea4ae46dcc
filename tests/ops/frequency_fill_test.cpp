// The built-in frequency-selective fill of thin holes (scratches, hairs): it continues texture and
// edges across a scratch, is as close to the truth as xphoto's FSR on real photos, and gives the
// same pixels whatever the thread count. (Its speed is a bench figure: quality_bench, scratches.)
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>
#if __has_include(<opencv2/xphoto.hpp>)
#include <opencv2/xphoto.hpp>
#define PM_TEST_XPHOTO 1
#endif

#include "core/ops/remove/frequency_fill.h"
#include "tests/ops/stripes.h"
#include "tests/support/testdata.h"

namespace pm::ops {
namespace {

double holePsnr(const cv::Mat& a, const cv::Mat& b, const cv::Mat& hole) {
    cv::Mat diff;
    cv::absdiff(a, b, diff);
    diff.convertTo(diff, CV_32F);
    const cv::Scalar m = cv::mean(diff.mul(diff), hole);
    const double mse = (m[0] + m[1] + m[2]) / a.channels();
    return 10.0 * std::log10(255.0 * 255.0 / std::max(mse, 1e-6));
}

// Scratches as the quality bench draws them: wandering lines 1-3 px wide.
cv::Mat scratches(cv::Size size, uint64_t seed) {
    cv::Mat hole(size, CV_8UC1, cv::Scalar(0));
    cv::RNG rng(seed);
    for (int i = 0; i < 5; ++i) {
        const int thickness = rng.uniform(1, 4);
        cv::Point2d p(rng.uniform(10, size.width - 10), rng.uniform(10, size.height - 10));
        double angle = rng.uniform(0.0, 2 * CV_PI);
        for (int step = 0; step < 40; ++step) {
            angle += rng.uniform(-0.15, 0.15);
            const cv::Point2d q = p + 4.0 * cv::Point2d(std::cos(angle), std::sin(angle));
            cv::line(hole, p, q, cv::Scalar(255), thickness, cv::LINE_8);
            p = q;
        }
    }
    return hole;
}

cv::Mat withMagenta(const cv::Mat& truth, const cv::Mat& hole) {
    cv::Mat input = truth.clone();
    input.setTo(truth.channels() == 3 ? cv::Scalar(255, 0, 255) : cv::Scalar(255), hole);
    return input;
}

// A 3 px scratch across stripes 5 px wide: each stripe goes on through it, light where it is
// light, dark where it is dark (diffusion bridges them with a grey smear).
TEST(FrequencyFill, StripesContinueAcrossAScratch) {
    const cv::Mat truth = test::stripes(cv::Size(160, 120), CV_8UC3);
    cv::Mat hole(truth.size(), CV_8UC1, cv::Scalar(0));
    cv::line(hole, cv::Point(5, 30), cv::Point(155, 95), cv::Scalar(255), 3, cv::LINE_8);
    const cv::Mat input = withMagenta(truth, hole);
    const cv::Mat ours = frequencySelectiveFill(input, hole);
    cv::Mat telea;
    cv::inpaint(input, hole, telea, 3, cv::INPAINT_TELEA);
    const double oursPsnr = holePsnr(ours, truth, hole), teleaPsnr = holePsnr(telea, truth, hole);
    EXPECT_GT(oursPsnr, 30.0) << "TELEA " << teleaPsnr;
    EXPECT_GT(oursPsnr, teleaPsnr + 6.0);
}

// Only the hole changes, and every hole pixel is filled from the photo, also a hole wider than a
// window (a 40 px square) and holes at the frame.
TEST(FrequencyFill, FillsEveryHolePixelAndNothingElse) {
    const cv::Mat truth = test::stripes(cv::Size(150, 110), CV_8UC3);
    cv::Mat hole(truth.size(), CV_8UC1, cv::Scalar(0));
    hole(cv::Rect(50, 30, 40, 40)).setTo(255);
    hole(cv::Rect(0, 0, 150, 2)).setTo(255);
    hole(cv::Rect(147, 0, 3, 110)).setTo(255);
    const cv::Mat input = withMagenta(truth, hole);
    const cv::Mat ours = frequencySelectiveFill(input, hole);
    cv::Mat changed;
    cv::absdiff(ours, input, changed);
    cv::cvtColor(changed, changed, cv::COLOR_BGR2GRAY);
    EXPECT_EQ(cv::countNonZero(changed & (hole == 0)), 0);
    // No magenta left: red is 120 everywhere in the stripes (magenta's is 255). Stripes carried
    // past the frame (the 3 px strip at the right) are not exact: within 40 levels.
    std::vector<cv::Mat> planes;
    cv::split(ours, planes);
    cv::Mat cast;
    cv::absdiff(planes[2], cv::Scalar(120), cast);
    double worst = 0;
    cv::minMaxLoc(cast, nullptr, &worst, nullptr, nullptr, hole);
    EXPECT_LE(worst, 40.0);
    EXPECT_LT(std::abs(cv::mean(ours, hole)[0] - cv::mean(truth, hole)[0]), 20.0);
}

TEST(FrequencyFill, SameResultWithAnyThreadCount) {
    const cv::Mat truth = test::stripes(cv::Size(200, 140), CV_8UC3);
    const cv::Mat hole = scratches(truth.size(), 3);
    const cv::Mat input = withMagenta(truth, hole);
    const int threads = cv::getNumThreads();
    cv::setNumThreads(1);
    const cv::Mat one = frequencySelectiveFill(input, hole);
    cv::setNumThreads(std::max(threads, 4));
    const cv::Mat many = frequencySelectiveFill(input, hole);
    cv::setNumThreads(threads);
    EXPECT_EQ(cv::norm(one, many, cv::NORM_INF), 0.0);
}

// Where the frame cuts the last row or column of blocks a few pixels into it, those blocks'
// windows reach up to 14 px past the image: they once read past the end of the fill's planes
// (whatever the heap held there, which other threads were changing), so the same photo filled
// differently from run to run. Every run, with any thread count, gives the same bytes.
TEST(FrequencyFill, HolesAtTheFrameFillTheSameOnEveryRun) {
    const int threads = cv::getNumThreads();
    // 16 n + 1 and 16 n + 5: the last blocks are 1 and 5 px tall (or wide).
    for (const cv::Size size : {cv::Size(161, 129), cv::Size(133, 117)}) {
        const cv::Mat truth = test::stripes(size, CV_8UC3);
        cv::Mat hole = scratches(size, 7);
        hole.rowRange(size.height - 9, size.height).setTo(255);
        hole.colRange(size.width - 9, size.width).setTo(255);
        const cv::Mat input = withMagenta(truth, hole);
        const cv::Mat first = frequencySelectiveFill(input, hole);
        for (int run = 0; run < 12; ++run) {
            cv::setNumThreads(1 + run % 4);
            const cv::Mat again = frequencySelectiveFill(input, hole);
            cv::setNumThreads(threads);
            EXPECT_EQ(cv::norm(again, first, cv::NORM_INF), 0.0)
                << size << ", run " << run << ", " << 1 + run % 4 << " threads";
        }
    }
}

TEST(FrequencyFill, GreyImagesAreFilled) {
    const cv::Mat truth = test::stripes(cv::Size(160, 120), CV_8UC1);
    const cv::Mat hole = scratches(truth.size(), 4);
    const cv::Mat ours = frequencySelectiveFill(withMagenta(truth, hole), hole);
    EXPECT_GT(holePsnr(ours, truth, hole), 28.0);
}

#ifdef PM_TEST_XPHOTO
// On real photos the fill of scratches is at least as close to the truth as xphoto's FSR_FAST,
// the method it replaces (the quality bench measures the same on 18 photos, with its time).
TEST(FrequencyFill, ScratchesOnRealPhotosAsGoodAsXphotoFsr) {
    PM_REQUIRE_TESTDATA();
    double ours = 0, fsr = 0;
    int count = 0;
    for (const std::string& file : test::testdataFiles("photos")) {
        const cv::Mat photo = cv::imread(file, cv::IMREAD_COLOR);
        if (photo.cols < 256 || photo.rows < 256 || count == 4) continue;
        const cv::Mat truth =
            photo(cv::Rect((photo.cols - 256) / 2, (photo.rows - 256) / 2, 256, 256)).clone();
        const cv::Mat hole = scratches(truth.size(), 11 + static_cast<uint64_t>(count));
        const cv::Mat input = withMagenta(truth, hole);
        cv::Mat theirs;
        cv::xphoto::inpaint(input, hole == 0, theirs, cv::xphoto::INPAINT_FSR_FAST);
        ours += holePsnr(frequencySelectiveFill(input, hole), truth, hole);
        fsr += holePsnr(theirs, truth, hole);
        ++count;
    }
    ASSERT_GE(count, 3);
    EXPECT_GE(ours / count, fsr / count - 0.1) << "FSR_FAST " << fsr / count;
}
#endif

}  // namespace
}  // namespace pm::ops
