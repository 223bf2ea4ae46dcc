// The repair chain on one image: it works on a single copy (in place for the CLI), lends that
// image to a callback after each step for the app's undo history, gives the same pixels as the
// steps run one after the other, and refuses up front a photo too large for its memory budget.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/image/image_io.h"
#include "core/image/pixel_diff.h"
#include "core/ops/repair/repair_chain.h"
#include "tests/support/testdata.h"

namespace pm::ops {
namespace {

/// A real old photo (colour, grain, a face), or a synthetic faded, grainy print without testdata.
cv::Mat oldPhoto() {
    const std::string dir = test::testdataDir();
    if (!dir.empty()) {
        cv::Mat pixels = image::loadPhoto(dir + "/old-photos/faded_b.png").pixels;
        if (pixels.channels() == 4) cv::cvtColor(pixels, pixels, cv::COLOR_BGRA2BGR);
        return pixels;
    }
    cv::Mat print(300, 400, CV_8UC3);
    cv::RNG rng(3);
    for (int y = 0; y < print.rows; ++y)
        for (int x = 0; x < print.cols; ++x) {
            const double v = 80 + 0.2 * x + 20 * std::sin(y / 17.0) + rng.gaussian(6.0);
            print.at<cv::Vec3b>(y, x) =
                cv::Vec3b(cv::saturate_cast<uchar>(v * 0.8), cv::saturate_cast<uchar>(v),
                          cv::saturate_cast<uchar>(v * 1.2 + 20));
        }
    return print;
}

RepairParams toneSteps() {
    RepairParams params;
    params.steps = {RepairStep::Color, RepairStep::Denoise, RepairStep::Sharpen};
    return params;
}

TEST(RepairChain, EqualsTheStepsRunOneAfterTheOther) {
    const cv::Mat photo = oldPhoto();
    engine::LocalJobContext context;
    const RepairParams params = toneSteps();
    const RepairResult result = repairPhoto(photo, {}, params, context);

    const cv::Mat expected =
        sharpen(reduceNoise(restoreColor(photo, params.tone.colorStrength), params.tone.denoise),
                params.tone.sharpen);
    ASSERT_EQ(result.image.size(), photo.size());
    EXPECT_EQ(cv::norm(result.image, expected, cv::NORM_INF), 0);
    ASSERT_EQ(result.steps.size(), 3u);
    EXPECT_EQ(result.steps[0].step, RepairStep::Color);
    EXPECT_EQ(result.steps[2].step, RepairStep::Sharpen);
}

TEST(RepairChain, HoldsOneImageAndLendsItAfterEveryStep) {
    const cv::Mat photo = oldPhoto();
    const cv::Mat untouched = photo.clone();
    engine::LocalJobContext context;
    std::set<const uchar*> buffers;
    std::vector<cv::Mat> history;  // what an undo history keeps: copies made by the caller
    std::vector<cv::Rect> reported;
    cv::Mat previous = photo.clone();
    const RepairResult result = repairPhoto(
        photo, {}, toneSteps(), context, [&](const RepairStepResult& step, const cv::Mat& image) {
            buffers.insert(image.data);
            // The rectangle is exactly where this step changed the previous step's image.
            EXPECT_EQ(step.changed, image::differingRect(previous, image)) << toString(step.step);
            previous = image.clone();
            history.push_back(image.clone());
            reported.push_back(step.changed);
        });
    // Every step worked on the same pixels, the result's: no step left a full-size copy behind.
    ASSERT_EQ(buffers.size(), 1u);
    EXPECT_EQ(*buffers.begin(), result.image.data);
    ASSERT_EQ(history.size(), result.steps.size());
    EXPECT_EQ(cv::norm(history.back(), result.image, cv::NORM_INF), 0);
    for (size_t i = 0; i < reported.size(); ++i) EXPECT_EQ(reported[i], result.steps[i].changed);
    // The caller's photo is never touched by repairPhoto.
    EXPECT_EQ(cv::norm(photo, untouched, cv::NORM_INF), 0);
}

TEST(RepairChain, InPlaceGivesTheSamePixelsWithoutAnotherBuffer) {
    const cv::Mat photo = oldPhoto();
    engine::LocalJobContext context;
    const RepairResult copy = repairPhoto(photo, {}, toneSteps(), context);
    cv::Mat inPlace = photo.clone();
    const uchar* buffer = inPlace.data;
    const std::vector<RepairStepResult> steps =
        repairPhotoInPlace(inPlace, {}, toneSteps(), context);
    EXPECT_EQ(inPlace.data, buffer);
    EXPECT_EQ(cv::norm(inPlace, copy.image, cv::NORM_INF), 0);
    EXPECT_EQ(steps.size(), copy.steps.size());
}

TEST(RepairChain, FillsAGivenDamageMaskInPlace) {
    cv::Mat photo = oldPhoto();
    cv::Mat damage = cv::Mat::zeros(photo.size(), CV_8UC1);
    cv::line(damage, {20, 30}, {photo.cols - 40, photo.rows - 50}, 255, 3);
    cv::line(photo, {20, 30}, {photo.cols - 40, photo.rows - 50}, cv::Scalar::all(250), 3);
    RepairParams params;
    params.steps = {RepairStep::Scratches};
    params.fill.engine = FillEngine::Builtin;
    engine::LocalJobContext context;
    const RepairResult copy = repairPhoto(photo, damage, params, context);
    cv::Mat inPlace = photo.clone();
    const std::vector<RepairStepResult> steps =
        repairPhotoInPlace(inPlace, damage, params, context);
    ASSERT_EQ(steps.size(), 1u);
    ASSERT_EQ(copy.steps.size(), 1u);
    EXPECT_EQ(steps[0].changed, copy.steps[0].changed);
    EXPECT_EQ(steps[0].changed, image::differingRect(photo, inPlace));
    // The bright scratch is gone.
    EXPECT_LT(cv::mean(inPlace, damage)[1], cv::mean(photo, damage)[1] - 40);
}

TEST(RepairMemory, A500MegapixelColourPhotoFitsTheDefaultBudgetInPlace) {
    const RepairParams params;  // default steps and budget
    EXPECT_NO_THROW(checkRepairMemory({25820, 19360}, CV_8UC3, params));
    // A 16-bit photo with alpha of that size is 4 GB by itself.
    try {
        checkRepairMemory({25820, 19360}, CV_16UC4, params);
        FAIL() << "a 4 GB photo passed a 4 GB budget";
    } catch (const Error& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find("500 MP"), std::string::npos) << message;
        EXPECT_NE(message.find("scratches"), std::string::npos) << message;
        EXPECT_NE(message.find("cannot run"), std::string::npos) << message;
    }
}

TEST(RepairMemory, ASmallBudgetIsRefusedBeforeAnyStepRuns) {
    cv::Mat photo = oldPhoto();
    const cv::Mat untouched = photo.clone();
    RepairParams params = toneSteps();
    params.memoryBudget = std::int64_t(photo.total() * photo.elemSize());  // the photo alone
    engine::LocalJobContext context;
    int progressCalls = 0;
    context.onProgress = [&](double, const std::string&) { ++progressCalls; };
    EXPECT_THROW(repairPhotoInPlace(photo, {}, params, context), Error);
    EXPECT_EQ(progressCalls, 0);
    EXPECT_EQ(cv::norm(photo, untouched, cv::NORM_INF), 0);
    // The copying version needs the photo twice.
    params.memoryBudget = std::int64_t(1) << 30;
    EXPECT_NO_THROW(checkRepairMemory(photo.size(), photo.type(), params, 1));
    EXPECT_GT(repairWorkingBytes({20000, 20000}, CV_8UC3, {RepairStep::Scratches}),
              repairWorkingBytes({20000, 20000}, CV_8UC3, {RepairStep::Color}));
}

}  // namespace
}  // namespace pm::ops
