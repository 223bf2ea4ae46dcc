// The prompt fill's speed with the full-size SD-1.5 inpainting networks (UNet 9 channels, VAE,
// CLIP text encoder: the published configs) and random weights made on the device, no files.
//
// GPU: the whole request (text encode, VAE encode, the guided UNet steps, VAE decode, paste-back)
// through runPromptFill, as the app's engine runs it after its start-up warm-up: the warm-up's
// time, the first request after it, the steady median, then each stage timed alone with syncs, and
// the GPU memory: the CUDA context before any weight, the allocator's reserve and peaks (warm-up and
// requests apart: cuDNN's autotuning takes a passing workspace at the warm-up) and the card's use.
// CPU: one guided UNet step (batch 2) at --size, and what --steps would take; --full runs the whole
// request there too.
//
// The defaults are the app's: fp16, the UNet step from CUDA graphs sharing one memory pool, the VAE
// eager, the UNet NHWC and the VAE NCHW, SiLU and residual adds in place, the allocator's free blocks
// released after each request and before the VAE decode, and the warm-up of the engine's working-size
// buckets (640² and 512²) plus --size. --nchw, --vae-nhwc, --no-in-place, --own-graph-pools,
// --keep-cache, --keep-before-decode, --no-vae-bands (the VAE's full-resolution layers over the whole
// image, not in bands of rows), --warm-size-only, --no-graphs, --no-half and --no-warmup take one
// piece away each; --vae-graphs adds the VAE's graphs to the pool.
// GPU memory by stage (a separate, synchronised request after the timed ones, and the warm-up one
// bucket at a time): the card's use and the allocator's reserve after loading, after each bucket's
// warm-up (what each bucket's graphs keep), and at the peak of the text encode, the VAE encode, the
// denoising loop and the VAE decode, and after the request's release; printed as "memory_stages".
//
// usage: diffusion_bench [--device auto|cpu|cuda] [--size 512] [--steps 30] [--iters 10]
//                        [--scheduler ddim|dpm] [--no-half] [--no-graphs] [--nchw] [--own-graph-pools]
//                        [--vae-nhwc] [--[no-]vae-graphs] [--no-in-place] [--release|keep-before-decode]
//                        [--no-vae-bands] [--warm-size-only] [--keep-cache] [--no-warmup] [--full] [--label NAME]
// One JSON line per result, a table last.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include "core/engine/cuda_support.h"
#include "core/engine/diffusion/models/device_models.h"
#include "core/engine/diffusion/pipeline/clip_tokenizer.h"
#include "core/engine/diffusion/pipeline/prompt_fill.h"

using namespace pm::engine;
using namespace pm::engine::diffusion;
using Clock = std::chrono::steady_clock;

namespace {

struct Args {
    std::string device = "auto";
    int size = 512;
    int steps = 30;
    int iters = 10;
    std::string scheduler = "ddim";
    bool half = true, graphs = true, sharedPool = true, channelsLast = true, warmup = true, full = false;
    bool releaseCache = true;  ///< the allocator's free blocks go back after each request, as in the app
    bool warmAppBuckets = true;  ///< warm the engine's buckets as the app does, not --size only
    // The app's switches (DiffusionSpeedSwitches' defaults); the options below flip them.
    bool vaeChannelsLast = DiffusionSpeedSwitches{}.vaeChannelsLast, vaeGraphs = DiffusionSpeedSwitches{}.vaeGraphs,
         inPlace = DiffusionSpeedSwitches{}.inPlaceActivations,
         releaseBeforeDecode = DiffusionSpeedSwitches{}.releaseCacheBeforeDecode,
         vaeBands = DiffusionSpeedSwitches{}.vaeBands;
    std::string label;
};

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "diffusion_bench: %s\nusage: diffusion_bench [--device auto|cpu|cuda] [--size 512] [--steps 30] "
                 "[--iters 10] [--scheduler ddim|dpm] [--no-half] [--no-graphs] [--nchw] [--own-graph-pools] "
                 "[--vae-nhwc] [--[no-]vae-graphs] [--no-in-place] [--release|keep-before-decode] "
                 "[--no-vae-bands] [--warm-size-only] [--keep-cache] [--no-warmup] [--full] [--label NAME]\n",
                 why);
    std::exit(2);
}

