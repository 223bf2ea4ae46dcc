#include "core/engine/runtime/torch_session.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/engine/runtime/contract_check.h"
#include "core/engine/runtime/cpu_preparation.h"
#include "core/engine/cuda_support.h"
#include "core/engine/fault_injection.h"
#include "core/engine/runtime/gpu_preparation.h"
#include "core/engine/runtime/phase_trace.h"
#include "core/engine/runtime/request_geometry.h"
#include "core/engine/runtime/tiled_inpaint.h"
#include "core/engine/runtime/torch_errors.h"

namespace pm::engine {
namespace {

class FlagScope {
public:
    explicit FlagScope(bool& flag) : flag_(flag), previous_(flag) { flag_ = true; }
    ~FlagScope() { flag_ = previous_; }

private:
    bool& flag_;
    bool previous_;
};

}  // namespace

TorchSession::TorchSession(ModelEntry entry, std::string path, torch::jit::Module module,
                           DeviceInfo device, SessionOptions options, bool checksumVerified,
                           WarmStart warm)
    : entry_(std::move(entry)),
      path_(std::move(path)),
      fileName_(std::filesystem::path(path_).filename().string()),
      module_(std::move(module)),
      device_(std::move(device)),
      options_(options),
      warm_(std::move(warm)),
      torchDevice_(device_.cuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU)) {
    module_.eval();
    PhaseTrace trace(options_.trace, "load " + fileName_);
    if (device_.cuda) {
        // NCHW by default: measured on the big-LaMa architecture at 1024² (H100), channels_last
        // made the network 1.5x slower, because its reflection pads, channel slices, concatenations
        // and FFTs each convert back to NCHW and cuDNN's NHWC batch norm is slow.
        channelsLast_ = options_.gpu.channelsLast;
        cudnnBenchmark_ = options_.gpu.cudnnBenchmark;
        graphs_.setReuseOutputs(options_.gpu.reuseOutputs);
        graphs_.setPinnedOutputs(options_.gpu.pinnedOutputs);
        cuda::limitCudnnAutotuning(options_.gpu.cudnnLimit);
        // The cached module is what prepareForGpu made from this file last time.
        GpuModule gpu = warm_.fromCache
                            ? preparedFromCache(std::move(module_), options_, trace)
                            : prepareForGpu(std::move(module_), entry_.contract.halfSafe, options_,
                                            torchDevice_, trace);
        module_ = std::move(gpu.module);
        reference_ = std::move(gpu.reference);
        frozen_ = gpu.frozen;
        half_ = gpu.half;
        halfWeights_ = gpu.halfWeights;
        if (!gpu.note.empty()) setNote(gpu.note);
    } else {
        if (std::string note = prepareForCpu(module_); !note.empty()) setNote(note);
        trace.mark("CPU graph rewrite");
    }
    stats_.half = half_;
    stats_.checksumVerified = checksumVerified;
    stats_.precisionNote =
        device_.cuda ? (half_ ? "fp16 (FFT in fp32)" : "fp32") : "fp32 on the CPU";
}

std::vector<torch::Tensor> TorchSession::sampleInputs(int rows, int cols, uint64_t seed) const {
    auto generator = at::detail::createCPUGenerator(seed);
    auto image = torch::rand({1, 3, rows, cols}, generator, torch::kFloat32);
    if (entry_.contract.range == image::ValueRange::MinusOneOne) image = image.mul(2.0).sub(1.0);
    image = image.to(torchDevice_);
    if (channelsLast_) image = image.contiguous(at::MemoryFormat::ChannelsLast);
    std::vector<torch::Tensor> inputs{image};
    if (entry_.contract.kind == ModelKind::Inpaint) {
        auto mask = torch::zeros({1, 1, rows, cols}, torch::kFloat32);
        mask.slice(2, rows / 4, rows - rows / 4).slice(3, cols / 4, cols - cols / 4).fill_(1.0);
        inputs.push_back(mask.to(torchDevice_));
    }
    return inputs;
}

