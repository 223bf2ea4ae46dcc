#include "core/engine/torch_session.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/jit/ir/constants.h>
#include <torch/csrc/jit/passes/common_subexpression_elimination.h>
#include <torch/csrc/jit/passes/dead_code_elimination.h>
#include <torch/csrc/jit/passes/freeze_module.h>
#include <torch/csrc/jit/passes/frozen_conv_add_relu_fusion.h>
#include <torch/csrc/jit/passes/frozen_graph_optimizations.h>
#include <torch/csrc/jit/passes/subgraph_rewrite.h>
#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/version.h>
#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/engine/graph/batch_norm_fold.h"
#include "core/engine/graph/fused_ops.h"
#include "core/engine/graph/layout_fusion.h"
#include "core/engine/graph/traced_ops.h"
#include "core/engine/graph/transposed_conv_rewrite.h"

namespace pm::engine {
namespace {

int roundUp(int value, int multiple) {
    return (value + multiple - 1) / multiple * multiple;
}

std::string firstLine(const std::string& text) {
    const auto end = text.find('\n');
    return end == std::string::npos ? text : text.substr(0, end);
}

std::string errorText(const std::exception& e) {
    if (const auto* c10 = dynamic_cast<const c10::Error*>(&e))
        return firstLine(c10->what_without_backtrace());
    return firstLine(e.what());
}

void forEachGraph(const torch::jit::Module& module,
                  const std::function<void(std::shared_ptr<torch::jit::Graph>&)>& fn) {
    std::set<torch::jit::Graph*> done;
    for (const auto& sub : module.modules())
        for (const auto& method : sub.get_methods()) {
            auto graph = method.graph();
            if (done.insert(graph.get()).second) fn(graph);
        }
}

// LaMa's Fourier units take rfftn of a convolution's output and rebuild the spectrum with
// torch.complex(real, imag) from another convolution's output. In fp16, cuFFT supports only
// power-of-two sizes, overflows at 2048² and, measured on the big-LaMa architecture at 1024², moves
// the output by 12%: every FFT must stay in fp32. These rewrites of the loaded graph cast the FFT
// inputs to fp32 without touching the model file (the casts are no-ops on fp32 inputs). With fp16
// weights (`halfWeights`) the spectra's real and imaginary parts and the inverse FFT's output are
// cast back to fp16 for the convolutions that read them.
void keepFftInFloat(const torch::jit::Module& module, bool halfWeights) {
    torch::jit::SubgraphRewriter rewriter;
    const std::string constants = R"(
  %float : int = prim::Constant[value=6]()
  %cfloat : int = prim::Constant[value=9]()
  %half : int = prim::Constant[value=5]()
  %no : bool = prim::Constant[value=0]()
  %keep : NoneType = prim::Constant())";
    rewriter.RegisterRewritePattern(R"(
graph(%real, %imag):
  %out = aten::complex(%real, %imag)
  return (%out))",
                                    "\ngraph(%real, %imag):" + constants + R"(
  %real32 = aten::to(%real, %float, %no, %no, %keep)
  %imag32 = aten::to(%imag, %float, %no, %no, %keep)
  %out = aten::complex(%real32, %imag32)
  return (%out))");
    rewriter.RegisterRewritePattern(R"(
graph(%x, %s, %dim, %norm):
  %out = aten::fft_rfftn(%x, %s, %dim, %norm)
  return (%out))",
                                    "\ngraph(%x, %s, %dim, %norm):" + constants + R"(
  %x32 = aten::to(%x, %float, %no, %no, %keep)
  %out = aten::fft_rfftn(%x32, %s, %dim, %norm)
  return (%out))");
    const std::string back = halfWeights ? "%half" : "%float";
    rewriter.RegisterRewritePattern(R"(
graph(%x, %s, %dim, %norm):
  %out = aten::fft_irfftn(%x, %s, %dim, %norm)
  return (%out))",
                                    "\ngraph(%x, %s, %dim, %norm):" + constants + R"(
  %x32 = aten::to(%x, %cfloat, %no, %no, %keep)
  %out32 = aten::fft_irfftn(%x32, %s, %dim, %norm)
  %out = aten::to(%out32, )" + back + R"(, %no, %no, %keep)
  return (%out))");
    if (halfWeights)
        for (const char* part : {"real", "imag"})
            rewriter.RegisterRewritePattern(std::string(R"(
graph(%z):
  %out = aten::)") + part + R"((%z)
  return (%out))",
                                            "\ngraph(%z):" + constants + R"(
  %part = aten::)" + part + R"((%z)
  %out = aten::to(%part, %half, %no, %no, %keep)
  return (%out))");
    forEachGraph(module, [&](auto& graph) { rewriter.runOnGraph(graph); });
}