Args parse(int argc, char** argv) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string k = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage(("missing value for " + k).c_str());
            return argv[++i];
        };
        if (k == "--device") a.device = value();
        else if (k == "--size") a.size = std::stoi(value());
        else if (k == "--steps") a.steps = std::stoi(value());
        else if (k == "--iters") a.iters = std::stoi(value());
        else if (k == "--scheduler") a.scheduler = value();
        else if (k == "--label") a.label = value();
        else if (k == "--no-half") a.half = false;
        else if (k == "--no-graphs") a.graphs = false;
        else if (k == "--channels-last") a.channelsLast = true;  // the default now; kept for old scripts
        else if (k == "--nchw") a.channelsLast = false;
        else if (k == "--own-graph-pools") a.sharedPool = false;
        else if (k == "--warm-size-only") a.warmAppBuckets = false;
        else if (k == "--keep-cache") a.releaseCache = false;
        else if (k == "--no-warmup") a.warmup = false;
        else if (k == "--vae-nhwc") a.vaeChannelsLast = true;
        else if (k == "--no-vae-graphs") a.vaeGraphs = false;
        else if (k == "--vae-graphs") a.vaeGraphs = true;
        else if (k == "--no-in-place") a.inPlace = false;
        else if (k == "--release-before-decode") a.releaseBeforeDecode = true;
        else if (k == "--keep-before-decode") a.releaseBeforeDecode = false;
        else if (k == "--no-vae-bands") a.vaeBands = false;
        else if (k == "--full") a.full = true;
        else usage(("unknown option " + k).c_str());
    }
    if (a.size < 64 || a.size % 64 || a.steps < 1 || a.iters < 1) usage("--size a multiple of 64, --steps and --iters >= 1");
    return a;
}

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Weights of a trained network's scale, so activations stay in fp16's range as real ones do:
// matrices and kernels N(0, 1/fan_in) scaled by 0.5, norms' gains 1, biases 0, embeddings N(0, 0.02).
void randomWeights(torch::nn::Module& module) {
    torch::NoGradGuard noGrad;
    for (const auto& item : module.named_parameters()) {
        torch::Tensor p = item.value();
        const std::string& name = item.key();
        if (p.dim() >= 2 && name.find("embedding") != std::string::npos)
            p.normal_(0.0, 0.02);
        else if (p.dim() >= 2)
            p.normal_(0.0, 0.5 / std::sqrt(static_cast<double>(p.numel() / p.size(0))));
        else if (name.find("norm") != std::string::npos && name.size() > 6 &&
                 name.compare(name.size() - 6, 6, "weight") == 0)
            p.fill_(1.0);
        else
            p.zero_();
    }
}

int64_t parameterBytes(torch::nn::Module& module) {
    int64_t bytes = 0;
    for (const auto& p : module.parameters()) bytes += p.numel() * p.element_size();
    return bytes;
}

// The card's memory in use (driver view: total - free), in MB.
double usedOnCardMb() {
    return (cuda::properties().totalMemoryBytes - cuda::freeMemoryBytes()) / 1048576.0;
}

// GPU memory at one point of the run: the card's use (driver view) and the allocator's reserve now,
// and their peaks since the allocator's peaks were last reset. The card at the peak is its use now
// less the reserve now plus the reserve at its peak (the context and the libraries' kernels do not
// move within a stage).
struct StageMemory {
    std::string stage;
    double cardPeakMb = 0, cardMb = 0, reservedMb = 0, reservedPeakMb = 0, allocatedPeakMb = 0;
};

StageMemory readStage(const std::string& stage) {
    cuda::synchronize();
    StageMemory m;
    m.stage = stage;
    m.reservedMb = cuda::reservedBytes() / 1048576.0;
    m.reservedPeakMb = cuda::peakReservedBytes() / 1048576.0;
    m.allocatedPeakMb = cuda::peakAllocatedBytes() / 1048576.0;
    m.cardMb = usedOnCardMb();
    m.cardPeakMb = m.cardMb - m.reservedMb + m.reservedPeakMb;
    return m;
}

// Stages in the order first seen; a stage seen again (the loop's steps) keeps its peaks' maximum.
class StageLog {
public:
    void add(const StageMemory& m) {
        for (StageMemory& s : stages_)
            if (s.stage == m.stage) {
                s.cardPeakMb = std::max(s.cardPeakMb, m.cardPeakMb);
                s.reservedPeakMb = std::max(s.reservedPeakMb, m.reservedPeakMb);
                s.allocatedPeakMb = std::max(s.allocatedPeakMb, m.allocatedPeakMb);
                s.cardMb = m.cardMb;
                s.reservedMb = m.reservedMb;
                return;
            }
        stages_.push_back(m);
    }
    const std::vector<StageMemory>& stages() const { return stages_; }

private:
    std::vector<StageMemory> stages_;
};

