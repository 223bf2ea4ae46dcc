#pragma once
// The TorchScript implementation of InferenceSession: serving requests (padding, CUDA graph
// replay or an eager call, the way back to pixels), the fallbacks when the GPU runs out of memory
// (tiles, then the CPU), and the start-up checks (contract, fp16 error, warm-up). How a module is
// prepared for its device lives in gpu_preparation.h and cpu_preparation.h. Private to
// core/engine (it includes torch).
#include <mutex>
#include <set>
#include <utility>

#include <torch/script.h>
#include <torch/torch.h>

#include "core/engine/runtime/captured_requests.h"
#include "core/engine/inference_session.h"
#include "core/engine/runtime/warm_cache.h"
#include "core/image/tensor_convert.h"

namespace pm::engine {

class TorchSession : public InferenceSession {
public:
    TorchSession(ModelEntry entry, std::string path, torch::jit::Module module, DeviceInfo device,
                 SessionOptions options, bool checksumVerified, WarmStart warm = {});

    bool fromWarmCache() const { return warm_.fromCache; }

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
    /// One request, for an inpainting model with its mask, for an image-to-image model without:
    /// padded (or resized) to the model's size, replayed or run eagerly, and back to bgr's size.
    cv::Mat runOnce(const cv::Mat& bgr, const cv::Mat* mask);
    /// runOnce, and when the GPU runs out of memory: a fill again in tiles, then the CPU.
    cv::Mat serve(const cv::Mat& bgr, const cv::Mat* mask);
    void moveToCpu(const std::string& why);
    void measureHalfError();
    /// After a warm-up from the file: keeps the frozen fp16 module for the next start.
    void saveWarmCache();
    /// Serves with the fp32 reference module from now on.
    void useFloat(const std::string& note);
    /// Captures the request at the (square) size of the warm-up's image (and mask).
    void captureGraph(const cv::Mat& image, const cv::Mat* holes);
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
    CapturedRequests graphs_;
    bool inWarmUp_ = false;

    mutable std::mutex statsMutex_;
    SessionStats stats_;
};

}  // namespace pm::engine