torch::Tensor TorchSession::forwardEager(const std::vector<torch::Tensor>& inputs, bool half) {
    torch::NoGradGuard noGrad;
    // half: the serving module in fp16 (fp16 weights, or fp32 weights under autocast);
    // otherwise fp32, through the reference module when the serving one holds fp16 weights.
    const bool weights = half && halfWeights_;
    cuda::AutocastScope autocast(half && device_.cuda && !halfWeights_);
    std::vector<c10::IValue> args;
    for (const auto& input : inputs) args.emplace_back(weights ? input.to(torch::kHalf) : input);
    auto& module = half || !reference_ ? module_ : *reference_;
    // On the GPU, TorchScript's own graph passes cost a quarter second on the first call of a
    // frozen graph and bought nothing measurable (big-LaMa, H200: 19.69 vs 19.71 ms at 1024²);
    // CUDA graph replay skips the interpreter anyway. The CPU keeps them.
    c10::optional<torch::jit::GraphOptimizerEnabledGuard> noJitPasses;
    if (device_.cuda && !options_.gpu.jitOptimize) noJitPasses.emplace(false);
    auto result = module.forward(args);
    if (!result.isTensor())
        throw Error(fileName_ + ": wrong contract: expected a tensor output, got " +
                    std::string(result.tagKind()));
    return result.toTensor();
}

torch::Tensor TorchSession::run(const std::vector<torch::Tensor>& inputs, bool warmup) {
    const std::pair<int64_t, int64_t> shape{inputs[0].size(2), inputs[0].size(3)};
    const auto& buckets = entry_.contract.buckets;
    const bool bucket = shape.first == shape.second &&
                        std::find(buckets.begin(), buckets.end(), shape.first) != buckets.end();
    // cuDNN autotuning pays off only on shapes that come back: the warmed buckets.
    cuda::autotuneCudnn(device_.cuda && bucket && cudnnBenchmark_);
    torch::Tensor output = forwardEager(inputs, half_);
    recordCall(shape, warmup);
    return output;
}

void TorchSession::recordCall(const std::pair<int64_t, int64_t>& shape, bool warmup) {
    const bool cold = seenShapes_.insert(shape).second;
    std::lock_guard<std::mutex> lock(statsMutex_);
    ++stats_.calls;
    if (warmup || inWarmUp_) ++stats_.warmupCalls;
    if (cold) ++stats_.coldCalls;
}

torch::Tensor TorchSession::requestOnDevice(const torch::Tensor& pixels,
                                            const torch::Tensor& holes) {
    // Inputs come out of the conversion in the serving module's dtype (forwardEager's cast is
    // then a no-op): one pass fewer per input in every replay.
    const auto dtype = half_ && halfWeights_ ? torch::kHalf : torch::kFloat32;
    std::vector<torch::Tensor> inputs{
        image::bgrBytesToModel(pixels, entry_.contract.layout(), dtype)};
    if (channelsLast_) inputs[0] = inputs[0].contiguous(at::MemoryFormat::ChannelsLast);
    if (holes.defined()) inputs.push_back(image::maskBytesToModel(holes, dtype));
    return image::modelToBgrBytes(forwardEager(inputs, half_), entry_.contract.layout());
}

cv::Mat TorchSession::replay(const cv::Mat& image, const cv::Mat* holes) {
    cv::Mat replayed = graphs_.replay(image, holes);
    if (!replayed.empty()) recordCall({image.rows, image.cols}, false);
    return replayed;
}

void TorchSession::verifyContract() {
    FlagScope warm(inWarmUp_);
    PhaseTrace trace(options_.trace, "load " + fileName_);
    const auto& c = entry_.contract;
    const int side = checkSide(c);
    const std::string call =
        c.kind == ModelKind::Inpaint ? "forward(image, mask)" : "forward(image)";
    torch::Tensor out;
    try {
        try {
            out = run(sampleInputs(side, side, 1), true);
        } catch (const Error&) {
            throw;
        } catch (const std::exception& e) {
            // The fp16 rewrite may not fit an unusual graph; the fp32 module still serves.
            if (!halfWeights_ || !reference_ || cuda::isOutOfMemory(e)) throw;
            useFloat("fp32 (the fp16 copy failed: " + errorText(e) + ")");
            seenShapes_.clear();
            out = run(sampleInputs(side, side, 1), true);
        }
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        if (device_.cuda && cuda::isOutOfMemory(e)) throw;
        throw Error(fileName_ + ": wrong contract: expected " + call + " to run on [1, 3, " +
                    std::to_string(side) + ", " + std::to_string(side) +
                    "] input, got an error: " + errorText(e));
    }
    checkContractOutput(out, side, c, fileName_);
    trace.mark("contract check");
}

