// The whole prompt fill with real (tiny, random) networks read from a diffusers folder written in
// the published layout: tokenizer -> CLIP text encoder -> UNet denoising loop -> VAE -> paste-back.
// The pipeline's own tests use a fake set of networks; the networks' tests run them one by one;
// this is where the two meet, as they do when a user's PowerPaint folder is loaded.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

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

namespace pm::engine::diffusion {
namespace {

// PowerPaint v1 as users download it (the manifest's powerpaint-v1): SD-1.5's
// text_encoder/config.json, vocab_size 49408, beside PowerPaint's own text_encoder.safetensors, whose
// table is CLIP's 49408 rows (wrapped.weight) plus the task tokens' 3 x 10 vectors. The task tokens
// must be on, or "P_obj ..." prompts are read as plain words.
TEST(PromptFillModelsLoad, PowerPaintsTextEncoderWithSdsConfigGetsItsTaskTokens) {
    const std::string folder =
        test::writeTinyPromptFillFolder((fs::temp_directory_path() / "pm_prompt_fill_ppt_layout").string());
    const std::string configPath = folder + "/text_encoder/config.json";
    std::ifstream in(configPath);
    std::string config((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    in.close();
    const std::string vocab = "\"vocab_size\": 49438";
    ASSERT_NE(config.find(vocab), std::string::npos);
    config.replace(config.find(vocab), vocab.size(), "\"vocab_size\": 49408");
    test::writeText(configPath, config);

    const std::string plainFile = folder + "/text_encoder/model.safetensors";
    auto tensors = readWeightFile(plainFile);
    fs::remove(plainFile);
    int64_t width = 0;
    for (auto& t : tensors)
        if (t.name == "text_model.embeddings.token_embedding.weight") {
            width = t.tensor.size(1);
            t.name = "text_model.embeddings.token_embedding.wrapped.weight";
            t.tensor = t.tensor.narrow(0, 0, 49408).clone();
        }
    ASSERT_GT(width, 0);
    for (const char* token : {"P_obj", "P_ctxt", "P_shape"})
        tensors.push_back({std::string("text_model.embeddings.token_embedding.trainable_embeddings.") + token,
                           torch::randn({10, width}) * 0.02});
    test::writeWeights(tensors, folder + "/text_encoder/text_encoder.safetensors");

    const PromptFillModels models = loadPromptFillModels(folder, DiffusionLoadOptions{});
    EXPECT_TRUE(models.taskTokens) << "SD's config says 49408, the weights hold 49438 rows";
    EXPECT_EQ(models.networks->textVocabularySize(), 49438);
    fs::remove_all(folder);
}

}  // namespace
}  // namespace pm::engine::diffusion
