// The built-in fill's search as tensor work (what runs on a GPU) must fill like the CPU threads'
// scan: it continues a periodic texture, leaves known pixels alone and repeats itself for the same
// seed (exemplar_fill_test.cpp compares the two on real photos). CI has no GPU, so these run the same
// tensor code on the CPU; the GPU test compares the two devices where a GPU exists.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/ops/remove/em_level_threads.h"
#include "core/ops/remove/em_level_gpu.h"
#include "core/ops/remove/exemplar_fill.h"
#include "tests/ops/stripes.h"

namespace pm::ops {
namespace {

using Device = PatchMatchParams::Device;

using test::stripes;

cv::Mat squareHole(cv::Size size, cv::Rect box) {
    cv::Mat hole(size, CV_8UC1, cv::Scalar(0));
    hole(box).setTo(255);
    return hole;
}

PatchMatchParams onTensors(Device device = Device::TensorsOnCpu) {
    PatchMatchParams params;
    params.device = device;
    params.deviceMinTargets = 0;  // every level, however small, goes through the tensor path
    return params;
}

double meanAbsError(const cv::Mat& a, const cv::Mat& b, const cv::Mat& hole) {
    cv::Mat diff;
    cv::absdiff(a, b, diff);
    const cv::Scalar m = cv::mean(diff, hole);
    return (m[0] + m[1] + m[2]) / 3.0;
}

TEST(DeviceSearch, OneIterationImprovesARandomFieldAndVotesOnlyIntoTheHole) {
    const cv::Mat image = stripes(cv::Size(120, 90));
    patchmatch::Level level;
    level.guide = image.clone();
    level.hole = squareHole(image.size(), cv::Rect(45, 30, 30, 30));
    level.radius = 3;
    patchmatch::prepare(level, 0);
    patchmatch::randomField(level, 5);
    patchmatch::updateDistances(level);
    double before = 0.0;
    for (int d : level.dist) before += d > 0 && d < INT_MAX ? d : 0;

    patchmatch::DeviceEm em;
    em.cuda = false;
    em.iterations = 1;
    em.maxRadius = 120;
    ASSERT_TRUE(patchmatch::emOnDevice(level, em));
    double after = 0.0;
    for (int d : level.dist) after += d > 0 && d < INT_MAX ? d : 0;
    // Stripes leave a good match for every patch: the search must find far better ones than chance.
    EXPECT_LT(after, 0.5 * before);
    for (int y = level.box.y; y < level.box.y + level.box.height; ++y)
        for (int x = level.box.x; x < level.box.x + level.box.width; ++x)
            if (level.target.at<uchar>(y, x))
                ASSERT_TRUE(level.sourceOk.at<uchar>(level.nnf[level.at(x, y)]))
                    << "target (" << x << ", " << y << ") matched a patch that is not known";
    cv::Mat changed;
    cv::absdiff(level.guide, image, changed);
    cv::cvtColor(changed, changed, cv::COLOR_BGR2GRAY);
    EXPECT_EQ(cv::countNonZero(changed & (level.hole == 0)), 0);
    EXPECT_GT(cv::countNonZero(changed & level.hole), 0);
}

TEST(DeviceSearch, PeriodicStripesContinueThroughTheHole) {
    const cv::Mat truth = stripes(cv::Size(160, 120));
    const cv::Mat hole = squareHole(truth.size(), cv::Rect(55, 35, 45, 45));
    cv::Mat input = truth.clone();
    input.setTo(cv::Scalar(0, 0, 255), hole);
    const cv::Mat ours = patchMatchInpaint(input, hole, onTensors());
    // Stripes are 130 levels apart: a fill out of phase would be ~65 off on average, noise is ~3.
    EXPECT_LT(meanAbsError(ours, truth, hole), 12.0);
    cv::Mat ourRow, trueRow, correlation;
    ours.row(57).colRange(55, 100).convertTo(ourRow, CV_32F);
    truth.row(57).colRange(55, 100).convertTo(trueRow, CV_32F);
    cv::matchTemplate(ourRow.reshape(1), trueRow.reshape(1), correlation, cv::TM_CCOEFF_NORMED);
    EXPECT_GT(correlation.at<float>(0, 0), 0.9);
}

TEST(DeviceSearch, KnownPixelsStayAndTheSameSeedGivesTheSameFill) {
    const cv::Mat truth = stripes(cv::Size(120, 90));
    const cv::Mat hole = squareHole(truth.size(), cv::Rect(40, 30, 30, 30));
    const cv::Mat a = patchMatchInpaint(truth, hole, onTensors());
    const cv::Mat b = patchMatchInpaint(truth, hole, onTensors());
    EXPECT_EQ(cv::norm(a, b, cv::NORM_INF), 0.0);
    cv::Mat diff;
    cv::absdiff(a, truth, diff);
    cv::cvtColor(diff, diff, cv::COLOR_BGR2GRAY);
    EXPECT_EQ(cv::countNonZero(diff & (hole == 0)), 0);
}

TEST(DeviceSearch, TheGpuFillsAsWellAsTheTensorsOnTheCpu) {
    if (!patchmatch::deviceEmAvailable()) GTEST_SKIP() << "no CUDA GPU";
    const cv::Mat truth = stripes(cv::Size(400, 300));
    cv::Mat hole(truth.size(), CV_8UC1, cv::Scalar(0));
    cv::circle(hole, cv::Point(200, 150), 60, cv::Scalar(255), cv::FILLED);
    cv::Mat input = truth.clone();
    input.setTo(cv::Scalar(0, 0, 255), hole);
    const cv::Mat cpu = patchMatchInpaint(input, hole, onTensors());
    const cv::Mat gpu = patchMatchInpaint(input, hole, onTensors(Device::Gpu));
    // CUDA builds with nvcc search with kernels that draw other random numbers than the tensor
    // path: the fills differ in detail but must be as close to the truth.
    const double cpuError = meanAbsError(cpu, truth, hole);
    EXPECT_LT(meanAbsError(gpu, truth, hole), 12.0);
    EXPECT_LT(meanAbsError(gpu, truth, hole), cpuError + 2.0);
    // Integer votes: the GPU's atomic adds give the same fill on every run.
    EXPECT_EQ(cv::norm(gpu, patchMatchInpaint(input, hole, onTensors(Device::Gpu)), cv::NORM_INF), 0.0);
    cv::Mat diff;
    cv::absdiff(gpu, truth, diff);
    cv::cvtColor(diff, diff, cv::COLOR_BGR2GRAY);
    EXPECT_EQ(cv::countNonZero(diff & (hole == 0)), 0);
}

}  // namespace
}  // namespace pm::ops