cv::Mat TorchSession::runOnce(const cv::Mat& bgr, const cv::Mat* mask) {
    const int rows = bgr.rows, cols = bgr.cols;
    const auto [ph, pw] = paddedSize(entry_.contract, rows, cols, device_.cuda);
    const bool fixed = entry_.contract.fixedSize > 0;
    cv::Mat image = bgr, holes = mask ? *mask : cv::Mat();
    if (fixed) {
        // Area when shrinking, cubic when growing; a mask stays binary.
        cv::resize(bgr, image, cv::Size(pw, ph), 0, 0,
                   rows > ph ? cv::INTER_AREA : cv::INTER_CUBIC);
        if (mask) cv::resize(*mask, holes, cv::Size(pw, ph), 0, 0, cv::INTER_NEAREST);
    } else if (ph != rows || pw != cols) {
        // Mirrored context keeps the model from seeing an artificial edge next to the hole.
        cv::copyMakeBorder(bgr, image, 0, ph - rows, 0, pw - cols, cv::BORDER_REFLECT);
        if (mask)
            cv::copyMakeBorder(*mask, holes, 0, ph - rows, 0, pw - cols, cv::BORDER_CONSTANT, 0);
    }
    const cv::Mat* modelHoles = mask ? &holes : nullptr;
    const bool shrinkBack = rows < ph;  // the way back from a fixed size to the caller's
    PhaseTrace trace(options_.trace, std::string(mask ? "inpaint " : "image to image ") +
                                         std::to_string(pw) + "x" + std::to_string(ph));
    if (cv::Mat replayed = replay(image, modelHoles); !replayed.empty()) {
        trace.mark("pixels in, graph, pixels out");
        return finishRequest(replayed, bgr.size(), fixed, shrinkBack);
    }
    std::vector<torch::Tensor> inputs{image::bgrToTensor(image, entry_.contract.layout(), torchDevice_)};
    if (channelsLast_) inputs[0] = inputs[0].contiguous(at::MemoryFormat::ChannelsLast);
    if (modelHoles) inputs.push_back(image::maskToTensor(holes, torchDevice_));
    trace.mark("pixels to tensors");
    auto out = run(inputs, false);
    trace.mark("network");
    if (out.dim() != 4 || out.size(2) != ph || out.size(3) != pw)
        throw Error(fileName_ + ": wrong contract: expected output [1, 3, " + std::to_string(ph) +
                    ", " + std::to_string(pw) + "], got " + std::string(c10::str(out.sizes())));
    if (fixed) {
        cv::Mat result;
        cv::resize(image::tensorToBgr(out, entry_.contract.layout()), result, bgr.size(), 0, 0,
                   shrinkBack ? cv::INTER_AREA : cv::INTER_CUBIC);
        return result;
    }
    cv::Mat result = image::tensorToBgr(out.slice(2, 0, rows).slice(3, 0, cols), entry_.contract.layout());
    trace.mark("tensor to pixels");
    return result;
}

void TorchSession::setNote(const std::string& note) {
    std::lock_guard<std::mutex> lock(statsMutex_);
    stats_.fallbackNote = note;
}

void TorchSession::moveToCpu(const std::string& why) {
    graphs_.clear();
    seenShapes_.clear();
    // The GPU module may be frozen, rewritten or in fp16: the CPU gets the file as it is.
    reference_.reset();
    halfWeights_ = false;
    module_ = torch::jit::load(path_, torch::Device(torch::kCPU));
    module_.eval();
    if (std::string note = prepareForCpu(module_); !note.empty()) setNote(note);
    cuda::emptyCache();
    const std::string gpu = device_.name;
    device_ = selectDevice(DevicePreference::Cpu);
    device_.reason = why + " on " + gpu + "; using the CPU";
    torchDevice_ = torch::Device(torch::kCPU);
    half_ = false;
    std::lock_guard<std::mutex> lock(statsMutex_);
    stats_.half = false;
    stats_.cudaGraphs = false;
    stats_.precisionNote = "fp32 on the CPU";
    stats_.fallbackNote = device_.reason;
}

