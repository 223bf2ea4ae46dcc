// The denoising loop and a whole request, with a fake DiffusionModels (fake_diffusion_models.h)
// whose "denoiser" converges to a grey level that shows which text embeddings reached the UNet.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/engine/diffusion/pipeline/prompt_fill.h"
#include "core/engine/diffusion/pipeline/prompt_fill_pipeline.h"
#include "core/engine/diffusion/pipeline/work_area.h"
#include "tests/diffusion_pipeline/fake_diffusion_models.h"

namespace pm::engine::diffusion {
namespace {

using testing::FakeDiffusionModels;

ClipTokenizer powerPaintTokenizer() {
    ClipTokenizer tokenizer = ClipTokenizer::fromFolder(PM_CLIP_SUBSET_DIR);
    addPowerPaintTaskTokens(tokenizer, 49438);
    return tokenizer;
}

torch::Tensor idsOf(const ClipTokenizer& tokenizer, const std::string& text) {
    return torch::tensor(tokenizer.encodePadded(text, 77), torch::kInt64).view({1, 77});
}

cv::Mat noisyPhoto(cv::Size size, int seed = 1) {
    cv::Mat photo(size, CV_8UC3);
    cv::RNG rng(seed);
    rng.fill(photo, cv::RNG::UNIFORM, 0, 256);
    return photo;
}

cv::Mat boxMask(cv::Size size, cv::Rect box) {
    cv::Mat mask(size, CV_8UC1, cv::Scalar(0));
    mask(box).setTo(255);
    return mask;
}

PromptFillRequest fillRequest(cv::Size size, cv::Rect box) {
    PromptFillRequest request;
    request.bgr = noisyPhoto(size);
    request.mask = boxMask(size, box);
    request.settings.prompt = "a red brick wall";
    request.settings.steps = 6;
    return request;
}

// The grey level (0..255) the fake fills with for an embedding level in [-1, 1].
double grey(double level) {
    return (level + 1.0) * 127.5;
}

// Pixels of `image` in `box` shrunk by `inset` (away from the seam), averaged over the channels.
double meanInside(const cv::Mat& image, cv::Rect box, int inset) {
    const cv::Scalar mean = cv::mean(image(box - cv::Point(-inset, -inset) - cv::Size(2 * inset, 2 * inset)));
    return (mean[0] + mean[1] + mean[2]) / 3.0;
}

bool sameTensor(const torch::Tensor& a, const torch::Tensor& b) {
    return a.sizes() == b.sizes() && torch::equal(a, b);
}

TEST(PromptFillPipeline, FillGuidesWithTheNegativeFirstAndThePObjPromptSecond) {
    FakeDiffusionModels models;
    const ClipTokenizer tokenizer = powerPaintTokenizer();
    PromptFillRequest request = fillRequest({320, 320}, {96, 96, 128, 128});
    request.settings.negativePrompt = "a cat";
    request.settings.guidance = 2.0;
    request.settings.scheduler = "dpm";  // lands exactly on the denoiser's target
    const PromptFillResult result = runPromptFill(models, tokenizer, true, request, {});

    const torch::Tensor positive = models.encodeText(idsOf(tokenizer, "P_obj a red brick wall"));
    const torch::Tensor negative = models.encodeText(
        idsOf(tokenizer, "a cat, worst quality, low quality, normal quality, bad quality, blurry"));
    ASSERT_EQ(models.contexts.size(), 6u);
    for (const torch::Tensor& context : models.contexts) {
        ASSERT_EQ(context.size(0), 2);
        EXPECT_TRUE(torch::allclose(context[0], negative[0]));
        EXPECT_TRUE(torch::allclose(context[1], positive[0]));
    }
    // The UNet gets 9 channels: latents, mask, masked-image latents.
    EXPECT_EQ(models.inputs.front()[1], 9);
    // Classifier-free guidance: uncond + g (text - uncond), which the fake turns into a grey level.
    const double level = FakeDiffusionModels::levelOf(negative) +
                         2.0 * (FakeDiffusionModels::levelOf(positive) - FakeDiffusionModels::levelOf(negative));
    ASSERT_EQ(result.images.size(), 1u);
    EXPECT_NEAR(meanInside(result.images[0], {96, 96, 128, 128}, 8), grey(level), 1.0);
}

TEST(PromptFillPipeline, RemoveAsksForContextAndAgainstObjects) {
    FakeDiffusionModels models;
    const ClipTokenizer tokenizer = powerPaintTokenizer();
    PromptFillRequest request = fillRequest({256, 256}, {64, 64, 64, 64});
    request.settings.task = PromptFillTask::Remove;
    request.settings.prompt = "";
    request.settings.steps = 2;
    runPromptFill(models, tokenizer, true, request, {});
    const torch::Tensor positive = models.encodeText(idsOf(tokenizer, "P_ctxt empty scene blur "));
    const torch::Tensor negative = models.encodeText(idsOf(tokenizer, "P_obj "));
    EXPECT_TRUE(torch::allclose(models.contexts.front()[1], positive[0]));
    EXPECT_TRUE(torch::allclose(models.contexts.front()[0], negative[0]));
}

TEST(PromptFillPipeline, ShapeBlendsPShapeAndPCtxtByTheFittingDegree) {
    FakeDiffusionModels models;
    const ClipTokenizer tokenizer = powerPaintTokenizer();
    PromptFillPipeline pipeline(models, tokenizer, true);
    PromptFillSettings settings;
    settings.task = PromptFillTask::Shape;
    settings.prompt = "a cat";
    settings.fitting = 0.3;
    const torch::Tensor context = pipeline.promptEmbeddings(taskPrompts(settings, true), true);
    const torch::Tensor a = models.encodeText(idsOf(tokenizer, "P_shape a cat"));
    const torch::Tensor b = models.encodeText(idsOf(tokenizer, "P_ctxt a cat"));
    EXPECT_TRUE(torch::allclose(context[1], (0.3 * a + 0.7 * b)[0], 1e-6, 1e-6));
    // The negative is P_shape's alone (PowerPaint's tradeoff_nag = 1).
    const torch::Tensor negative = models.encodeText(
        idsOf(tokenizer, "P_shape , worst quality, low quality, normal quality, bad quality, blurry"));
    EXPECT_TRUE(torch::allclose(context[0], negative[0]));
}

TEST(PromptFillPipeline, NoGuidanceRunsABatchOfOne) {
    FakeDiffusionModels models;
    PromptFillRequest request = fillRequest({256, 256}, {64, 64, 64, 64});
    request.settings.guidance = 1.0;
    request.settings.steps = 2;
    runPromptFill(models, powerPaintTokenizer(), true, request, {});
    EXPECT_EQ(models.inputs.front()[0], 1);
}

TEST(PromptFillPipeline, ASeedGivesTheSameVariationsAndEachVariationItsOwn) {
    const ClipTokenizer tokenizer = powerPaintTokenizer();
    PromptFillRequest request = fillRequest({256, 256}, {64, 64, 96, 96});
    request.settings.variations = 3;
    request.settings.seed = 7;
    FakeDiffusionModels first, second, third;
    const PromptFillResult a = runPromptFill(first, tokenizer, true, request, {});
    const PromptFillResult b = runPromptFill(second, tokenizer, true, request, {});
    ASSERT_EQ(a.images.size(), 3u);
    EXPECT_EQ(a.seeds, (std::vector<uint64_t>{7, 8, 9}));
    for (size_t k = 0; k < 3; ++k) EXPECT_EQ(cv::norm(a.images[k], b.images[k], cv::NORM_INF), 0.0);
    // DDIM keeps a trace of the starting noise, so variations differ.
    EXPECT_GT(cv::norm(a.images[0], a.images[1], cv::NORM_INF), 0.0);
    EXPECT_GT(cv::norm(a.images[1], a.images[2], cv::NORM_INF), 0.0);
    // Variation 3 of seed 7 is variation 1 of seed 9.
    request.settings.variations = 1;
    request.settings.seed = 9;
    const PromptFillResult c = runPromptFill(third, tokenizer, true, request, {});
    EXPECT_EQ(cv::norm(a.images[2], c.images[0], cv::NORM_INF), 0.0);
}

TEST(PromptFillPipeline, ReportsEveryStepAndStopsWhenCancelled) {
    const ClipTokenizer tokenizer = powerPaintTokenizer();
    PromptFillRequest request = fillRequest({256, 256}, {64, 64, 64, 64});
    request.settings.variations = 2;
    request.settings.steps = 5;
    std::vector<std::pair<int, int>> steps;
    request.onStep = [&](const PromptFillStep& step) {
        steps.emplace_back(step.variation, step.step);
        EXPECT_EQ(step.steps, 5);
        EXPECT_EQ(step.variations, 2);
        EXPECT_GE(step.secondsThisStep, 0.0);
    };
    FakeDiffusionModels models;
    runPromptFill(models, tokenizer, true, request, {});
    ASSERT_EQ(steps.size(), 10u);
    EXPECT_EQ(steps.front(), std::make_pair(0, 1));
    EXPECT_EQ(steps[5], std::make_pair(1, 1));
    EXPECT_EQ(steps.back(), std::make_pair(1, 5));

    FakeDiffusionModels cancelledModels;
    bool cancel = false;
    request.onStep = [&](const PromptFillStep& step) { cancel = step.step == 3; };
    EXPECT_THROW(runPromptFill(cancelledModels, tokenizer, true, request, [&] { return cancel; }), Cancelled);
    EXPECT_EQ(cancelledModels.noiseCalls, 3);  // nothing ran after the flag was seen
}

TEST(PromptFillPipeline, KeepsEveryPixelBeyondTheSeamBitIdentical) {
    FakeDiffusionModels models;
    const cv::Rect box(300, 200, 90, 70);
    PromptFillRequest request = fillRequest({800, 600}, box);
    request.settings.scheduler = "dpm";  // lands exactly on the fake's flat grey
    const PromptFillResult result = runPromptFill(models, powerPaintTokenizer(), true, request, {});
    ASSERT_EQ(result.images.size(), 1u);
    const cv::Mat& out = result.images[0];
    ASSERT_EQ(out.size(), request.bgr.size());
    cv::Mat distance;
    cv::distanceTransform(255 - request.mask, distance, cv::DIST_L2, 5);
    cv::Mat differs, anyChannel;
    cv::compare(out, request.bgr, differs, cv::CMP_NE);
    cv::cvtColor(differs, anyChannel, cv::COLOR_BGR2GRAY);
    EXPECT_EQ(cv::countNonZero(anyChannel & (distance > 13.0)), 0);
    // Inside, the fill is the model's (a flat grey here), not the noisy photo.
    cv::Scalar mean, deviation;
    cv::meanStdDev(out(box - cv::Point(-10, -10) - cv::Size(20, 20)), mean, deviation);
    EXPECT_LT(deviation[0], 3.0);
}

TEST(PromptFillPipeline, BigPhotosWorkOnACropAtTheWorkingSize) {
    FakeDiffusionModels models;
    const cv::Rect box(4200, 1000, 100, 80);
    PromptFillRequest request = fillRequest({6000, 4000}, box);
    request.settings.steps = 2;
    const PromptFillResult result = runPromptFill(models, powerPaintTokenizer(), true, request, {});
    ASSERT_EQ(models.imageSizes.size(), 1u);
    const std::vector<int64_t>& seen = models.imageSizes.front();  // [1, 3, H, W]
    EXPECT_EQ(std::min(seen[2], seen[3]), 640);
    EXPECT_EQ(seen[2] % 8, 0);
    EXPECT_EQ(seen[3] % 8, 0);
    EXPECT_EQ(result.images[0].size(), cv::Size(6000, 4000));
    EXPECT_EQ(result.workCrop & box, box);
}

TEST(PromptFillPipeline, OutpaintingExtendsTheCanvasAndFillsOnlyTheNewArea) {
    FakeDiffusionModels models;
    PromptFillRequest request;
    request.bgr = noisyPhoto({300, 200});
    request.settings.task = PromptFillTask::Outpaint;
    request.settings.extend = CanvasExtension{64, 0, 0, 32};
    request.settings.steps = 4;
    request.settings.scheduler = "dpm";
    const PromptFillResult result = runPromptFill(models, powerPaintTokenizer(), true, request, {});
    ASSERT_EQ(result.images.size(), 1u);
    const cv::Mat& out = result.images[0];
    ASSERT_EQ(out.size(), cv::Size(364, 232));
    // Outpainting works at short side 512.
    EXPECT_EQ(std::min(models.imageSizes.front()[2], models.imageSizes.front()[3]), 512);
    // The photo keeps its pixels away from the new border ...
    const cv::Rect keep(64 + 14, 0, 300 - 14, 200 - 14);
    EXPECT_EQ(cv::norm(out(keep), request.bgr(keep - cv::Point(64, 0)), cv::NORM_INF), 0.0);
    // ... and the new area is the model's flat fill, not the repeated edge.
    cv::Scalar mean, deviation;
    cv::meanStdDev(out(cv::Rect(4, 4, 40, 200)), mean, deviation);
    EXPECT_LT(deviation[0], 3.0);
}

TEST(PromptFillPipeline, RefusesRequestsItCannotRun) {
    FakeDiffusionModels models;
    const ClipTokenizer tokenizer = powerPaintTokenizer();
    PromptFillRequest noMask = fillRequest({64, 64}, {8, 8, 8, 8});
    noMask.mask = cv::Mat();
    EXPECT_THROW(runPromptFill(models, tokenizer, true, noMask, {}), Error);
    PromptFillRequest emptyMask = fillRequest({64, 64}, {8, 8, 8, 8});
    emptyMask.mask.setTo(0);
    EXPECT_THROW(runPromptFill(models, tokenizer, true, emptyMask, {}), Error);
    PromptFillRequest otherSize = fillRequest({64, 64}, {8, 8, 8, 8});
    otherSize.mask = cv::Mat::zeros(32, 32, CV_8UC1);
    EXPECT_THROW(runPromptFill(models, tokenizer, true, otherSize, {}), Error);
    PromptFillRequest nothingToExtend = fillRequest({64, 64}, {8, 8, 8, 8});
    nothingToExtend.mask = cv::Mat();
    nothingToExtend.settings.task = PromptFillTask::Outpaint;
    EXPECT_THROW(runPromptFill(models, tokenizer, true, nothingToExtend, {}), Error);
    EXPECT_EQ(models.noiseCalls, 0);
}

}  // namespace
}  // namespace pm::engine::diffusion