// A frozen module keeps its weights as graph constants, which Module::to() does not see.
void castTensorConstants(torch::jit::Block* block, const torch::Device& device,
                         c10::optional<at::ScalarType> dtype) {
    for (auto* node : block->nodes()) {
        for (auto* inner : node->blocks()) castTensorConstants(inner, device, dtype);
        if (node->kind() != c10::prim::Constant || !node->hasAttribute(c10::attr::value) ||
            node->kindOf(c10::attr::value) != torch::jit::AttributeKind::t)
            continue;
        const auto tensor = node->t(c10::attr::value);
        const bool castType = dtype && tensor.is_floating_point() && tensor.scalar_type() != *dtype;
        // 0-dim integer tensors are traced size arithmetic (w // 2); on the GPU their aten::Int
        // would be a device sync, which CUDA graph capture refuses. ATen mixes 0-dim CPU tensors
        // with GPU ones anyway.
        if (tensor.dim() == 0 && !tensor.is_floating_point() && !castType) continue;
        if (!castType && tensor.device() == device) continue;
        const auto cast = castType ? tensor.to(device, *dtype) : tensor.to(device);
        node->t_(c10::attr::value, cast);
        node->output()->inferTypeFrom(cast);
    }
}

// An fp16 copy of an fp32 module: weights, buffers and frozen constants in fp16, FFTs in fp32.
// A clone, so its methods get their own executors (the fp32 module may have run already).
torch::jit::Module halfCopy(const torch::jit::Module& module, const torch::Device& device) {
    torch::jit::Module half = module.clone();
    half.to(torch::kHalf);
    forEachGraph(half,
                 [&](auto& graph) { castTensorConstants(graph->block(), device, torch::kHalf); });
    keepFftInFloat(half, true);
    return half;
}

// torch::jit::freeze without its deep copy of the module: the session owns the module it loaded,
// and copying big-LaMa's 200 MB of weights is a tenth of a second of start-up. Traced models get
// the scripted spelling first (traced_ops.h). Returns what was respelled.
TracedOpCounts freezeInPlace(torch::jit::Module& module) {
    torch::jit::freeze_module_inplace(&module);
    return optimizeFrozen(module);
}

// The pads and sums of layout_fusion.h: by default on where their CUDA kernels were built.
bool layoutFusionOn(const GpuSwitches& gpu) {
    return gpu.layoutFusion < 0 ? fused::haveCudaKernels() : gpu.layoutFusion == 1;
}

