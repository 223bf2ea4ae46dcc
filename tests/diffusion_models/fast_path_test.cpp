// The prompt fill's speed path (issue 18, item 4), with real tiny networks from a folder in the
// published layout: which precision and switches a device gets, that the start-up warm-up changes
// no result, that NHWC convolutions compute what NCHW ones do, that in-place activations change no
// value, that progress and cancel still come
// per step through the backend the app calls; and, on a GPU only, that fp16 with CUDA graphs paints
// what fp32 eager does.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/common/error.h"
#include "core/engine/cuda_support.h"
#include "core/engine/diffusion/models/device_models.h"
#include "core/engine/diffusion/models/diffusers_folder.h"
#include "core/engine/diffusion/pipeline/prompt_fill.h"
#include "core/engine/diffusion/pipeline/prompt_fill_backend.h"
#include "core/engine/job_context.h"
#include "tests/diffusion_models/tiny_diffusers_folder.h"

namespace pm::engine::diffusion {
namespace {

namespace fs = std::filesystem;

class FastPath : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        folder_ = new std::string(
            test::writeTinyPromptFillFolder((fs::temp_directory_path() / "pm_diffusion_fast_path").string(), 11));
    }
    static void TearDownTestSuite() {
        fs::remove_all(*folder_);
        delete folder_;
    }
    static PromptFillModels load(const DiffusionLoadOptions& options = {}) { return loadPromptFillModels(*folder_, options); }
    static std::string* folder_;
};
std::string* FastPath::folder_ = nullptr;

PromptFillRequest catRequest(const std::string& scheduler) {
    PromptFillRequest request;
    request.bgr = cv::Mat(88, 104, CV_8UC3);
    cv::RNG rng(3);
    rng.fill(request.bgr, cv::RNG::UNIFORM, 30, 230);
    request.mask = cv::Mat::zeros(request.bgr.size(), CV_8UC1);
    request.mask(cv::Rect(30, 20, 40, 36)).setTo(255);
    request.settings.prompt = "a photo of a cat";  // words of the vocabulary slice
    request.settings.steps = 4;
    request.settings.scheduler = scheduler;  // DPM-Solver++ keeps the previous step's prediction
    request.settings.workingShortSide = 64;
    request.settings.seed = 99;
    return request;
}

PromptFillResult run(PromptFillModels& models, const PromptFillRequest& request) {
    return runPromptFill(*models.networks, models.tokenizer, models.taskTokens, request, nullptr);
}

