#pragma once
// The TorchScript implementation of InferenceSession. Private to core/engine (it includes torch).
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <utility>

#include <torch/script.h>
#include <torch/torch.h>

#include "core/engine/cuda_support.h"
#include "core/engine/inference_session.h"
#include "core/engine/warm_cache.h"
#include "core/image/tensor_convert.h"

namespace pm::engine {

/// How a GPU session starts: from the model file (and then fills `entry` of the warm-up cache),
/// or from a module that cache holds.
struct WarmStart {
    std::optional<WarmCacheEntry> entry;
    bool fromCache = false;
    double halfError = -1;  ///< the cached fp16 error, when fromCache
};

class TorchSession : public InferenceSession {
public:
    TorchSession(ModelEntry entry, std::string path, torch::jit::Module module, DeviceInfo device,
                 SessionOptions options, bool checksumVerified, WarmStart warm = {});

    /// Whether start-up with these settings makes what the warm-up cache holds (the default GPU
    /// path: frozen on the CPU, fp16 weights, NCHW).
    static bool warmCacheApplies(const ModelEntry& entry, const SessionOptions& options);
    bool fromWarmCache() const { return warm_.fromCache; }
    /// What the warm-up cache entry of this build's GPU path is called (it holds the rewritten graph).
    static std::string warmCacheVariant(const SessionOptions& options);

    const ModelEntry& entry() const override { return entry_; }
    const DeviceInfo& device() const override { return device_; }
    cv::Mat inpaint(const cv::Mat& bgr, const cv::Mat& mask) override;
    cv::Mat imageToImage(const cv::Mat& bgr) override;
    void warmUp() override;
    void afterReady() override;
    SessionStats stats() const override;

    /// Runs the contract once on a small input and throws pm::Error "<file>: wrong contract: ..."
    /// when the output is not what the manifest promises.
    void verifyContract();

private:
    /// A CUDA graph of a whole request at one padded size: uint8 pixels (and mask) in, the
    /// conversions, the network and the conversion back, uint8 BGR pixels out.
    struct CapturedBucket {
        std::unique_ptr<cuda::Graph> graph;
        torch::Tensor pixels, holes, result;
    };

    image::TensorLayout layout() const;
    /// Padded size (H, W) for a request: the smallest bucket that holds it, else the size multiple.
    std::pair<int, int> paddedSize(int rows, int cols) const;
    /// Model inputs in the model's range on the device, random but valid, for warm-up and checks.
    std::vector<torch::Tensor> sampleInputs(int rows, int cols, uint64_t seed) const;
    torch::Tensor forwardEager(const std::vector<torch::Tensor>& inputs, bool half);
    /// One eager forward at a padded shape; records stats.
    torch::Tensor run(const std::vector<torch::Tensor>& inputs, bool warmup);
    /// The captured request for this padded image (and mask), or an empty Mat when none is.
    cv::Mat replay(const cv::Mat& image, const cv::Mat* holes);
    void recordCall(const std::pair<int64_t, int64_t>& shape, bool warmup);
    /// Pixels -> model inputs -> network -> pixels, on the device.
    torch::Tensor requestOnDevice(const torch::Tensor& pixels, const torch::Tensor& holes);
    cv::Mat inpaintOnce(const cv::Mat& bgr, const cv::Mat& mask);
    cv::Mat imageToImageOnce(const cv::Mat& bgr);
    cv::Mat inpaintTiled(const cv::Mat& bgr, const cv::Mat& mask);
    void moveToCpu(const std::string& why);
    void measureHalfError();
    /// After a warm-up from the file: keeps the frozen fp16 module for the next start.
    void saveWarmCache();
    /// Serves with the fp32 reference module from now on.
    void useFloat(const std::string& note);
    /// Captures the request at the (square) size of the warm-up's image and mask.
    void captureGraph(const cv::Mat& image, const cv::Mat& mask);
    /// The fused pads and sums of layout_fusion.h, on the fp16 GPU module.
    void fuseLayouts();
    void prepareForCpu();
    void setNote(const std::string& note);

    ModelEntry entry_;
    std::string path_;
    std::string fileName_;
    torch::jit::Module module_;
    DeviceInfo device_;
    SessionOptions options_;
    WarmStart warm_;
    torch::Device torchDevice_;
    bool half_ = false;
    /// module_ holds fp16 weights (no autocast); reference_ is the fp32 module until warm-up has
    /// measured the fp16 error against it.
    bool halfWeights_ = false;
    bool frozen_ = false;  // weights are graph constants: fusion passes may rewrite them
    c10::optional<torch::jit::Module> reference_;
    bool channelsLast_ = false;
    bool cudnnBenchmark_ = true;
    std::set<std::pair<int64_t, int64_t>> seenShapes_;
    std::map<std::pair<int64_t, int64_t>, CapturedBucket> graphs_;
    bool inWarmUp_ = false;

    mutable std::mutex statsMutex_;
    SessionStats stats_;
};

}  // namespace pm::engine
