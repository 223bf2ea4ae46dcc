// The whole prompt fill with real (tiny, random) networks read from a diffusers folder written in
// the published layout: tokenizer -> CLIP text encoder -> UNet denoising loop -> VAE -> paste-back.
// The pipeline's own tests use a fake set of networks; the networks' tests run them one by one;
// this is where the two meet, as they do when a user's PowerPaint folder is loaded.
#include <gtest/gtest.h>

#include <filesystem>

#include <opencv2/core.hpp>

#include "core/engine/diffusion/models/diffusers_folder.h"
#include "core/engine/diffusion/pipeline/prompt_fill.h"
#include "core/engine/prompt_fill_request.h"
#include "tests/diffusion_models/tiny_diffusers_folder.h"

namespace pm::engine::diffusion {
namespace {

namespace fs = std::filesystem;

std::string writePowerPaintLikeFolder() {
    return test::writeTinyPromptFillFolder((fs::temp_directory_path() / "pm_prompt_fill_e2e").string());
}

cv::Mat texturedPhoto(cv::Size size) {
    cv::Mat photo(size, CV_8UC3);
    cv::RNG rng(7);
    rng.fill(photo, cv::RNG::UNIFORM, 40, 220);
    return photo;
}

class PromptFillEndToEnd : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        folder_ = new std::string(writePowerPaintLikeFolder());
        std::string problem;
        ASSERT_TRUE(promptFillModelInstalled(*folder_, &problem)) << problem;
        models_ = new PromptFillModels(loadPromptFillModels(*folder_, DiffusionLoadOptions{}));
    }
    static void TearDownTestSuite() {
        delete models_;
        fs::remove_all(*folder_);
        delete folder_;
    }
    PromptFillResult run(const PromptFillRequest& request) {
        return runPromptFill(*models_->networks, models_->tokenizer, models_->taskTokens, request,
                             [] { return false; });
    }
    static std::string* folder_;
    static PromptFillModels* models_;
};
std::string* PromptFillEndToEnd::folder_ = nullptr;
PromptFillModels* PromptFillEndToEnd::models_ = nullptr;

PromptFillRequest catRequest() {
    PromptFillRequest request;
    request.bgr = texturedPhoto({120, 96});
    request.mask = cv::Mat(request.bgr.size(), CV_8UC1, cv::Scalar(0));
    request.mask(cv::Rect(40, 30, 32, 28)).setTo(255);
    request.settings.prompt = "a photo of a cat";
    request.settings.steps = 3;
    request.settings.workingShortSide = 64;
    return request;
}

TEST_F(PromptFillEndToEnd, AFolderInThePublishedLayoutFillsTheMaskAndKeepsTheRest) {
    EXPECT_TRUE(models_->taskTokens) << "PowerPaint's task tokens fit a 49438-token text encoder";
    const PromptFillRequest request = catRequest();
    const PromptFillResult result = run(request);
    ASSERT_EQ(result.images.size(), 1u);
    const cv::Mat& out = result.images[0];
    ASSERT_EQ(out.size(), request.bgr.size());
    ASSERT_EQ(out.type(), CV_8UC3);
    // Far from the mask (beyond the 4 px feather and the work crop) nothing changes...
    cv::Mat diff;
    cv::absdiff(out, request.bgr, diff);
    EXPECT_EQ(cv::countNonZero(diff(cv::Rect(0, 0, 120, 16)).reshape(1)), 0);
    // ...and inside it the networks' picture replaced the photo.
    EXPECT_GT(cv::mean(diff(cv::Rect(46, 36, 20, 16)))[0], 1.0);
}

// The tokenizer gives the task tokens the ids of the rows the loader merged PowerPaint's
// trainable embeddings into: were they to disagree, "P_obj" would read as "P_ctxt".
TEST_F(PromptFillEndToEnd, TheTokenizerAndTheTextEncoderAgreeOnTheTaskTokens) {
    const auto& names = powerPaintTaskTokens();
    ASSERT_EQ(names.size(), 30u);
    for (size_t i = 0; i < names.size(); ++i)
        EXPECT_EQ(models_->tokenizer.tokenId(names[i]), 49408 + static_cast<int>(i)) << names[i];
}

TEST_F(PromptFillEndToEnd, TheSameSeedGivesTheSamePictureAndAnotherSeedAnother) {
    PromptFillRequest request = catRequest();
    request.settings.variations = 2;
    const PromptFillResult first = run(request);
    const PromptFillResult again = run(request);
    ASSERT_EQ(first.images.size(), 2u);
    cv::Mat diff;
    cv::absdiff(first.images[0], again.images[0], diff);
    EXPECT_EQ(cv::countNonZero(diff.reshape(1)), 0);
    cv::absdiff(first.images[0], first.images[1], diff);
    EXPECT_GT(cv::countNonZero(diff.reshape(1)), 0);
}

TEST_F(PromptFillEndToEnd, OutpaintingGrowsTheCanvasThroughTheRealNetworks) {
    PromptFillRequest request = catRequest();
    request.mask = cv::Mat();
    request.settings.task = PromptFillTask::Outpaint;
    request.settings.prompt.clear();
    request.settings.extend.right = 24;
    const PromptFillResult result = run(request);
    ASSERT_EQ(result.images.size(), 1u);
    EXPECT_EQ(result.images[0].size(), cv::Size(144, 96));
}

}  // namespace
}  // namespace pm::engine::diffusion
