// Remove object end to end: engine routing (built-in, LaMa, auto), the bit-identical guarantee
// outside the grown mask plus its feather band, several regions in one call, crops for the model,
// depths and channel counts, progress and cancellation.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/engine/inference_session.h"
#include "core/engine/job_context.h"
#include "core/ops/remove/fill_regions.h"
#include "core/ops/remove/remove_object.h"
#include "tests/support/testdata.h"

namespace pm::ops {
namespace {

// Stands in for a LaMa model: paints the hole one colour and records what it was given.
class ConstantFillSession : public engine::InferenceSession {
public:
    ConstantFillSession() {
        entry_.id = "fake-lama";
        entry_.task = "inpaint";
        device_.name = "Test GPU";
    }
    const engine::ModelEntry& entry() const override { return entry_; }
    const engine::DeviceInfo& device() const override { return device_; }
    cv::Mat inpaint(const cv::Mat& bgr, const cv::Mat& mask) override {
        EXPECT_EQ(bgr.type(), CV_8UC3);
        EXPECT_EQ(mask.type(), CV_8UC1);
        EXPECT_EQ(bgr.size(), mask.size());
        sizes.push_back(bgr.size());
        cv::Mat out = bgr.clone();
        out.setTo(cv::Scalar(10, 200, 30), mask);
        return out;
    }
    cv::Mat imageToImage(const cv::Mat& bgr) override { return bgr.clone(); }
    void warmUp() override {}
    engine::SessionStats stats() const override { return {}; }