class PhaseTrace {
public:
    /// on: SessionOptions::trace; off, it costs nothing.
    PhaseTrace(bool on, std::string scope) : on_(on), scope_(std::move(scope)) { restart(); }
    void restart() {
        if (on_) last_ = std::chrono::steady_clock::now();
    }
    void mark(const std::string& phase) {
        if (!on_) return;
        cuda::synchronize();
        const auto now = std::chrono::steady_clock::now();
        // The monotonic clock's absolute reading lines marks up with the benchmark's own.
        std::fprintf(stderr, "[trace] %.3f s %s: %s %.2f ms\n",
                     std::chrono::duration<double>(now.time_since_epoch()).count(), scope_.c_str(),
                     phase.c_str(), std::chrono::duration<double, std::milli>(now - last_).count());
        last_ = now;
    }

private:
    bool on_;
    std::string scope_;
    std::chrono::steady_clock::time_point last_;
};

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
        // cuDNN tries at most this many algorithms per convolution when autotuning a bucket.
        const int limit = options_.gpu.cudnnLimit;
        at::globalContext().setBenchmarkLimitCuDNN(limit > 0 ? limit : 10);
    }
    if (device_.cuda && warm_.fromCache) {
        // The cached module is what the lines below made from this file last time.
        frozen_ = half_ = halfWeights_ = true;
        trace.mark("frozen fp16 module from the warm-up cache");
    } else if (device_.cuda) {
        // Freezing inlines the submodules and folds batch norms into convolution weights: fewer
        // kernels per request. "cpu" freezes before the weights move to the GPU.
        const GpuSwitches::Freeze freeze = options_.gpu.freeze;
        auto freezeAndFold = [&] {
            try {
                const TracedOpCounts traced = freezeInPlace(module_);
                frozen_ = true;
                trace.mark("freeze" + (traced.total() ? " (traced: " + traced.describe() + ")"
                                                      : std::string()));
            } catch (const std::exception& e) {
                setNote("not frozen: " + errorText(e));
                return;
            }
            int folded = 0;
            std::string whyNot;
            try {
                // Each fold edits the graph only once all its tensors exist: a failure leaves
                // every batch norm either folded or untouched.
                forEachGraph(module_, [&](auto& graph) {
                    folded += foldBatchNormAfterConvSum(graph, &whyNot);
                    folded += foldBatchNormIntoTransposedConv(graph);
                    torch::jit::EliminateDeadCode(graph);
                });
            } catch (const std::exception& e) {
                whyNot = errorText(e);
            }
            trace.mark("folded " + std::to_string(folded) +
                       " batch norms after conv sums and transposed convs (first sum left: " +
                       whyNot + ")");
        };
        if (freeze == GpuSwitches::Freeze::BeforeMove) freezeAndFold();
        module_.to(torchDevice_);
        forEachGraph(module_, [&](auto& graph) {
            castTensorConstants(graph->block(), torchDevice_, c10::nullopt);
        });
        trace.mark("weights to the GPU");
        if (freeze == GpuSwitches::Freeze::AfterMove) freezeAndFold();
        if (channelsLast_) {  // a frozen module's weights are constants: only inputs change
            torch::NoGradGuard noGrad;
            for (auto parameter : module_.parameters())
                if (parameter.dim() == 4)
                    parameter.set_data(parameter.contiguous(at::MemoryFormat::ChannelsLast));
        }
        half_ = options_.allowHalf && entry_.contract.halfSafe;
        if (half_ && options_.gpu.autocast) {
            keepFftInFloat(module_, false);
        } else if (half_) {
            // fp16 weights rather than autocast: no cast kernels around every operation. The fp32
            // module stays until warm-up has measured the fp16 error against it.
            reference_ = module_;
            module_ = halfCopy(module_, torchDevice_);
            halfWeights_ = true;
        }
        // cuDNN's fused convolution + bias (+ residual sum) + ReLU on the frozen graph. Off: on the
        // big-LaMa architecture (H200) it saved 0.25 ms of 19.9 at 1024² and its rewrite cost
        // 0.26 s of start-up.
        if (frozen_ && options_.gpu.cudnnFusion) {
            forEachGraph(module_, [](auto& graph) {
                torch::jit::EliminateCommonSubexpression(graph);
                torch::jit::FuseFrozenConvAddRelu(graph);
            });
        }
        trace.mark("layout, precision and graph rewrite");
    } else {
        prepareForCpu();
        trace.mark("CPU graph rewrite");
    }
    if (device_.cuda && frozen_ && halfWeights_ && layoutFusionOn(options_.gpu)) fuseLayouts();
    stats_.half = half_;
    stats_.checksumVerified = checksumVerified;
    stats_.precisionNote =
        device_.cuda ? (half_ ? "fp16 (FFT in fp32)" : "fp32") : "fp32 on the CPU";
}

namespace {

// A request's pixels at the padded (or fixed) size -> the caller's size: a crop, or for a
// fixed-size model a resize (area when shrinking).
cv::Mat finishRequest(const cv::Mat& padded, const cv::Size& size, bool fixed, bool shrinking) {
    if (fixed) {
        cv::Mat result;
        cv::resize(padded, result, size, 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_CUBIC);
        return result;
    }
    if (padded.size() == size) return padded;
    return padded(cv::Rect(0, 0, size.width, size.height)).clone();
}

}  // namespace

image::TensorLayout TorchSession::layout() const {
    image::TensorLayout l;
    l.range = entry_.contract.range == "-1..1" ? image::ValueRange::MinusOneOne
                                               : image::ValueRange::ZeroOne;
    l.order =
        entry_.contract.channelOrder == "BGR" ? image::ChannelOrder::Bgr : image::ChannelOrder::Rgb;
    return l;
}

