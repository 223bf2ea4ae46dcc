#include "core/engine/diffusion/pipeline/prompt_fill_pipeline.h"

#include <ATen/CPUGeneratorImpl.h>

#include <chrono>

#include "core/common/error.h"
#include "core/engine/diffusion/pipeline/noise_schedulers.h"
#include "core/image/tensor_convert.h"

namespace pm::engine::diffusion {
namespace {

using torch::indexing::None;
using torch::indexing::Slice;

constexpr image::TensorLayout kVaeLayout{image::ValueRange::MinusOneOne, image::ChannelOrder::Rgb};

// cuDNN times its algorithms for each convolution shape on the GPU: 30-50 steps at one working size
// repay it within the request, and the warm-up pays it for the buckets. The caller's setting comes
// back afterwards (the engine's other models choose their own).
class CudnnAutotune {
public:
    explicit CudnnAutotune(bool on) : previous_(at::globalContext().benchmarkCuDNN()), on_(on) {
        if (on_) at::globalContext().setBenchmarkCuDNN(true);
    }
    ~CudnnAutotune() {
        if (on_) at::globalContext().setBenchmarkCuDNN(previous_);
    }
    CudnnAutotune(const CudnnAutotune&) = delete;
    CudnnAutotune& operator=(const CudnnAutotune&) = delete;

private:
    bool previous_, on_;
};

}  // namespace

PromptFillPipeline::PromptFillPipeline(DiffusionModels& models, const ClipTokenizer& tokenizer, bool taskTokens)
    : models_(models), tokenizer_(tokenizer), taskTokens_(taskTokens) {}

torch::Tensor PromptFillPipeline::embed(const std::string& text) {
    const std::vector<int64_t> ids = tokenizer_.encodePadded(text, models_.maxTokens());
    const torch::Tensor tensor = torch::tensor(ids, torch::kInt64).view({1, -1}).to(models_.device());
    return models_.encodeText(tensor).to(torch::kFloat32);
}

torch::Tensor PromptFillPipeline::promptEmbeddings(const TaskPrompts& prompts, bool guidance) {
    auto blend = [&](const std::string& a, const std::string& b, double t) {
        const torch::Tensor first = embed(a);
        if (t == 1.0 || a == b) return first;
        return first * t + embed(b) * (1.0 - t);
    };
    const torch::Tensor positive = blend(prompts.promptA, prompts.promptB, prompts.tradeoff);
    if (!guidance) return positive;
    const torch::Tensor negative = blend(prompts.negativeA, prompts.negativeB, prompts.negativeTradeoff);
    return torch::cat({negative, positive});
}

std::vector<cv::Mat> PromptFillPipeline::generate(const cv::Mat& bgr, const cv::Mat& mask,
                                                  const PromptFillSettings& settings,
                                                  const std::function<void(const PromptFillStep&)>& onStep,
                                                  const std::function<bool()>& cancelled) {
    if (bgr.type() != CV_8UC3 || mask.type() != CV_8UC1 || bgr.size() != mask.size() || bgr.cols % 8 || bgr.rows % 8)
        throw Error("prompt fill: the working image must be 8-bit colour with a mask of its size, sides multiples of 8");
    if (settings.variations < 1) throw Error("prompt fill: at least one variation");
    torch::NoGradGuard noGrad;
    const torch::Device device = models_.device();
    const torch::Dtype dtype = models_.dtype();
    const bool guidance = settings.guidance > 1.0;
    const SamplerKind sampler = parseSamplerKind(settings.scheduler);
    const CudnnAutotune autotune(device.is_cuda());

    // Masked image as diffusers prepares it: [-1,1], the fill area set to 0; the mask binarized and
    // taken at every 8th pixel (F.interpolate's nearest at the latents' size).
    const torch::Tensor image = image::bgrToTensor(bgr, kVaeLayout, device);
    const torch::Tensor fill = image::maskToTensor(mask, device);
    const torch::Tensor maskedImage = image * (fill < 0.5).to(image.dtype());
    const torch::Tensor maskedLatents = models_.encodeImage(maskedImage.to(dtype)).to(torch::kFloat32);
    const torch::Tensor latentMask = fill.index({Slice(), Slice(), Slice(None, None, 8), Slice(None, None, 8)});
    const int64_t height = maskedLatents.size(2), width = maskedLatents.size(3);
    if (latentMask.size(2) != height || latentMask.size(3) != width)
        throw Error("prompt fill: the VAE's latents are not 1/8 of the image");

    const torch::Tensor context = promptEmbeddings(taskPrompts(settings, taskTokens_), guidance).to(dtype);
    const int64_t batch = guidance ? 2 : 1;
    const torch::Tensor condition = torch::cat({latentMask, maskedLatents}, 1).repeat({batch, 1, 1, 1});

    std::vector<cv::Mat> images;
    for (int variation = 0; variation < settings.variations; ++variation) {
        // The noise comes from a CPU generator so a seed gives the same picture on any device.
        at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(settings.seed + static_cast<uint64_t>(variation));
        torch::Tensor latents = torch::randn({1, 4, height, width}, generator, torch::kFloat32).to(device);
        const std::unique_ptr<NoiseScheduler> scheduler = makeScheduler(sampler, settings.steps);
        const std::vector<int64_t>& timesteps = scheduler->timesteps();
        // All timesteps on the device at once: one copy instead of a small blocking one per step.
        // Nothing in the loop reads a device value back, so the host queues steps ahead of the GPU.
        const torch::Tensor timestepsOnDevice = torch::tensor(timesteps, torch::kInt64).to(device);
        for (size_t i = 0; i < timesteps.size(); ++i) {
            if (cancelled && cancelled()) throw Cancelled();
            const auto start = std::chrono::steady_clock::now();
            const torch::Tensor input = torch::cat({latents.repeat({batch, 1, 1, 1}), condition}, 1).to(dtype);
            const torch::Tensor timestep = timestepsOnDevice[static_cast<int64_t>(i)];
            torch::Tensor noise = models_.predictNoise(input, timestep, context).to(torch::kFloat32);
            if (guidance) {
                const std::vector<torch::Tensor> halves = noise.chunk(2);
                noise = halves[0] + settings.guidance * (halves[1] - halves[0]);
            }
            latents = scheduler->step(noise, i, latents);
            if (onStep) {
                PromptFillStep step;
                step.variation = variation;
                step.variations = settings.variations;
                step.step = static_cast<int>(i) + 1;
                step.steps = static_cast<int>(timesteps.size());
                // On the GPU this is the time to queue the step (the host runs ahead until the
                // queue is full), not a sync: per-step progress stays cheap.
                step.secondsThisStep = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                onStep(step);
            }
        }
        if (cancelled && cancelled()) throw Cancelled();
        images.push_back(image::tensorToBgr(models_.decodeLatents(latents.to(dtype)), kVaeLayout));
    }
    return images;
}

}  // namespace pm::engine::diffusion