// The models with each call synchronised and its memory logged as a stage of the request (slower:
// only for the one request that measures memory, never for the timed ones).
class ProbedModels final : public DiffusionModels {
public:
    ProbedModels(DiffusionModels& inner, StageLog& log) : inner_(inner), log_(log) {}
    torch::Tensor encodeText(const torch::Tensor& ids) override {
        return probe("text encode", [&] { return inner_.encodeText(ids); });
    }
    torch::Tensor predictNoise(const torch::Tensor& input, const torch::Tensor& timestep,
                               const torch::Tensor& context) override {
        return probe("denoise loop (UNet steps)", [&] { return inner_.predictNoise(input, timestep, context); });
    }
    torch::Tensor encodeImage(const torch::Tensor& image) override {
        return probe("VAE encode", [&] { return inner_.encodeImage(image); });
    }
    torch::Tensor decodeLatents(const torch::Tensor& latents) override {
        return probe("VAE decode", [&] { return inner_.decodeLatents(latents); });
    }
    void requestDone() override {
        inner_.requestDone();
        cuda::resetPeakAllocated();
        log_.add(readStage("after the request's release"));
    }
    double scalingFactor() const override { return inner_.scalingFactor(); }
    int maxTokens() const override { return inner_.maxTokens(); }
    int64_t textVocabularySize() const override { return inner_.textVocabularySize(); }
    torch::Device device() const override { return inner_.device(); }
    torch::Dtype dtype() const override { return inner_.dtype(); }

private:
    torch::Tensor probe(const char* stage, const std::function<torch::Tensor()>& call) {
        cuda::synchronize();
        cuda::resetPeakAllocated();
        torch::Tensor out = call();
        log_.add(readStage(stage));
        return out;
    }
    DiffusionModels& inner_;
    StageLog& log_;
};

void sync(bool cuda) {
    if (cuda) cuda::synchronize();
}

// `body` once for warming, then `iters` times; the median in ms, each run ended by a device sync.
double timeMedian(bool cuda, int iters, const std::function<void()>& body) {
    body();
    sync(cuda);
    std::vector<double> times;
    for (int i = 0; i < iters; ++i) {
        const auto start = Clock::now();
        body();
        sync(cuda);
        times.push_back(ms(Clock::now() - start));
    }
    return median(times);
}

// A photo of the working size with smooth colours and a centred mask over a quarter of it.
PromptFillRequest makeRequest(const Args& a) {
    PromptFillRequest request;
    cv::Mat small(4, 4, CV_8UC3);
    cv::randu(small, cv::Scalar::all(30), cv::Scalar::all(220));
    cv::resize(small, request.bgr, cv::Size(a.size, a.size), 0, 0, cv::INTER_CUBIC);
    request.mask = cv::Mat::zeros(request.bgr.size(), CV_8UC1);
    request.mask(cv::Rect(a.size / 4, a.size / 4, a.size / 2, a.size / 2)).setTo(255);
    request.settings.prompt = "a photo of a cat";
    request.settings.steps = a.steps;
    request.settings.scheduler = a.scheduler;
    request.settings.workingShortSide = a.size;  // the work crop is the whole photo at this size
    return request;
}

}  // namespace