bool sameBits(const cv::Mat& a, const cv::Mat& b) {
    return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

TEST(FastPathOptions, TheCpuGetsFp32EagerNchwWhateverTheSwitchesSay) {
    DiffusionSpeedSwitches all;
    all.half = all.cudaGraphs = all.channelsLast = true;
    const DiffusionLoadOptions cpu = diffusionLoadOptions(false, all);
    EXPECT_TRUE(cpu.device.is_cpu());
    EXPECT_EQ(cpu.dtype, torch::kFloat32);
    EXPECT_FALSE(cpu.cudaGraphs);
    EXPECT_FALSE(cpu.channelsLast) << "libtorch's CPU convolutions are NCHW";
}

TEST(FastPathOptions, TheGpuGetsFp16NhwcWithGraphsInOnePoolAndTheSwitchesTurnThemOff) {
    const DiffusionLoadOptions gpu = diffusionLoadOptions(true);
    EXPECT_TRUE(gpu.device.is_cuda());
    EXPECT_EQ(gpu.dtype, torch::kHalf);
    EXPECT_TRUE(gpu.cudaGraphs);
    // The H100 (512², 30 steps): NHWC 376 ms and 3849 MB on the card, NCHW 421 ms and 4125 MB.
    EXPECT_TRUE(gpu.channelsLast);
    EXPECT_TRUE(gpu.sharedGraphPool) << "each warmed working size would keep a graph pool of its own";
    // The VAE NCHW (torch's CUDA group_norm copies NHWC inputs to NCHW) and eager, starting its
    // decode from released blocks: on the H100 its graphs in the pool took the card from 4193 MB
    // to 6619 MB at a 512² request's peak, the release before the decode to 4121 MB.
    EXPECT_FALSE(gpu.vaeChannelsLast);
    EXPECT_FALSE(gpu.vaeGraphs);
    EXPECT_TRUE(gpu.inPlaceActivations);
    EXPECT_TRUE(gpu.releaseCacheBeforeDecode);

    DiffusionSpeedSwitches plain;
    plain.half = plain.cudaGraphs = plain.sharedGraphPool = plain.channelsLast = false;
    const DiffusionLoadOptions fp32 = diffusionLoadOptions(true, plain);
    EXPECT_EQ(fp32.dtype, torch::kFloat32);
    EXPECT_FALSE(fp32.cudaGraphs);
    EXPECT_FALSE(fp32.sharedGraphPool);
    EXPECT_FALSE(fp32.channelsLast);
}

TEST_F(FastPath, TheCpuOptionsLoadEveryWeightInFp32AndRunNoGraphs) {
    PromptFillModels models = load(diffusionLoadOptions(false));
    EXPECT_EQ(models.networks->dtype(), torch::kFloat32);
    EXPECT_TRUE(models.networks->device().is_cpu());
    run(models, catRequest("ddim"));
    EXPECT_EQ(replayedGraphSteps(*models.networks), 0);
}

TEST_F(FastPath, WarmingUpLeavesTheNextResultBitIdenticalToAColdRun) {
    for (const std::string scheduler : {"ddim", "dpm"}) {
        PromptFillModels cold = load();
        const PromptFillResult expected = run(cold, catRequest(scheduler));

        PromptFillModels warmed = load();
        // The request's working size (104x88 -> 72x64 here) and another, as the buckets at start.
        warmUpPromptFill(*warmed.networks, warmed.tokenizer, warmed.taskTokens, {cv::Size(72, 64), cv::Size(64, 64)});
        const PromptFillResult first = run(warmed, catRequest(scheduler));
        const PromptFillResult second = run(warmed, catRequest(scheduler));
        ASSERT_EQ(first.images.size(), 1u);
        EXPECT_EQ(first.workingSize, expected.workingSize);
        EXPECT_TRUE(sameBits(first.images[0], expected.images[0])) << scheduler << ": the warm-up changed the result";
        EXPECT_TRUE(sameBits(second.images[0], expected.images[0])) << scheduler << ": a request changed the next";
        // And the fill did something: the masked area is not the photo's.
        EXPECT_GT(cv::norm(first.images[0], catRequest(scheduler).bgr, cv::NORM_INF), 0);
    }
}

TEST_F(FastPath, NhwcConvolutionsPredictTheSameNoiseAsNchw) {
    const DiffusionLoadOptions options;
    std::shared_ptr<UNet> nchw = loadUNet(*folder_, options);
    std::shared_ptr<UNet> nhwc = loadUNet(*folder_, options);
    toChannelsLast(*nhwc);
    torch::NoGradGuard noGrad;
    torch::manual_seed(5);
    const torch::Tensor input = torch::randn({2, 9, 8, 16});
    const torch::Tensor context = torch::randn({2, 77, nchw->config().crossAttentionDim});
    const torch::Tensor timestep = torch::tensor(int64_t{321});
    const torch::Tensor expected = nchw->forward(input, timestep, context);
    const torch::Tensor actual = nhwc->forward(input.contiguous(at::MemoryFormat::ChannelsLast), timestep, context);
    ASSERT_EQ(actual.sizes(), expected.sizes());
    EXPECT_LT((actual - expected).abs().max().item<double>(), 1e-4 * (1.0 + expected.abs().max().item<double>()));
}

// The memory saving of issue 18's 4 GB: SiLU and the residual adds written into fresh tensors.
// Were any of them written into a tensor still needed (the block's input, the skip), these differ.
TEST_F(FastPath, InPlaceActivationsGiveBitIdenticalNetworkOutputs) {
    const DiffusionLoadOptions options;
    ASSERT_TRUE(options.inPlaceActivations) << "the default on every device";
    std::shared_ptr<UNet> unet = loadUNet(*folder_, options);
    std::shared_ptr<Vae> vae = loadVae(*folder_, options);
    torch::NoGradGuard noGrad;
    torch::manual_seed(6);
    const torch::Tensor input = torch::randn({2, 9, 8, 16});
    const torch::Tensor context = torch::randn({2, 77, unet->config().crossAttentionDim});
    const torch::Tensor timestep = torch::tensor(int64_t{321});
    const torch::Tensor image = torch::rand({1, 3, 64, 72}) * 2 - 1;
    const torch::Tensor inputBefore = input.clone(), imageBefore = image.clone();

    setInPlaceActivations(*unet, false);
    setInPlaceActivations(*vae, false);
    const torch::Tensor noise = unet->forward(input, timestep, context);
    const torch::Tensor latents = vae->encodeMean(image);
    const torch::Tensor decoded = vae->decode(latents);

    setInPlaceActivations(*unet, true);
    setInPlaceActivations(*vae, true);
    EXPECT_TRUE(torch::equal(unet->forward(input, timestep, context), noise)) << "UNet";
    EXPECT_TRUE(torch::equal(vae->encodeMean(image), latents)) << "VAE encoder";
    EXPECT_TRUE(torch::equal(vae->decode(latents), decoded)) << "VAE decoder";
    EXPECT_TRUE(torch::equal(input, inputBefore) && torch::equal(image, imageBefore)) << "an input was written over";
}

TEST_F(FastPath, TheBackendPreparesOnceThenReportsEveryStepAndStopsWhenCancelled) {
    DeviceInfo cpu;  // the CPU: prepare only loads
    preparePromptFillOnDevice(*folder_, cpu);

    PromptFillRequest request = catRequest("ddim");
    request.modelFolder = *folder_;
    request.settings.steps = 5;
    LocalJobContext context(cpu);
    std::vector<std::string> stages;
    context.onProgress = [&](double, const std::string& stage) { stages.push_back(stage); };
    const PromptFillResult done = promptFillOnDevice(request, cpu, context);
    ASSERT_EQ(done.images.size(), 1u);
    // No "loading" stage: the models prepared at start were kept.
    ASSERT_EQ(stages.size(), 5u);
    EXPECT_EQ(stages.front(), "variation 1 of 1, step 1 of 5");
    EXPECT_EQ(stages.back(), "variation 1 of 1, step 5 of 5");

    std::vector<int> steps;
    request.onStep = [&](const PromptFillStep& step) {
        steps.push_back(step.step);
        if (step.step == 2) context.cancel = true;
    };
    EXPECT_THROW(promptFillOnDevice(request, cpu, context), Cancelled);
    EXPECT_EQ(steps, (std::vector<int>{1, 2}));
}

// GPU only: fp16 with the UNet step replayed from CUDA graphs against fp32 eager on the same GPU.
TEST_F(FastPath, OnTheGpuFp16WithGraphsPaintsWhatFp32EagerPaints) {
    if (!cuda::available()) GTEST_SKIP() << "no GPU";
    DiffusionSpeedSwitches reference;
    reference.half = reference.cudaGraphs = false;
    PromptFillModels fp32 = load(diffusionLoadOptions(true, reference));
    PromptFillModels fast = load(diffusionLoadOptions(true));
    const PromptFillRequest request = catRequest("dpm");
    const PromptFillResult expected = run(fp32, request);
    const PromptFillResult first = run(fast, request);
    const PromptFillResult again = run(fast, request);
    EXPECT_GT(replayedGraphSteps(*fast.networks), 0) << "no step came from a CUDA graph";
    EXPECT_TRUE(sameBits(first.images[0], again.images[0])) << "graph replays differ from run to run";
    cv::Mat difference;
    cv::absdiff(first.images[0], expected.images[0], difference);
    EXPECT_LT(cv::mean(difference)[0], 2.0) << "fp16 + graphs drifted from fp32";

    // A second working size captures its graph into the same pool, over the first one's freed
    // intermediates; replaying either must still give its own picture.
    PromptFillRequest wider = request;
    wider.bgr = cv::Mat(88, 136, CV_8UC3);
    cv::randu(wider.bgr, cv::Scalar::all(30), cv::Scalar::all(230));
    wider.mask = cv::Mat::zeros(wider.bgr.size(), CV_8UC1);
    wider.mask(cv::Rect(40, 20, 50, 36)).setTo(255);
    const PromptFillResult widerFirst = run(fast, wider);
    const int64_t replayedBefore = replayedGraphSteps(*fast.networks);
    const PromptFillResult widerAgain = run(fast, wider);
    const PromptFillResult firstSizeAgain = run(fast, request);
    EXPECT_EQ(replayedGraphSteps(*fast.networks) - replayedBefore, 2 * request.settings.steps)
        << "both working sizes replay every step from their graphs";
    ASSERT_NE(widerFirst.workingSize, first.workingSize);
    EXPECT_TRUE(sameBits(widerFirst.images[0], widerAgain.images[0])) << "the second size's graph";
    EXPECT_TRUE(sameBits(firstSizeAgain.images[0], first.images[0])) << "the shared pool broke the first size's graph";
    // The VAE NHWC, the VAE from graphs in the pool (replayed from the second request at a size on),
    // out-of-place activations: each still paints what fp32 paints.
    for (int variant = 0; variant < 3; ++variant) {
        DiffusionSpeedSwitches switches;
        switches.vaeChannelsLast = variant == 0;
        switches.vaeGraphs = variant == 1;
        switches.inPlaceActivations = variant != 2;
        PromptFillModels other = load(diffusionLoadOptions(true, switches));
        run(other, request);
        cv::absdiff(run(other, request).images[0], expected.images[0], difference);
        EXPECT_LT(cv::mean(difference)[0], 2.0) << "variant " << variant << " drifted from fp32";
        if (variant == 1) EXPECT_GE(replayedVaeGraphs(*other.networks), 2) << "the second request's encode and decode";
    }

    DiffusionSpeedSwitches nchw;
    nchw.channelsLast = false;
    PromptFillModels channelsFirst = load(diffusionLoadOptions(true, nchw));
    cv::absdiff(run(channelsFirst, request).images[0], expected.images[0], difference);
    EXPECT_LT(cv::mean(difference)[0], 2.0) << "NCHW fp16 drifted from fp32";
}

}  // namespace
}  // namespace pm::engine::diffusion