cv::Mat TorchSession::inpaint(const cv::Mat& bgr, const cv::Mat& mask) {
    if (entry_.contract.kind != ModelKind::Inpaint)
        throw Error(entry_.name + " is an image-to-image model; it cannot fill a mask");
    if (bgr.empty() || bgr.type() != CV_8UC3 || mask.type() != CV_8UC1 || mask.size() != bgr.size())
        throw Error("inpainting needs an 8-bit BGR image and an 8-bit mask of the same size");
    return serve(bgr, &mask);
}

cv::Mat TorchSession::imageToImage(const cv::Mat& bgr) {
    if (entry_.contract.kind != ModelKind::ImageToImage)
        throw Error(entry_.name + " is an inpainting model; it needs a mask");
    if (bgr.empty() || bgr.type() != CV_8UC3) throw Error("the model needs an 8-bit BGR image");
    return serve(bgr, nullptr);
}

namespace {

// An out-of-memory error that a retry in tiles may cure: the GPU's, or one injected for tests on any
// device (fault_injection.h).
bool retryableOutOfMemory(const std::exception& error, bool onGpu) {
    return (onGpu || outOfMemoryInjected()) && cuda::isOutOfMemory(error);
}

}  // namespace

cv::Mat TorchSession::serve(const cv::Mat& bgr, const cv::Mat* mask) {
    try {
        if (takeInjectedOutOfMemory())
            TORCH_CHECK_WITH(OutOfMemoryError, false,
                             "CUDA out of memory. Tried to allocate 2.00 GiB (injected for a test)");
        return runOnce(bgr, mask);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        if (!retryableOutOfMemory(e, device_.cuda))
            throw Error(fileName_ + ": inference failed (" + errorText(e) + ")");
    }
    if (mask) {
        // A fill can run in tiles; a whole-image model needs the whole image at once.
        cuda::emptyCache();
        try {
            cv::Mat result = inpaintInTiles(bgr, *mask, entry_.contract.sizeMultiple,
                                            [this](const cv::Mat& tile, const cv::Mat& holes) {
                                                return runOnce(tile, &holes);
                                            });
            std::lock_guard<std::mutex> lock(statsMutex_);
            ++stats_.tiledCalls;
            stats_.fallbackNote = "the GPU ran out of memory: the request ran in tiles";
            return result;
        } catch (const Error&) {
            throw;
        } catch (const std::exception& e) {
            if (!retryableOutOfMemory(e, device_.cuda))
                throw Error(fileName_ + ": inference failed (" + errorText(e) + ")");
        }
    }
    if (!device_.cuda) throw Error(fileName_ + ": out of memory, even in tiles");
    moveToCpu("out of GPU memory");
    return runOnce(bgr, mask);
}

void TorchSession::saveWarmCache() {
    if (warm_.fromCache || !warm_.entry || !frozen_ || !halfWeights_ || !half_) return;
    const double error = stats().halfRelativeError;
    if (error < 0) return;
    PhaseTrace trace(options_.trace, "warm-up cache " + fileName_);
    saveToWarmCache(module_, *warm_.entry, error);
    trace.mark("saved");
}

