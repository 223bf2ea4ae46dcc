#include "core/engine/nets/network_session.h"

#include <algorithm>
#include <filesystem>
#include <mutex>

#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/engine/nets/load_weights.h"
#include "core/engine/nets/networks.h"
#include "core/engine/nets/state_dict_file.h"
#include "core/image/tensor_convert.h"

namespace pm::engine::nets {
namespace {

int roundUp(int value, int multiple) { return (value + multiple - 1) / multiple * multiple; }

class NetworkSession : public InferenceSession {
public:
    NetworkSession(ModelEntry entry, const std::string& path, Network network, DeviceInfo device,
                   SessionOptions options, bool checksumVerified)
        : entry_(std::move(entry)), fileName_(std::filesystem::path(path).filename().string()),
          network_(std::move(network)), device_(std::move(device)), options_(std::move(options)),
          torchDevice_(device_.cuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU)) {
        network_.module->to(torchDevice_);
        // fp16 only on CUDA and only where the manifest says the model's output stays good in it
        // (halfSafe) and the options allow it; the CPU always runs fp32. Not yet run on a GPU for
        // these native networks: their manifest entries keep halfSafe false until it has been.
        half_ = device_.cuda && options_.allowHalf && entry_.contract.halfSafe;
        if (half_) network_.module->to(torch::kHalf);
        layout_ = entry_.contract.layout();
        stats_.checksumVerified = checksumVerified;
        stats_.half = half_;
        stats_.precisionNote = !device_.cuda ? "fp32 on the CPU (native network)"
                               : half_       ? "fp16 (native network)"
                                             : "fp32 (native network)";
    }

    const ModelEntry& entry() const override { return entry_; }
    const DeviceInfo& device() const override { return device_; }

    cv::Mat inpaint(const cv::Mat&, const cv::Mat&) override {
        throw Error(fileName_ + ": an image-to-image network cannot fill holes");
    }

    cv::Mat imageToImage(const cv::Mat& bgr) override { return run(bgr, false); }

    void warmUp() override {
        std::vector<int> sides = entry_.contract.buckets;
        if (network_.fixedSize > 0) sides = {network_.fixedSize};
        for (int side : sides) {
            // On the CPU a first call costs what later ones do: warming only burns seconds there.
            if (!device_.cuda && side > options_.cpuWarmupMaxSide) continue;
            cv::Mat sample(side, side, CV_8UC3);
            cv::randu(sample, cv::Scalar::all(0), cv::Scalar::all(255));
            run(sample, true);
        }
    }

    SessionStats stats() const override {
        std::lock_guard<std::mutex> lock(statsMutex_);
        return stats_;
    }

private:
    cv::Mat run(const cv::Mat& bgr, bool warmup) {
        if (bgr.empty() || bgr.type() != CV_8UC3)
            throw Error(fileName_ + ": takes 8-bit colour pixels");
        const int rows = bgr.rows, cols = bgr.cols;
        const bool fixed = network_.fixedSize > 0;
        const int multiple = std::max(1, entry_.contract.sizeMultiple);
        const int ph = fixed ? network_.fixedSize : roundUp(rows, multiple);
        const int pw = fixed ? network_.fixedSize : roundUp(cols, multiple);
        cv::Mat image = bgr;
        if (fixed && (rows != ph || cols != pw))
            cv::resize(bgr, image, cv::Size(pw, ph), 0, 0, rows > ph ? cv::INTER_AREA : cv::INTER_CUBIC);
        else if (!fixed && (ph != rows || pw != cols))
            cv::copyMakeBorder(bgr, image, 0, ph - rows, 0, pw - cols, cv::BORDER_REFLECT);
        torch::Tensor out;
        {
            torch::NoGradGuard noGrad;
            const torch::Tensor input = image::bgrToTensor(image, layout_, torchDevice_);
            out = network_.forward(half_ ? input.to(torch::kHalf) : input);
            if (half_) out = out.to(torch::kFloat);
        }
        if (out.dim() != 4 || out.size(1) != 3 || out.size(2) != ph || out.size(3) != pw)
            throw Error(fileName_ + ": the network returned " + std::string(c10::str(out.sizes())) +
                        " for a " + std::to_string(pw) + "x" + std::to_string(ph) + " image");
        {
            std::lock_guard<std::mutex> lock(statsMutex_);
            ++stats_.calls;
            if (warmup) ++stats_.warmupCalls;
        }
        cv::Mat result = image::tensorToBgr(out, layout_);
        if (fixed && (rows != ph || cols != pw)) {
            cv::Mat resized;
            cv::resize(result, resized, bgr.size(), 0, 0, rows < ph ? cv::INTER_AREA : cv::INTER_CUBIC);
            return resized;
        }
        return result(cv::Rect(0, 0, cols, rows)).clone();
    }

    ModelEntry entry_;
    std::string fileName_;
    Network network_;
    DeviceInfo device_;
    SessionOptions options_;
    torch::Device torchDevice_;
    image::TensorLayout layout_;
    bool half_ = false;
    mutable std::mutex statsMutex_;
    SessionStats stats_;
};

}  // namespace

std::unique_ptr<InferenceSession> loadNetworkSession(const ModelEntry& entry, const std::string& path,
                                                     const DeviceInfo& device,
                                                     const SessionOptions& options,
                                                     bool checksumVerified) {
    const std::string fileName = std::filesystem::path(path).filename().string();
    if (entry.contract.kind != ModelKind::ImageToImage)
        throw Error(fileName + ": the " + entry.architecture + " network is image-to-image, the "
                    "manifest's contract says \"inpaint\"");
    // The contract is checked before hundreds of megabytes of weights are read.
    Network network = makeNetwork(entry.architecture);
    if (network.fixedSize > 0 && entry.contract.fixedSize != network.fixedSize)
        throw Error(fileName + ": the " + entry.architecture + " network takes " +
                    std::to_string(network.fixedSize) + " pixel squares; the manifest's contract says " +
                    (entry.contract.fixedSize > 0 ? std::to_string(entry.contract.fixedSize) : "any size"));
    loadWeights(*network.module, readStateDict(path), fileName, entry.architecture);
    network.module->eval();
    return std::make_unique<NetworkSession>(entry, path, std::move(network), device, options,
                                            checksumVerified);
}

}  // namespace pm::engine::nets