int main(int argc, char** argv) {
    const Args a = parse(argc, argv);
    // Every core, as the app's libtorch module sets it (a model on the CPU is compute-bound).
    at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    const bool cuda = a.device == "cuda" || (a.device == "auto" && cuda::available());
    if (cuda && !cuda::available()) {
        std::fprintf(stderr, "diffusion_bench: --device cuda, but libtorch sees no GPU\n");
        return 1;
    }
    DiffusionSpeedSwitches switches;
    switches.half = a.half;
    switches.cudaGraphs = a.graphs;
    switches.sharedGraphPool = a.sharedPool;
    switches.releaseCache = a.releaseCache;
    switches.channelsLast = a.channelsLast;
    switches.vaeChannelsLast = a.vaeChannelsLast;
    switches.vaeGraphs = a.vaeGraphs;
    switches.inPlaceActivations = a.inPlace;
    switches.releaseCacheBeforeDecode = a.releaseBeforeDecode;
    switches.vaeBands = a.vaeBands;
    const DiffusionLoadOptions options = diffusionLoadOptions(cuda, switches);
    const std::string precision = options.dtype == torch::kHalf ? "fp16" : "fp32";
    // Allocator or cuDNN settings from the environment (the script's variants) make a run that is not
    // the app's, whatever its switches.
    std::string environment;
    for (const char* name : {"PYTORCH_CUDA_ALLOC_CONF", "PYTORCH_ALLOC_CONF", "CUDNN_CONV_WSCAP_DBG"})
        if (const char* value = std::getenv(name); value && *value)
            environment += std::string(environment.empty() ? "" : " ") + name + "=" + value;
    const std::string label =
        !a.label.empty() ? a.label
                         : (cuda ? "cuda-" + precision + (options.cudaGraphs ? "-graphs" : "") +
                                       (options.channelsLast ? "-nhwc" : "") +
                                       (options.cudaGraphs && !options.sharedGraphPool ? "-ownpools" : "") +
                                       (options.channelsLast && options.vaeChannelsLast ? "-vaenhwc" : "") +
                                       (options.cudaGraphs && options.sharedGraphPool && options.vaeGraphs ? "-vaegraphs" : "") +
                                       (options.inPlaceActivations ? "" : "-noinplace") +
                                       (options.releaseCacheBeforeDecode ? "" : "-keepdecode") +
                                       (options.vaeBands ? "" : "-novaebands") +
                                       (a.warmup && !a.warmAppBuckets ? "-warmsize" : "") +
                                       (a.releaseCache ? "" : "-keepcache")
                                 : std::string("cpu-fp32") + (options.vaeBands ? "" : "-novaebands"));
    // The app's way on a GPU, the row the targets are checked on (bench/diffusion/table.py).
    const DiffusionLoadOptions appOptions = diffusionLoadOptions(cuda);
    const bool appDefault = cuda && environment.empty() && a.warmup && a.warmAppBuckets && options.dtype == appOptions.dtype &&
                            options.cudaGraphs == appOptions.cudaGraphs &&
                            options.sharedGraphPool == appOptions.sharedGraphPool &&
                            options.releaseCacheAfterRequest == appOptions.releaseCacheAfterRequest &&
                            options.channelsLast == appOptions.channelsLast &&
                            options.vaeChannelsLast == appOptions.vaeChannelsLast &&
                            options.vaeGraphs == appOptions.vaeGraphs &&
                            options.inPlaceActivations == appOptions.inPlaceActivations &&
                            options.releaseCacheBeforeDecode == appOptions.releaseCacheBeforeDecode &&
                            options.vaeBands == appOptions.vaeBands;
    const std::string deviceName = cuda ? cuda::properties().name : "CPU, " + std::to_string(at::get_num_threads()) + " threads";
    torch::manual_seed(1);
    // The CUDA context (and the allocator's first 2 MB block, which starting it takes) before any
    // weight: what no model setting cuts. cuDNN's and cuBLAS's kernels come later, at first use.
    if (cuda) cuda::reservedBytes();
    const double contextMb = cuda ? usedOnCardMb() : 0.0;

    // The networks of the published configs, made on the device in its dtype.
    const auto build = Clock::now();
    const auto tensorOptions = torch::TensorOptions().device(options.device).dtype(options.dtype);
    auto text = std::make_shared<ClipTextModel>(ClipTextConfig{}, tensorOptions);
    auto unet = std::make_shared<UNet>(UNetConfig{}, tensorOptions);
    auto vae = std::make_shared<Vae>(VaeConfig{}, tensorOptions);
    randomWeights(*text);
    randomWeights(*unet);
    randomWeights(*vae);
    const double weightsMb = (parameterBytes(*text) + parameterBytes(*unet) + parameterBytes(*vae)) / 1048576.0;
    std::unique_ptr<DiffusionModels> models = makeDiffusionModels(text, unet, vae, options);
    sync(cuda);
    const double buildMs = ms(Clock::now() - build);
    StageLog memoryLog;  // GPU memory by stage (see the top)
    if (cuda) memoryLog.add(readStage("after load (weights)"));
    const ClipTokenizer tokenizer = ClipTokenizer::fromFolder(PM_CLIP_SUBSET_DIR);
    std::printf("{\"what\":\"setup\",\"impl\":\"%s\",\"device\":\"%s\",\"weights_mb\":%.0f,\"build_ms\":%.0f}\n",
                label.c_str(), deviceName.c_str(), weightsMb, buildMs);
    std::fflush(stdout);

    torch::NoGradGuard noGrad;
    const int64_t latent = a.size / 8;
    const torch::Tensor ids = torch::tensor(tokenizer.encodePadded("a photo of a cat", models->maxTokens()))
                                  .view({1, -1});
    const torch::Tensor context = torch::cat({models->encodeText(ids), models->encodeText(ids)}).to(options.dtype);
    const torch::Tensor unetInput = torch::randn({2, 9, latent, latent}).to(options.device, options.dtype);
    const torch::Tensor timestep = torch::tensor(int64_t{501}).to(options.device);

    std::map<std::string, double> row;  // for the table
    if (!cuda && !a.full) {
        // The CPU: one guided step, then what the request's steps would take (the UNet dominates).
        const int iters = std::min(a.iters, 3);
        const double step = timeMedian(false, iters, [&] { models->predictNoise(unetInput, timestep, context); });
        // The VAE's encode and decode of one image (--no-vae-bands: not in bands); the decode's mean
        // |value| to 9 digits, so two runs' pictures can be compared (the same seed, the same weights).
        const torch::Tensor image = torch::rand({1, 3, a.size, a.size}) * 2 - 1;
        torch::Tensor latents, decoded;
        const double encode = timeMedian(false, iters, [&] { latents = models->encodeImage(image); });
        const double decode = timeMedian(false, iters, [&] { decoded = models->decodeLatents(latents); });
        const double decodedMeanAbs = decoded.abs().mean().item<double>();
        std::printf("{\"what\":\"unet_step\",\"impl\":\"%s\",\"device\":\"%s\",\"size\":%d,\"batch\":2,\"step_ms\":%.1f,"
                    "\"iters\":%d,\"estimate_%d_steps_s\":%.1f,\"vae_encode_ms\":%.1f,\"vae_decode_ms\":%.1f,"
                    "\"decoded_mean_abs\":%.9f}\n",
                    label.c_str(), deviceName.c_str(), a.size, step, iters, a.steps, step * a.steps / 1000.0, encode,
                    decode, decodedMeanAbs);
        std::printf("\n== %s, %s, %d² ==\nUNet step (batch 2, CFG): %.0f ms; %d steps ≈ %.0f s plus the VAE "
                    "(encode %.0f ms, decode %.0f ms)\n",
                    label.c_str(), deviceName.c_str(), a.size, step, a.steps, step * a.steps / 1000.0, encode, decode);
        return 0;
    }

    // The request as the engine runs it: warm-up at start (the engine's preparePromptFill), then requests.
    const PromptFillRequest request = makeRequest(a);
    if (cuda) cuda::resetPeakAllocated();
    double warmupMs = 0;
    // The engine warms its buckets on a GPU only (a CPU loads at the first fill and warms nothing).
    std::vector<cv::Size> buckets = a.warmAppBuckets && cuda ? promptFillBuckets() : std::vector<cv::Size>{};
    if (std::find(buckets.begin(), buckets.end(), cv::Size(a.size, a.size)) == buckets.end())
        buckets.push_back(cv::Size(a.size, a.size));
    double warmupPeakMb = 0;
    if (a.warmup) {
        // One bucket at a time, so the memory each one's graphs keep shows (the app warms them in
        // one call: the same captures in the same order, its cache released once at the end).
        double warmupAllocatedPeak = 0;
        const auto start = Clock::now();
        for (const cv::Size& bucket : buckets) {
            warmUpPromptFill(*models, tokenizer, false, {bucket});
            sync(cuda);
            if (!cuda) continue;
            const StageMemory m = readStage("after warm-up " + std::to_string(bucket.width) + "x" +
                                            std::to_string(bucket.height) + " (peak: during it)");
            warmupAllocatedPeak = std::max(warmupAllocatedPeak, m.allocatedPeakMb);
            memoryLog.add(m);
            cuda::resetPeakAllocated();
        }
        warmupMs = ms(Clock::now() - start);
        warmupPeakMb = warmupAllocatedPeak;
    }
    const double warmupReservedMb = cuda ? cuda::reservedBytes() / 1048576.0 : 0.0;
    if (cuda) cuda::resetPeakAllocated();  // the requests' own peaks from here
    std::vector<double> runs;
    const int requests = cuda ? a.iters + 1 : std::min(a.iters, 2);
    for (int i = 0; i < requests; ++i) {
        const auto start = Clock::now();
        const PromptFillResult result = runPromptFill(*models, tokenizer, false, request, nullptr);
        sync(cuda);
        runs.push_back(ms(Clock::now() - start));
        if (result.images.size() != 1 || result.images[0].size() != request.bgr.size()) {
            std::fprintf(stderr, "diffusion_bench: the fill returned no picture of the photo's size\n");
            return 1;
        }
    }
    const double first = runs.front();
    const double steady = median(std::vector<double>(runs.begin() + (runs.size() > 1 ? 1 : 0), runs.end()));
    const double requestPeakMb = cuda ? cuda::peakAllocatedBytes() / 1048576.0 : 0.0;
    const double peakMb = std::max(warmupPeakMb, requestPeakMb);
    const double reservedMb = cuda ? cuda::reservedBytes() / 1048576.0 : 0.0;
    const double requestReservedPeakMb = cuda ? cuda::peakReservedBytes() / 1048576.0 : 0.0;
    // What the card has in use (driver view): the allocator's reserve (tensors, its cached blocks,
    // the CUDA graphs' pools, cuBLAS's workspace) plus the CUDA context and the libraries' kernels.
    const double deviceUsedMb = cuda ? usedOnCardMb() : 0.0;
    // The most the card held during a request: the same context and kernels, the reserve at its peak.
    const double deviceUsedPeakMb = cuda ? deviceUsedMb - reservedMb + requestReservedPeakMb : 0.0;
    const int64_t replayed = replayedGraphSteps(*models);
    std::printf("{\"what\":\"end_to_end\",\"impl\":\"%s\",\"device\":\"%s\",\"size\":%d,\"steps\":%d,\"scheduler\":\"%s\","
                "\"warmup_ms\":%.1f,\"first_ms\":%.1f,\"median_ms\":%.1f,\"first_over_steady\":%.3f,\"requests\":%d,"
                "\"peak_mb\":%.0f,\"device_used_mb\":%.0f,\"weights_mb\":%.0f,\"graph_steps\":%lld,"
                "\"app_default\":%s,\"warmed\":%zu,\"context_mb\":%.0f,\"warmup_peak_mb\":%.0f,"
                "\"warmup_reserved_mb\":%.0f,\"request_peak_mb\":%.0f,\"reserved_mb\":%.0f,"
                "\"request_reserved_peak_mb\":%.0f,\"device_used_peak_mb\":%.0f}\n",
                label.c_str(), deviceName.c_str(), a.size, a.steps, a.scheduler.c_str(), warmupMs, first, steady,
                first / steady, requests, peakMb, deviceUsedMb, weightsMb, static_cast<long long>(replayed),
                appDefault ? "true" : "false", a.warmup ? buckets.size() : size_t{0}, contextMb, warmupPeakMb,
                warmupReservedMb, requestPeakMb, reservedMb, requestReservedPeakMb, deviceUsedPeakMb);
    std::fflush(stdout);

    // GPU memory by stage: one more request, each call synchronised and logged.
    if (cuda) {
        ProbedModels probed(*models, memoryLog);
        runPromptFill(probed, tokenizer, false, request, nullptr);
        const std::vector<StageMemory>& stages = memoryLog.stages();
        const auto peak = std::max_element(stages.begin(), stages.end(), [](const StageMemory& x, const StageMemory& y) {
            return x.cardPeakMb < y.cardPeakMb;
        });
        std::printf("{\"what\":\"memory_stages\",\"impl\":\"%s\",\"device\":\"%s\",\"size\":%d,\"vae_graph_replays\":%lld,"
                    "\"peak_stage\":\"%s\",\"stages\":[",
                    label.c_str(), deviceName.c_str(), a.size, static_cast<long long>(replayedVaeGraphs(*models)),
                    peak->stage.c_str());
        for (size_t i = 0; i < stages.size(); ++i)
            std::printf("%s{\"stage\":\"%s\",\"card_peak_mb\":%.0f,\"card_mb\":%.0f,\"reserved_mb\":%.0f,"
                        "\"reserved_peak_mb\":%.0f,\"allocated_peak_mb\":%.0f}",
                        i ? "," : "", stages[i].stage.c_str(), stages[i].cardPeakMb, stages[i].cardMb,
                        stages[i].reservedMb, stages[i].reservedPeakMb, stages[i].allocatedPeakMb);
        std::printf("]}\n");
        std::printf("\n== GPU memory by stage, %s (MB; card = driver view, reserve = the allocator's) ==\n",
                    label.c_str());
        std::printf("%-44s %10s %10s %10s %12s %14s\n", "stage", "card peak", "card after", "reserve",
                    "reserve peak", "tensors peak");
        for (const StageMemory& m : stages)
            std::printf("%-44s %10.0f %10.0f %10.0f %12.0f %14.0f\n", m.stage.c_str(), m.cardPeakMb, m.cardMb,
                        m.reservedMb, m.reservedPeakMb, m.allocatedPeakMb);
        std::printf("peak at: %s; VAE calls replayed from graphs: %lld\n\n", peak->stage.c_str(),
                    static_cast<long long>(replayedVaeGraphs(*models)));
        std::fflush(stdout);
    }

    // Each stage alone, synchronised (the request itself never waits between stages), with cuDNN's
    // choices of the request (the pipeline autotunes on the GPU).
    if (cuda) at::globalContext().setBenchmarkCuDNN(true);
    const torch::Tensor image = (torch::rand({1, 3, a.size, a.size}) * 2 - 1).to(options.device, options.dtype);
    torch::Tensor latents;
    const int iters = cuda ? a.iters : 1;
    row["text"] = timeMedian(cuda, iters, [&] { models->encodeText(ids); });
    row["vae_enc"] = timeMedian(cuda, iters, [&] { latents = models->encodeImage(image); });
    row["unet_step"] = timeMedian(cuda, iters, [&] { models->predictNoise(unetInput, timestep, context); });
    row["vae_dec"] = timeMedian(cuda, iters, [&] { models->decodeLatents(latents); });
    std::printf("{\"what\":\"stages\",\"impl\":\"%s\",\"device\":\"%s\",\"size\":%d,\"text_ms\":%.2f,\"vae_encode_ms\":%.2f,"
                "\"unet_step_ms\":%.2f,\"vae_decode_ms\":%.2f,\"unet_steps_ms\":%.1f}\n",
                label.c_str(), deviceName.c_str(), a.size, row["text"], row["vae_enc"], row["unet_step"], row["vae_dec"],
                row["unet_step"] * a.steps);

    std::printf("\n== prompt fill, %s on %s, %d², %d steps (%s), CFG batch 2 ==\n", label.c_str(), deviceName.c_str(),
                a.size, a.steps, a.scheduler.c_str());
    std::printf("%-28s %10s\n", "", "ms");
    std::printf("%-28s %10.1f\n", "warm-up at start", warmupMs);
    std::printf("%-28s %10.1f\n", "first request", first);
    std::printf("%-28s %10.1f\n", "steady median", steady);
    std::printf("%-28s %10.2fx\n", "first / steady", first / steady);
    std::printf("%-28s %10.2f\n", "text encode (1 prompt)", row["text"]);
    std::printf("%-28s %10.2f\n", "VAE encode", row["vae_enc"]);
    std::printf("%-28s %10.2f\n", "UNet step", row["unet_step"]);
    std::printf("%-28s %10.2f\n", "VAE decode", row["vae_dec"]);
    if (cuda) {
        std::printf("%-28s %10.0f MB (weights %.0f MB)\n", "peak GPU memory (tensors)", peakMb, weightsMb);
        std::printf("%-28s %10.0f MB\n", "  during the warm-up", warmupPeakMb);
        std::printf("%-28s %10.0f MB\n", "  during the requests", requestPeakMb);
        std::printf("%-28s %10.0f MB\n", "CUDA context at start", contextMb);
        std::printf("%-28s %10.0f MB (peak in a request %.0f MB)\n", "allocator reserve", reservedMb,
                    requestReservedPeakMb);
        std::printf("%-28s %10.0f MB (peak in a request %.0f MB)\n", "GPU memory in use (driver)", deviceUsedMb,
                    deviceUsedPeakMb);
        std::printf("%-28s %10zu\n", "working sizes warmed", a.warmup ? buckets.size() : size_t{0});
    }
    std::printf("%-28s %10lld\n", "UNet steps from CUDA graphs", static_cast<long long>(replayed));
    return 0;
}
