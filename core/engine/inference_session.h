#pragma once
// One loaded TorchScript model on one device. Images cross this interface as cv::Mat so that
// callers (core/ops) never include torch; the tensor conversion lives in core/image/tensor_convert.
// Thread-safety: used only on the engine's worker thread (or one test thread).
#include <cstdint>
#include <memory>
#include <string>

#include <opencv2/core.hpp>

#include "core/common/error.h"
#include "core/engine/device.h"
#include "core/engine/model_registry.h"
#include "core/engine/segment_image.h"

namespace pm::engine {

struct SessionStats {
    int64_t calls = 0;        ///< forward calls, warm-up included
    int64_t warmupCalls = 0;  ///< calls made during warm-up
    /// Calls that hit a shape never run before (the TorchScript profiling/compile path or cuDNN
    /// autotuning). After warm-up, user requests at a warmed bucket must not add to this.
    int64_t coldCalls = 0;
    bool half = false;          ///< running in fp16
    bool cudaGraphs = false;    ///< replaying captured CUDA graphs
    std::string precisionNote;  ///< e.g. "fp16 (FFT in fp32)" for the status bar
    /// ||fp16 - fp32|| / ||fp32|| measured at warm-up on the GPU; -1 when not measured.
    double halfRelativeError = -1.0;
    int64_t tiledCalls = 0;         ///< requests that ran in tiles after the GPU ran out of memory
    bool checksumVerified = false;  ///< the manifest had a SHA-256 or MD5 and the file matched it
    std::string fallbackNote;  ///< set once the session degraded (tiles, CPU); shown to the user
};

/// Measurement switches of the GPU path (bench/gpu/profile_gpu.sh compares them); the defaults are
/// the fastest measured on the big-LaMa architecture. The programs fill them from the PM_ENGINE_*
/// variables (app/engine_environment.cpp); core reads no environment.
struct GpuSwitches {
    enum class Freeze { BeforeMove, AfterMove, Off };
    Freeze freeze = Freeze::BeforeMove;  ///< PM_ENGINE_FREEZE=cpu|gpu|anything else
    bool autocast = false;      ///< PM_ENGINE_FP16=autocast: autocast instead of fp16 weights
    bool channelsLast = false;  ///< PM_ENGINE_LAYOUT=channels_last
    bool cudnnFusion = false;   ///< PM_ENGINE_FUSE=1: cuDNN conv+add+ReLU on the frozen graph
    /// PM_ENGINE_LAYOUT_FUSION: 1 on, 0 off, -1 on where its CUDA kernels were built.
    int layoutFusion = -1;
    bool convTaps = true;             ///< PM_ENGINE_CONV_TAPS (layout fusion)
    /// conv_taps on tensor cores (direct_tap_conv.cu) instead of a product per tap and their sum
    /// (layout fusion; engine_bench --switch direct_taps=0|1). Off until measured: written in
    /// session 15, when no GPU machine was lent, so neither its speed nor its output has been
    /// checked on a GPU yet (bench/gpu/NOTES.md, session 15).
    bool directTaps = false;
    /// Convolutions of a few input channels (LaMa's first: 4) read zero channels appended up to 8,
    /// so cuDNN runs an aligned fp16 kernel (layout fusion; engine_bench --switch widen_inputs=0|1).
    bool widenNarrowInputs = false;
    bool channelsLastWeights = true;  ///< PM_ENGINE_CL_WEIGHTS (layout fusion)
    /// Reflection pads of a fused sum's output written by the sum itself (layout fusion;
    /// engine_bench --switch pads_in_sums=0|1). Off: on the H100 the traced twin's 1024² took
    /// 12.17 ms with it and 11.56 ms without (the padded sum's scattered writes, 47 us a launch, cost
    /// more than the 16 MB re-read they save; bench/gpu/NOTES.md, session 11).
    bool padsInSums = false;
    /// A convolution's bias and relu applied by the reflection pad that reads it (layout fusion;
    /// engine_bench --switch bias_relu_in_pads=0|1).
    bool biasReluInPads = true;
    /// Each FFC's l2l(x_l) + g2l(x_g) as one convolution over x's padded channels (layout fusion;
    /// engine_bench --switch local_convs_joined=0|1). On: on the H100 the traced twin's 1024² took
    /// 10.89 ms with it and 11.63 ms without, 512² 4.45 and 4.71 ms (bench/gpu/NOTES.md, session 12).
    bool localConvsJoined = true;
    /// The inverse FFT of each Fourier unit lets cuFFT overwrite the spectrum, which nothing else
    /// reads, instead of ATen's copy of it (layout fusion; engine_bench --switch irfft_consuming=0|1).
    /// On: on the H100 the traced twin's 1024² took 10.49/10.75 ms with it, 10.61/11.00 without
    /// (two runs; bench/gpu/NOTES.md, lama16j).
    bool inverseFftConsumesSpectrum = true;
    /// The fp32 copy of a Fourier unit's fp16 input (for rfftn) written by the bias + relu pass of
    /// the 1x1 convolution that makes it, instead of a cast pass (layout fusion; engine_bench
    /// --switch cast_in_conv1x1=0|1). On: 10.49/10.75 ms with it, 10.74/10.81 without (H100, two
    /// runs; bench/gpu/NOTES.md, lama16j).
    bool castsInPointwiseConvs = true;
    /// Captured requests hand back their pixels in host buffers reused once the caller has let go
    /// of them (engine_bench --switch reuse_outputs=0|1).
    bool reuseOutputs = true;
    /// Those buffers page-locked, so the copy back from the GPU is one DMA (engine_bench --switch
    /// pinned_outputs=0|1). On: on the H100 the traced twin's 1024² took 10.16 ms with it and 10.28
    /// without, 512² 4.21 and 4.29 (same run; bench/gpu/NOTES.md, session 14).
    bool pinnedOutputs = true;
    bool cudnnBenchmark = true;       ///< PM_ENGINE_CUDNN_BENCHMARK
    int cudnnLimit = 10;              ///< PM_ENGINE_CUDNN_LIMIT: algorithms tried per convolution
    bool jitOptimize = false;         ///< PM_ENGINE_JIT_OPTIMIZE: TorchScript's passes on the GPU
};

/// How a session may use the GPU. Defaults are what the application uses.
struct SessionOptions {
    bool allowHalf = true;   ///< fp16 where the manifest says halfSafe (CUDA only)
    bool cudaGraphs = true;  ///< capture and replay one CUDA graph per warmed bucket
    /// The caching allocator may use at most this fraction of the GPU memory that was free when the
    /// first model loaded; past it, requests run in tiles, then on the CPU.
    double memoryBudget = 0.85;
    /// Largest bucket side warmed on the CPU: without the profiling executor a first call costs no
    /// more than later ones there, so warming big buckets would only burn seconds of every core.
    int cpuWarmupMaxSide = 256;
    /// GPU: start from (and fill) the per-user warm-up cache of frozen fp16 modules.
    bool useWarmCache = true;
    /// The warm-up cache's folder (~/.cache/photomend/engine for the programs); "" = no cache.
    std::string warmCacheDir;
    GpuSwitches gpu;
    /// Print where start-up and each request spend their time to stderr (PM_ENGINE_TRACE; it
    /// synchronizes the GPU at every mark, so only for measuring).
    bool trace = false;
};

class InferenceSession {
public:
    virtual ~InferenceSession() = default;