void TorchSession::measureHalfError() {
    if (warm_.fromCache) {
        std::lock_guard<std::mutex> lock(statsMutex_);
        stats_.halfRelativeError = warm_.halfError;
        reference_.reset();
        return;
    }
    // At the contract check's size, whose fp16 kernels are loaded already: the fp32 reference is
    // then the only cold call.
    const int side = checkSide(entry_.contract);
    const auto inputs = sampleInputs(side, side, 3);
    cuda::autotuneCudnn(false);  // a shape that never comes back
    PhaseTrace trace(options_.trace, "fp16 check " + fileName_);
    torch::Tensor reference;
    {
        // The fp32 module runs once: its graph optimizations would cost more than they save.
        torch::jit::GraphOptimizerEnabledGuard once(false);
        reference = forwardEager(inputs, false).to(torch::kFloat32);
    }
    trace.mark("fp32 reference");
    const auto half = forwardEager(inputs, true).to(torch::kFloat32);
    trace.mark("fp16");
    const double error =
        (half - reference).norm().item<double>() / std::max(1e-12, reference.norm().item<double>());
    std::lock_guard<std::mutex> lock(statsMutex_);
    stats_.calls += 2;
    stats_.warmupCalls += 2;
    stats_.halfRelativeError = error;
    if (!(error <= 2e-2)) {
        // Not what the manifest promised for this file: precision over speed.
        half_ = false;
        stats_.half = false;
        stats_.precisionNote = "fp32 (fp16 error too large)";
        if (reference_) {
            module_ = *reference_;
            halfWeights_ = false;
        }
    }
    reference_.reset();  // frees the fp32 weights
}

void TorchSession::useFloat(const std::string& note) {
    module_ = *reference_;
    reference_.reset();
    halfWeights_ = false;
    half_ = false;
    std::lock_guard<std::mutex> lock(statsMutex_);
    stats_.half = false;
    stats_.precisionNote = note;
}

void TorchSession::captureGraph(const cv::Mat& image, const cv::Mat* holes) {
    std::string whyNot;
    const bool captured = graphs_.capture(
        image, holes, torchDevice_,
        [this](const torch::Tensor& pixels, const torch::Tensor& mask) {
            return requestOnDevice(pixels, mask);
        },
        &whyNot);
    if (!whyNot.empty()) setNote(whyNot);
    if (!captured) return;
    std::lock_guard<std::mutex> lock(statsMutex_);
    stats_.cudaGraphs = true;
    stats_.precisionNote = (half_ ? "fp16 (FFT in fp32)" : std::string("fp32")) + ", CUDA graphs";
}

void TorchSession::warmUp() {
    FlagScope warm(inWarmUp_);
    PhaseTrace trace(options_.trace, "warm-up " + fileName_);
    if (device_.cuda && half_) measureHalfError();
    trace.mark("fp16 error check");
    std::vector<int> sides = entry_.contract.buckets;
    if (entry_.contract.fixedSize > 0) sides = {entry_.contract.fixedSize};
    for (int side : sides) {
        if (!device_.cuda && side > options_.cpuWarmupMaxSide) continue;
        cv::Mat image(side, side, CV_8UC3), mask(side, side, CV_8UC1, cv::Scalar(0));
        cv::randu(image, 0, 256);
        mask(cv::Rect(side / 4, side / 4, side / 2, side / 2)).setTo(255);
        const cv::Mat* holes = entry_.contract.kind == ModelKind::Inpaint ? &mask : nullptr;
        try {
            // Through the public path, so conversions and allocator pools warm up too. On the GPU
            // the first call autotunes cuDNN and the second settles the caching allocator; with
            // graphs, the capture's own eager call is that second one.
            const bool graphs = device_.cuda && options_.cudaGraphs && cuda::Graph::supported();
            const int repeats = device_.cuda && !graphs ? 2 : 1;
            const std::string at = std::to_string(side) + "^2 ";
            for (int i = 0; i < repeats; ++i) {
                runOnce(image, holes);
                trace.mark(at + "eager call " + std::to_string(i + 1));
            }
            if (graphs) {
                captureGraph(image, holes);
                trace.mark(at + "graph capture");
                runOnce(image, holes);
                trace.mark(at + "first replay");
            }
        } catch (const std::exception& e) {
            if (!device_.cuda || !cuda::isOutOfMemory(e)) throw;
            cuda::emptyCache();
            setNote(std::to_string(side) + "x" + std::to_string(side) +
                    " was not warmed: over the GPU memory budget");
        }
    }
    cuda::synchronize();
}

void TorchSession::afterReady() {
    if (device_.cuda) saveWarmCache();
}

SessionStats TorchSession::stats() const {
    std::lock_guard<std::mutex> lock(statsMutex_);
    return stats_;
}

}  // namespace pm::engine