std::pair<int, int> TorchSession::paddedSize(int rows, int cols) const {
    const auto& c = entry_.contract;
    if (c.fixedSize > 0) return {c.fixedSize, c.fixedSize};
    const int multiple = std::max(1, c.sizeMultiple);
    const std::pair<int, int> tight{roundUp(rows, multiple), roundUp(cols, multiple)};
    std::vector<int> buckets = c.buckets;
    std::sort(buckets.begin(), buckets.end());
    for (int b : buckets) {
        if (b < rows || b < cols) continue;
        // On the GPU a warmed bucket (cuDNN plans, CUDA graph) beats any extra pixels. On the CPU
        // the cost is the pixels, so pad to a bucket only when that at most doubles them.
        const double tightArea = static_cast<double>(tight.first) * tight.second;
        if (device_.cuda || static_cast<double>(b) * b <= 2.0 * tightArea) return {b, b};
        break;
    }
    return tight;
}

std::vector<torch::Tensor> TorchSession::sampleInputs(int rows, int cols, uint64_t seed) const {
    auto generator = at::detail::createCPUGenerator(seed);
    auto image = torch::rand({1, 3, rows, cols}, generator, torch::kFloat32);
    if (entry_.contract.range == "-1..1") image = image.mul(2.0).sub(1.0);
    image = image.to(torchDevice_);
    if (channelsLast_) image = image.contiguous(at::MemoryFormat::ChannelsLast);
    std::vector<torch::Tensor> inputs{image};
    if (entry_.contract.kind == "inpaint") {
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
    at::globalContext().setBenchmarkCuDNN(device_.cuda && bucket && cudnnBenchmark_);
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
    std::vector<torch::Tensor> inputs{image::bgrBytesToModel(pixels, layout())};
    if (channelsLast_) inputs[0] = inputs[0].contiguous(at::MemoryFormat::ChannelsLast);
    if (holes.defined()) inputs.push_back(image::maskBytesToModel(holes));
    return image::modelToBgrBytes(forwardEager(inputs, half_), layout()).contiguous();
}

cv::Mat TorchSession::replay(const cv::Mat& image, const cv::Mat* holes) {
    const std::pair<int64_t, int64_t> shape{image.rows, image.cols};
    auto captured = graphs_.find(shape);
    // Other pixel types go the eager way, whose conversions say what is wrong with them.
    if (captured == graphs_.end() || image.type() != CV_8UC3 ||
        (holes && holes->type() != CV_8UC1))
        return {};
    auto& bucket = captured->second;
    image::copyBytesInto(image, bucket.pixels);
    if (holes) image::copyBytesInto(*holes, bucket.holes);
    bucket.graph->replay();
    recordCall(shape, false);
    return image::tensorToBytes(bucket.result);
}

void TorchSession::verifyContract() {
    FlagScope warm(inWarmUp_);
    PhaseTrace trace(options_.trace, "load " + fileName_);
    const auto& c = entry_.contract;
    const int side = c.fixedSize > 0 ? c.fixedSize : roundUp(64, std::max(1, c.sizeMultiple));
    const std::string call = c.kind == "inpaint" ? "forward(image, mask)" : "forward(image)";
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
    const std::vector<int64_t> expected{1, 3, side, side};
    if (out.sizes().vec() != expected)
        throw Error(fileName_ + ": wrong contract: expected output " +
                    std::string(c10::str(torch::IntArrayRef(expected))) + ", got " +
                    std::string(c10::str(out.sizes())));
    auto values = out.detach().to(torch::kCPU, torch::kFloat32);
    if (!torch::isfinite(values).all().item<bool>())
        throw Error(fileName_ + ": wrong contract: expected finite values, got NaN or infinity");
    const double low = c.range == "-1..1" ? -1.0 : 0.0, high = 1.0;
    const double slack = 0.05 * (high - low);
    const double min = values.min().item<double>(), max = values.max().item<double>();
    if (min < low - slack || max > high + slack) {
        char got[64];
        std::snprintf(got, sizeof got, "%.3g..%.3g", min, max);
        throw Error(fileName_ + ": wrong contract: expected values in " + c.range + ", got " + got);
    }
    trace.mark("contract check");
}

cv::Mat TorchSession::inpaintOnce(const cv::Mat& bgr, const cv::Mat& mask) {
    const int rows = bgr.rows, cols = bgr.cols;
    const auto [ph, pw] = paddedSize(rows, cols);
    cv::Mat image = bgr, holes = mask;
    if (entry_.contract.fixedSize > 0) {
        cv::resize(bgr, image, cv::Size(pw, ph), 0, 0, cv::INTER_AREA);
        cv::resize(mask, holes, cv::Size(pw, ph), 0, 0, cv::INTER_NEAREST);
    } else if (ph != rows || pw != cols) {
        // Mirrored context keeps the model from seeing an artificial edge next to the hole.
        cv::copyMakeBorder(bgr, image, 0, ph - rows, 0, pw - cols, cv::BORDER_REFLECT);
        cv::copyMakeBorder(mask, holes, 0, ph - rows, 0, pw - cols, cv::BORDER_CONSTANT, 0);
    }
    PhaseTrace trace(options_.trace, "inpaint " + std::to_string(pw) + "x" + std::to_string(ph));
    if (cv::Mat replayed = replay(image, &holes); !replayed.empty()) {
        trace.mark("pixels in, graph, pixels out");
        return finishRequest(replayed, bgr.size(), entry_.contract.fixedSize > 0, false);
    }
    auto imageTensor = image::bgrToTensor(image, layout(), torchDevice_);
    if (channelsLast_) imageTensor = imageTensor.contiguous(at::MemoryFormat::ChannelsLast);
    auto maskTensor = image::maskToTensor(holes, torchDevice_);
    trace.mark("pixels to tensors");
    auto out = run({imageTensor, maskTensor}, false);
    trace.mark("network");
    if (out.dim() != 4 || out.size(2) != ph || out.size(3) != pw)
        throw Error(fileName_ + ": wrong contract: expected output [1, 3, " + std::to_string(ph) +
                    ", " + std::to_string(pw) + "], got " + std::string(c10::str(out.sizes())));
    if (entry_.contract.fixedSize > 0) {
        cv::Mat result;
        cv::resize(image::tensorToBgr(out, layout()), result, bgr.size(), 0, 0, cv::INTER_CUBIC);
        return result;
    }
    cv::Mat result = image::tensorToBgr(out.slice(2, 0, rows).slice(3, 0, cols), layout());
    trace.mark("tensor to pixels");
    return result;
}

cv::Mat TorchSession::imageToImageOnce(const cv::Mat& bgr) {
    const int rows = bgr.rows, cols = bgr.cols;
    const auto [ph, pw] = paddedSize(rows, cols);
    cv::Mat image = bgr;
    const bool fixed = entry_.contract.fixedSize > 0;
    if (fixed)
        cv::resize(bgr, image, cv::Size(pw, ph), 0, 0,
                   rows > ph ? cv::INTER_AREA : cv::INTER_CUBIC);
    else if (ph != rows || pw != cols)
        cv::copyMakeBorder(bgr, image, 0, ph - rows, 0, pw - cols, cv::BORDER_REFLECT);
    if (cv::Mat replayed = replay(image, nullptr); !replayed.empty())
        return finishRequest(replayed, bgr.size(), fixed, rows < ph);
    auto imageTensor = image::bgrToTensor(image, layout(), torchDevice_);
    if (channelsLast_) imageTensor = imageTensor.contiguous(at::MemoryFormat::ChannelsLast);
    auto out = run({imageTensor}, false);
    if (out.dim() != 4 || out.size(2) != ph || out.size(3) != pw)
        throw Error(fileName_ + ": wrong contract: expected output [1, 3, " + std::to_string(ph) +
                    ", " + std::to_string(pw) + "], got " + std::string(c10::str(out.sizes())));
    if (fixed) {
        cv::Mat result;
        cv::resize(image::tensorToBgr(out, layout()), result, bgr.size(), 0, 0,
                   rows < ph ? cv::INTER_AREA : cv::INTER_CUBIC);
        return result;
    }
    return image::tensorToBgr(out.slice(2, 0, rows).slice(3, 0, cols), layout());
}

cv::Mat TorchSession::inpaintTiled(const cv::Mat& bgr, const cv::Mat& mask) {
    const int multiple = std::max(1, entry_.contract.sizeMultiple);
    const int overlap = 32;
    const int tile =
        std::max(4 * overlap, roundUp((std::max(bgr.rows, bgr.cols) + 1) / 2, multiple));
    auto starts = [&](int length) {
        std::vector<int> s;
        if (length <= tile) return std::vector<int>{0};
        for (int p = 0;; p += tile - 2 * overlap) {
            if (p + tile >= length) {
                s.push_back(length - tile);
                break;
            }
            s.push_back(p);
        }
        return s;
    };
    cv::Mat result = bgr.clone();
    const auto ys = starts(bgr.rows), xs = starts(bgr.cols);
    for (size_t iy = 0; iy < ys.size(); ++iy)
        for (size_t ix = 0; ix < xs.size(); ++ix) {
            const cv::Rect box(xs[ix], ys[iy], std::min(tile, bgr.cols), std::min(tile, bgr.rows));
            if (cv::countNonZero(mask(box)) == 0) continue;
            const cv::Mat filled = inpaintOnce(bgr(box), mask(box));
            // Each tile owns its centre; the overlap gives its border pixels real context.
            const int x0 = ix == 0 ? 0 : overlap, y0 = iy == 0 ? 0 : overlap;
            const int x1 = ix + 1 == xs.size() ? box.width : box.width - overlap;
            const int y1 = iy + 1 == ys.size() ? box.height : box.height - overlap;
            const cv::Rect own(x0, y0, x1 - x0, y1 - y0);
            filled(own).copyTo(result(own + box.tl()));
        }
    return result;
}

void TorchSession::prepareForCpu() {
    // Measured on big-LaMa at 512²: libtorch 1.13 (Debian 12), 2 cores: 7.1 s -> 2.1 s with the
    // rewrite; libtorch 2.11, 16 cores: 416 ms without it and 538 ms with it, because 2.x already
    // runs transposed convolutions through oneDNN. So only 1.x gets it.
#if TORCH_VERSION_MAJOR < 2
    // Frozen, so that weights are constants the rewrite can read (and batch norms are folded).
    // Any failure leaves the module as loaded: slower, never wrong.
    try {
        torch::jit::Module frozen = torch::jit::freeze_module(module_);
        optimizeFrozen(frozen);
        forEachGraph(frozen, [](auto& graph) {
            rewriteTransposedConvsAsSubpixel(graph);
            torch::jit::EliminateDeadCode(graph);
        });
        module_ = frozen;
    } catch (const std::exception& e) {
        setNote("not frozen on the CPU: " + errorText(e));
    }
#endif
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
    prepareForCpu();
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
    if (entry_.contract.kind != "inpaint")
        throw Error(entry_.name + " is an image-to-image model; it cannot fill a mask");
    if (bgr.empty() || bgr.type() != CV_8UC3 || mask.type() != CV_8UC1 || mask.size() != bgr.size())
        throw Error("inpainting needs an 8-bit BGR image and an 8-bit mask of the same size");
    try {
        return inpaintOnce(bgr, mask);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        if (!device_.cuda || !cuda::isOutOfMemory(e))
            throw Error(fileName_ + ": inference failed (" + errorText(e) + ")");
    }
    cuda::emptyCache();
    try {
        cv::Mat result = inpaintTiled(bgr, mask);
        std::lock_guard<std::mutex> lock(statsMutex_);
        ++stats_.tiledCalls;
        stats_.fallbackNote = "the GPU ran out of memory: the request ran in tiles";
        return result;
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        if (!cuda::isOutOfMemory(e))
            throw Error(fileName_ + ": inference failed (" + errorText(e) + ")");
    }
    moveToCpu("out of GPU memory");
    return inpaintOnce(bgr, mask);
}

cv::Mat TorchSession::imageToImage(const cv::Mat& bgr) {
    if (entry_.contract.kind != "image2image")
        throw Error(entry_.name + " is an inpainting model; it needs a mask");
    if (bgr.empty() || bgr.type() != CV_8UC3) throw Error("the model needs an 8-bit BGR image");
    try {
        return imageToImageOnce(bgr);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        if (!device_.cuda || !cuda::isOutOfMemory(e))
            throw Error(fileName_ + ": inference failed (" + errorText(e) + ")");
    }
    moveToCpu("out of GPU memory");
    return imageToImageOnce(bgr);
}

bool TorchSession::warmCacheApplies(const ModelEntry& entry, const SessionOptions& options) {
    const GpuSwitches& gpu = options.gpu;
    return options.useWarmCache && !options.warmCacheDir.empty() && options.allowHalf &&
           entry.contract.halfSafe && gpu.freeze == GpuSwitches::Freeze::BeforeMove &&
           !gpu.autocast && !gpu.channelsLast && !gpu.cudnnFusion;
}

std::string TorchSession::warmCacheVariant(const SessionOptions& options) {
    return layoutFusionOn(options.gpu) ? "frozen fp16 NCHW, fused layouts 12" : "frozen fp16 NCHW";
}

void TorchSession::fuseLayouts() {
    PhaseTrace trace(options_.trace, "load " + fileName_);
    LayoutFusionCounts counts;
    try {
        LayoutFusionOptions options;
        options.convTaps = options_.gpu.convTaps;
        options.channelsLastWeights = options_.gpu.channelsLastWeights;
        forEachGraph(module_,
                     [&](auto& graph) { counts += fuseLayoutsAndPointwise(graph, options); });
    } catch (const std::exception& e) {
        // A half-rewritten graph still computes the same: each rewrite replaces whole nodes.
        setNote("layout fusion stopped: " + errorText(e));
    }
    trace.mark("fused " + counts.describe());
}

void TorchSession::saveWarmCache() {
    if (warm_.fromCache || !warm_.entry || !frozen_ || !halfWeights_ || !half_) return;
    const double error = stats().halfRelativeError;
    if (error < 0) return;
    PhaseTrace trace(options_.trace, "warm-up cache " + fileName_);
    try {
        const std::string temporary = warm_.entry->modulePath + ".tmp";
        module_.save(temporary);
        std::filesystem::rename(temporary, warm_.entry->modulePath);
        if (!writeWarmCacheInfo(*warm_.entry, error)) dropWarmCache(*warm_.entry);
    } catch (const std::exception&) {
        dropWarmCache(*warm_.entry);  // a full disk or an unsavable graph: start from the file
    }
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
    const int side = entry_.contract.fixedSize > 0
                         ? entry_.contract.fixedSize
                         : roundUp(64, std::max(1, entry_.contract.sizeMultiple));
    const auto inputs = sampleInputs(side, side, 3);
    at::globalContext().setBenchmarkCuDNN(false);  // a shape that never comes back
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

void TorchSession::captureGraph(const cv::Mat& image, const cv::Mat& mask) {
    const int side = image.rows;
    CapturedBucket bucket;
    bucket.pixels = image::bytesToTensor(image, torchDevice_);
    if (entry_.contract.kind == "inpaint") bucket.holes = image::bytesToTensor(mask, torchDevice_);
    const auto eager = requestOnDevice(bucket.pixels, bucket.holes);
    if (eager.dim() != 3 || eager.size(0) != side || eager.size(1) != side) return;
    bucket.graph = std::make_unique<cuda::Graph>();
    std::string whyNot;
    if (!bucket.graph->capture([&] { bucket.result = requestOnDevice(bucket.pixels, bucket.holes); },
                               &whyNot)) {
        setNote("CUDA graphs off: " + firstLine(whyNot));
        return;
    }
    bucket.graph->replay();
    // Pixel levels: the replay must paint what the eager call painted, up to a rounding step.
    const int64_t diff =
        (bucket.result.to(torch::kInt32) - eager.to(torch::kInt32)).abs().max().item<int64_t>();
    if (diff > 2) {
        setNote("CUDA graph replay differs from eager by " + std::to_string(diff) +
                " levels; graphs off");
        return;
    }
    graphs_[{side, side}] = std::move(bucket);
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
        try {
            // Through the public path, so conversions and allocator pools warm up too. On the GPU
            // the first call autotunes cuDNN and the second settles the caching allocator; with
            // graphs, the capture's own eager call is that second one.
            const bool graphs = device_.cuda && options_.cudaGraphs && cuda::Graph::supported();
            const int repeats = device_.cuda && !graphs ? 2 : 1;
            const std::string at = std::to_string(side) + "^2 ";
            for (int i = 0; i < repeats; ++i) {
                entry_.contract.kind == "inpaint" ? inpaintOnce(image, mask)
                                                  : imageToImageOnce(image);
                trace.mark(at + "eager call " + std::to_string(i + 1));
            }
            if (graphs) {
                captureGraph(image, mask);
                trace.mark(at + "graph capture");
                entry_.contract.kind == "inpaint" ? inpaintOnce(image, mask)
                                                  : imageToImageOnce(image);
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