    /// Loads `path`, verifies its checksum (when the entry has one) and its contract with a dry run
    /// on a tiny input. Throws pm::Error naming the file and the problem (truncated, not
    /// TorchScript, checksum mismatch, wrong output shape/range).
    static std::unique_ptr<InferenceSession> load(const ModelEntry& entry, const std::string& path,
                                                  const DeviceInfo& device);
    static std::unique_ptr<InferenceSession> load(const ModelEntry& entry, const std::string& path,
                                                  const DeviceInfo& device,
                                                  const SessionOptions& options);

    virtual const ModelEntry& entry() const = 0;
    virtual const DeviceInfo& device() const = 0;

    /// Runs the inpaint contract: image CV_8UC3 BGR, mask CV_8UC1 (non-zero = fill), same size.
    /// Pads to the contract's multiple (or bucket) and crops back. Returns CV_8UC3 BGR.
    virtual cv::Mat inpaint(const cv::Mat& bgr, const cv::Mat& mask) = 0;
    /// Runs the image-to-image contract on CV_8UC3 BGR; returns CV_8UC3 BGR of the same size
    /// (resized to/from fixedSize when the model has one).
    virtual cv::Mat imageToImage(const cv::Mat& bgr) = 0;
    /// The segment contract: runs the image encoder on CV_8UC3 BGR once and returns what each click
    /// then decodes. Only "segment" models have it.
    virtual std::unique_ptr<SegmentImage> prepareSegment(const cv::Mat& /*bgr*/) {
        throw Error(entry().file + ": not a segmentation model");
    }

    /// Runs the model once at each bucket size so the first user request runs at steady-state
    /// speed.
    virtual void warmUp() = 0;
    /// Start-up work that can wait until the engine says "ready" (the engine calls it while no
    /// request waits): on the GPU, saving the warm-up cache for the next start.
    virtual void afterReady() {}
    virtual SessionStats stats() const = 0;
};

}  // namespace pm::engine