    std::vector<cv::Size> sizes;

private:
    engine::ModelEntry entry_;
    engine::DeviceInfo device_;
};

cv::Mat noiseTexture(cv::Size size, int type) {
    cv::Mat image(size, type);
    cv::randu(image, 0, CV_MAT_DEPTH(type) == CV_16U ? 65535 : 255);
    cv::GaussianBlur(image, image, cv::Size(3, 3), 0);
    return image;
}

// The pixels the operation may change: the grown mask plus the feather band around it.
cv::Mat allowedRegion(const cv::Mat& mask, const RemoveParams& params) {
    return featherWeights(growMask(mask, params.growPixels), params.featherPixels) > 0;
}

// Count of pixels outside `allowed` whose bits changed in any channel.
int changedOutside(const cv::Mat& before, const cv::Mat& after, const cv::Mat& allowed) {
    cv::Mat differs;
    cv::compare(before.reshape(1), after.reshape(1), differs, cv::CMP_NE);
    cv::Mat perPixel;
    cv::reduce(differs.reshape(before.channels()).reshape(1, before.total()), perPixel, 1,
               cv::REDUCE_MAX);
    perPixel = perPixel.reshape(1, before.rows);
    return cv::countNonZero(perPixel & (allowed == 0));
}

cv::Mat twoBlobs(cv::Size size) {
    cv::Mat mask(size, CV_8UC1, cv::Scalar(0));
    cv::circle(mask, cv::Point(60, 60), 15, cv::Scalar(255), cv::FILLED);
    cv::ellipse(mask, cv::Point(size.width - 70, size.height - 50), cv::Size(25, 12), 30, 0, 360,
                cv::Scalar(1), cv::FILLED);
    return mask;
}

TEST(RemoveObject, BuiltinChangesOnlyGrownMaskAndBandInEveryRegion) {
    const cv::Mat image = noiseTexture(cv::Size(400, 300), CV_8UC3);
    cv::Mat input = image.clone();
    const cv::Mat mask = twoBlobs(image.size());
    input.setTo(cv::Scalar(255, 0, 255), mask);  // the "object"
    engine::LocalJobContext context;
    RemoveParams params;
    params.engine = FillEngine::Builtin;
    const RemoveResult result = removeObject(input, mask, params, context);
    EXPECT_EQ(result.engineUsed, "built-in PatchMatch");
    ASSERT_EQ(result.image.type(), input.type());
    ASSERT_EQ(result.image.size(), input.size());
    const cv::Mat allowed = allowedRegion(mask, params);
    EXPECT_EQ(changedOutside(input, result.image, allowed), 0);
    // Both objects are gone: no magenta is left anywhere.
    cv::Mat magenta;
    cv::inRange(result.image, cv::Scalar(250, 0, 250), cv::Scalar(255, 5, 255), magenta);
    EXPECT_EQ(cv::countNonZero(magenta), 0);
    // The changed box covers every changed pixel and no more than the allowed region.
    cv::Mat inBox(input.size(), CV_8UC1, cv::Scalar(0));
    inBox(result.changed).setTo(255);
    EXPECT_EQ(changedOutside(input, result.image, inBox), 0);
    EXPECT_TRUE((cv::boundingRect(allowed) & result.changed) == result.changed);
    EXPECT_GT(result.changed.area(), 0);
}

TEST(RemoveObject, RealPhotoKnownPixelsBitIdentical) {
    PM_REQUIRE_TESTDATA();
    const auto files = test::testdataFiles("photos");
    ASSERT_FALSE(files.empty());
    const cv::Mat photo = cv::imread(files.front(), cv::IMREAD_COLOR);
    ASSERT_FALSE(photo.empty()) << files.front();
    cv::Mat mask(photo.size(), CV_8UC1, cv::Scalar(0));
    cv::ellipse(mask, cv::Point(photo.cols / 2, photo.rows / 2),
                cv::Size(photo.cols / 10, photo.rows / 14), 15, 0, 360, cv::Scalar(255),
                cv::FILLED);
    cv::line(mask, cv::Point(10, 20), cv::Point(photo.cols / 3, photo.rows - 30), cv::Scalar(255),
             3);
    engine::LocalJobContext context;
    RemoveParams params;
    params.growPixels = 6;
    params.featherPixels = 5;
    const RemoveResult result = removeObject(photo, mask, params, context);
    EXPECT_EQ(changedOutside(photo, result.image, allowedRegion(mask, params)), 0);
    // The fill looks like the photo around it, not like a flat patch: it has detail.
    cv::Mat gray, lap;
    cv::cvtColor(result.image, gray, cv::COLOR_BGR2GRAY);
    cv::Laplacian(gray, lap, CV_32F);
    cv::Scalar mean, dev;
    cv::meanStdDev(lap, mean, dev, mask);
    EXPECT_GT(dev[0], 1.0);
}

TEST(RemoveObject, SixteenBitGreyAndAlphaImagesKeepTheirTypeAndKnownPixels) {
    for (int type : {CV_16UC1, CV_16UC3, CV_8UC4, CV_16UC4, CV_8UC1}) {
        const cv::Mat image = noiseTexture(cv::Size(200, 160), type);
        const cv::Mat mask = twoBlobs(image.size());
        engine::LocalJobContext context;
        RemoveParams params;
        const RemoveResult result = removeObject(image, mask, params, context);
        ASSERT_EQ(result.image.type(), type);
        EXPECT_EQ(changedOutside(image, result.image, allowedRegion(mask, params)), 0)
            << "type " << type;
    }
}

TEST(RemoveObject, LamaForcedWithoutModelIsAClearError) {
    const cv::Mat image = noiseTexture(cv::Size(100, 100), CV_8UC3);
    cv::Mat mask(image.size(), CV_8UC1, cv::Scalar(0));
    mask(cv::Rect(40, 40, 10, 10)).setTo(255);
    engine::LocalJobContext context;
    RemoveParams params;
    params.engine = FillEngine::Lama;
    try {
        removeObject(image, mask, params, context);
        FAIL() << "expected pm::Error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("LaMa is not installed"), std::string::npos)
            << e.what();
    }
}

TEST(RemoveObject, AutoUsesLamaWhenInstalledOnCropsOnly) {
    const cv::Mat image = noiseTexture(cv::Size(900, 700), CV_8UC3);
    const cv::Mat mask = twoBlobs(image.size());
    ConstantFillSession lama;
    engine::LocalJobContext context;
    context.session = &lama;
    RemoveParams params;
    params.featherPixels = 0;
    const RemoveResult result = removeObject(image, mask, params, context);
    EXPECT_EQ(result.engineUsed, "LaMa on Test GPU");
    // Two far-apart regions: two crops, each far smaller than the photo.
    ASSERT_EQ(lama.sizes.size(), 2u);
    for (const cv::Size& s : lama.sizes) EXPECT_LT(s.area(), image.total() / 4);
    EXPECT_EQ(changedOutside(image, result.image, allowedRegion(mask, params)), 0);
    // The grown mask holds exactly what the model painted.
    const cv::Mat grown = growMask(mask, params.growPixels);
    cv::Mat painted;
    cv::inRange(result.image, cv::Scalar(10, 200, 30), cv::Scalar(10, 200, 30), painted);
    EXPECT_EQ(cv::countNonZero(painted & grown), cv::countNonZero(grown));
}

TEST(RemoveObject, LargeRegionsAreShrunkForTheModel) {
    const cv::Mat image = noiseTexture(cv::Size(3000, 2000), CV_16UC3);
    cv::Mat mask(image.size(), CV_8UC1, cv::Scalar(0));
    cv::circle(mask, cv::Point(1500, 1000), 400, cv::Scalar(255), cv::FILLED);
    ConstantFillSession lama;
    engine::LocalJobContext context;
    context.session = &lama;
    RemoveParams params;
    params.engine = FillEngine::Lama;
    params.lamaMaxSide = 512;
    const RemoveResult result = removeObject(image, mask, params, context);
    ASSERT_EQ(lama.sizes.size(), 1u);
    EXPECT_LE(std::max(lama.sizes[0].width, lama.sizes[0].height), 512);
    EXPECT_EQ(changedOutside(image, result.image, allowedRegion(mask, params)), 0);
    // Deep inside the hole the model's colour comes back at 16 bits.
    EXPECT_EQ(result.image.at<cv::Vec3w>(1000, 1500), cv::Vec3w(10 * 257, 200 * 257, 30 * 257));
}

TEST(RemoveObject, BuiltinIgnoresAnInstalledModel) {
    const cv::Mat image = noiseTexture(cv::Size(200, 150), CV_8UC3);
    const cv::Mat mask = twoBlobs(image.size());
    ConstantFillSession lama;
    engine::LocalJobContext context;
    context.session = &lama;
    RemoveParams params;
    params.engine = FillEngine::Builtin;
    EXPECT_EQ(removeObject(image, mask, params, context).engineUsed, "built-in PatchMatch");
    EXPECT_TRUE(lama.sizes.empty());
}

TEST(RemoveObject, CancelledBeforeStartThrowsCancelled) {
    const cv::Mat image = noiseTexture(cv::Size(200, 150), CV_8UC3);
    engine::LocalJobContext context;
    context.cancel = true;
    EXPECT_THROW(removeObject(image, twoBlobs(image.size()), RemoveParams{}, context), Cancelled);
}

TEST(RemoveObject, CancelDuringTheFillStopsIt) {
    const cv::Mat image = noiseTexture(cv::Size(600, 400), CV_8UC3);
    cv::Mat mask(image.size(), CV_8UC1, cv::Scalar(0));
    cv::circle(mask, cv::Point(300, 200), 80, cv::Scalar(255), cv::FILLED);
    engine::LocalJobContext context;
    std::vector<double> reported;
    context.onProgress = [&](double fraction, const std::string& stage) {
        EXPECT_FALSE(stage.empty());
        reported.push_back(fraction);
        if (fraction > 0.0) context.cancel = true;  // after the first pyramid level
    };
    EXPECT_THROW(removeObject(image, mask, RemoveParams{}, context), Cancelled);
    ASSERT_GE(reported.size(), 2u);
    EXPECT_LT(reported.back(), 1.0);
}

TEST(RemoveObject, ProgressRisesToOne) {
    const cv::Mat image = noiseTexture(cv::Size(300, 200), CV_8UC3);
    engine::LocalJobContext context;
    std::vector<double> reported;
    context.onProgress = [&](double fraction, const std::string&) { reported.push_back(fraction); };
    removeObject(image, twoBlobs(image.size()), RemoveParams{}, context);
    ASSERT_GE(reported.size(), 3u);
    for (size_t i = 1; i < reported.size(); ++i) EXPECT_GE(reported[i], reported[i - 1]);
    EXPECT_DOUBLE_EQ(reported.back(), 1.0);
}

TEST(RemoveObject, EmptyMaskChangesNothing) {
    const cv::Mat image = noiseTexture(cv::Size(100, 80), CV_8UC3);
    engine::LocalJobContext context;
    const RemoveResult result =
        removeObject(image, cv::Mat(image.size(), CV_8UC1, cv::Scalar(0)), RemoveParams{}, context);
    EXPECT_EQ(cv::norm(result.image, image, cv::NORM_INF), 0.0);
    EXPECT_EQ(result.changed.area(), 0);
}

TEST(RemoveObject, BadInputsAreClearErrors) {
    engine::LocalJobContext context;
    const cv::Mat image = noiseTexture(cv::Size(100, 80), CV_8UC3);
    EXPECT_THROW(
        removeObject(image, cv::Mat(10, 10, CV_8UC1, cv::Scalar(0)), RemoveParams{}, context),
        Error);
    cv::Mat floats(100, 80, CV_32FC3, cv::Scalar(0));
    EXPECT_THROW(
        removeObject(floats, cv::Mat(100, 80, CV_8UC1, cv::Scalar(0)), RemoveParams{}, context),
        Error);
}

TEST(RemoveObject, ParseFillEngine) {
    EXPECT_EQ(parseFillEngine("auto"), FillEngine::Auto);
    EXPECT_EQ(parseFillEngine("BuiltIn"), FillEngine::Builtin);
    EXPECT_EQ(parseFillEngine("lama"), FillEngine::Lama);
    EXPECT_THROW(parseFillEngine("photoshop"), Error);
}

}  // namespace
}  // namespace pm::ops
