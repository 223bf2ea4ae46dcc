#include "core/engine/segment_session.h"

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <optional>

#include <opencv2/imgproc.hpp>
#include <torch/script.h>
#include <torch/torch.h>

#include "core/common/error.h"
#include "core/engine/runtime/torch_errors.h"
#include "core/engine/sam_pair_image.h"
#include "core/image/tensor_convert.h"

namespace pm::engine {
namespace {

// EfficientSAM's decoder takes at most 6 points (decoder_max_num_input_points): it drops the rest.
constexpr size_t kMaxPoints = 6;

struct PromptTensors {
    torch::Tensor points;  // [1,1,N,2] float (x, y) in the work copy's pixels
    torch::Tensor labels;  // [1,1,N] int64
};

// The box's corners first (labels 2 and 3, as SAM encodes a box), then the clicks, the latest kept
// when there are more than the decoder takes: the last click is the correction the user just made.
PromptTensors promptTensors(const SegmentPrompt& prompt, double scale, const torch::Device& device) {
    std::vector<float> xy;
    std::vector<int64_t> labels;
    const auto add = [&](cv::Point2d p, int64_t label) {
        xy.push_back(float(p.x * scale));
        xy.push_back(float(p.y * scale));
        labels.push_back(label);
    };
    if (!prompt.box.empty()) {
        add(prompt.box.tl(), 2);
        add(prompt.box.br(), 3);
    }
    // Clicks in the order they came is lost between the two lists: positives first, negatives last
    // (a negative click is always a correction of what the positives selected).
    std::vector<std::pair<cv::Point, int64_t>> clicks;
    for (const cv::Point& p : prompt.positive) clicks.push_back({p, 1});
    for (const cv::Point& p : prompt.negative) clicks.push_back({p, 0});
    const size_t room = kMaxPoints - labels.size();
    // Keep the first positive click (what the user is selecting) and the latest others.
    if (clicks.size() > room) {
        std::vector<std::pair<cv::Point, int64_t>> kept{clicks.front()};
        kept.insert(kept.end(), clicks.end() - long(room - 1), clicks.end());
        clicks = kept;
    }
    for (const auto& [p, label] : clicks) add(cv::Point2d(p.x + 0.5, p.y + 0.5), label);
    const long n = long(labels.size());
    return {torch::from_blob(xy.data(), {1, 1, n, 2}, torch::kFloat32).clone().to(device),
            torch::from_blob(labels.data(), {1, 1, n}, torch::kInt64).clone().to(device)};
}

// (mask logits [1,1,K,h,w], IoU [1,1,K]) -> the best candidate's logits [1,1,h,w].
torch::Tensor bestMask(const c10::IValue& output, const std::string& file, int64_t h, int64_t w) {
    if (!output.isTuple() || output.toTupleRef().elements().size() != 2)
        throw Error(file + ": wrong contract: expected (mask logits, IoU predictions) from the model");
    const auto& parts = output.toTupleRef().elements();
    const torch::Tensor logits = parts[0].toTensor(), iou = parts[1].toTensor();
    if (logits.dim() != 5 || logits.size(0) != 1 || logits.size(1) != 1 || logits.size(3) != h ||
        logits.size(4) != w || iou.dim() != 3 || iou.size(2) != logits.size(2))
        throw Error(file + ": wrong contract: expected mask logits [1, 1, K, " + std::to_string(h) + ", " +
                    std::to_string(w) + "] and IoU [1, 1, K], got " + std::string(c10::str(logits.sizes())) +
                    " and " + std::string(c10::str(iou.sizes())));
    const int64_t best = iou[0][0].argmax().item<int64_t>();
    return logits[0][0][best].unsqueeze(0).unsqueeze(0).to(torch::kFloat32);
}

class TorchSegmentImage final : public SegmentImage {
public:
    TorchSegmentImage(torch::jit::Module module, std::string file, const cv::Mat& bgr,
                      torch::Device device, bool separable)
        : module_(std::move(module)), file_(std::move(file)), device_(device), size_(bgr.size()),
          separable_(separable) {
        torch::NoGradGuard noGrad;
        scale_ = std::min(1.0, double(kSegmentLongSide) / std::max(bgr.cols, bgr.rows));
        cv::Mat work = bgr;
        if (scale_ < 1.0) cv::resize(bgr, work, cv::Size(), scale_, scale_, cv::INTER_AREA);
        work_ = work.size();
        scale_ = double(work.cols) / bgr.cols;
        image_ = image::bgrToTensor(work, {image::ValueRange::ZeroOne, image::ChannelOrder::Rgb}, device_);
        if (separable_) {
            embedding_ = module_.get_method("get_image_embeddings")({image_}).toTensor();
            image_ = torch::Tensor();  // only the embedding is needed from now on
        }
    }

    cv::Mat select(const SegmentPrompt& prompt) override {
        cv::Mat mask = cv::Mat::zeros(size_, CV_8UC1);
        if (prompt.positive.empty() && prompt.box.empty()) return mask;
        torch::NoGradGuard noGrad;
        const PromptTensors p = promptTensors(prompt, scale_, device_);
        const int64_t h = work_.height, w = work_.width;
        const c10::IValue out =
            separable_ ? module_.get_method("predict_masks")({embedding_, p.points, p.labels, true, h, w, h, w})
                       : module_.forward({image_, p.points, p.labels});
        return maskFromLogits(bestMask(out, file_, h, w), work_, size_);
    }

    bool separable() const override { return separable_; }
    cv::Size size() const override { return size_; }

private:
    torch::jit::Module module_;
    std::string file_;
    torch::Device device_;
    cv::Size size_, work_;
    double scale_ = 1;
    bool separable_;
    torch::Tensor image_, embedding_;
};

class SegmentSession final : public InferenceSession {
public:
    /// `decoder`: SAM's split export, `module` being its image encoder (sam_pair_image.h).
    SegmentSession(ModelEntry entry, const std::string& path, torch::jit::Module module, DeviceInfo device,
                   bool checksumVerified, std::optional<torch::jit::Module> decoder = std::nullopt)
        : entry_(std::move(entry)), file_(std::filesystem::path(path).filename().string()),
          module_(std::move(module)), decoder_(std::move(decoder)), device_(std::move(device)),
          torchDevice_(device_.cuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU)) {
        module_.eval();
        module_.to(torchDevice_);
        if (decoder_) {
            decoder_->eval();
            decoder_->to(torchDevice_);
        }
        separable_ = decoder_ || (module_.find_method("get_image_embeddings").has_value() &&
                                  module_.find_method("predict_masks").has_value());
        stats_.checksumVerified = checksumVerified;
        stats_.precisionNote = separable_ ? "fp32, image encoder once per photo" : "fp32, whole model per click";
    }

    const ModelEntry& entry() const override { return entry_; }
    const DeviceInfo& device() const override { return device_; }
    cv::Mat inpaint(const cv::Mat&, const cv::Mat&) override {
        throw Error(file_ + ": a segmentation model cannot fill");
    }
    cv::Mat imageToImage(const cv::Mat&) override {
        throw Error(file_ + ": a segmentation model does not make images");
    }
    std::unique_ptr<SegmentImage> prepareSegment(const cv::Mat& bgr) override {
        if (bgr.type() != CV_8UC3 || bgr.empty())
            throw Error(file_ + ": segmentation needs an 8-bit colour photo");
        count(false);
        return image(bgr);
    }
    /// A dry run on a small photo with one click: the contract, and the first call's cost paid now.
    void warmUp() override {
        count(true);
        dryRun();
    }
    SessionStats stats() const override {
        std::lock_guard<std::mutex> lock(statsMutex_);
        return stats_;
    }

    /// SAM's split export: which of its two encoder inputs this encoder takes is found by a dry run
    /// with each (the published exports differ only in whether the encoder normalises and pads).
    void verifySamPairContract() {
        std::string tried;
        for (const auto& [input, name] : {std::pair{SamEncoderInput::Normalized, "images [1, 3, 1024, 1024] normalised"},
                                          std::pair{SamEncoderInput::Pixels, "pixels [h, w, 3] 0..255"}}) {
            encoderInput_ = input;
            try {
                dryRun();
                return;
            } catch (const std::exception& e) {
                tried += std::string(tried.empty() ? "" : "; ") + "as " + name + ": " + errorText(e);
            }
        }
        throw Error(file_ + ": wrong contract: expected SAM's image encoder and a decoder forward(image_embeddings, "
                            "point_coords, point_labels, mask_input, has_mask_input, orig_im_size) -> (masks, "
                            "scores, ...); " + tried);
    }

    void verifyContract() {
        if (decoder_) return verifySamPairContract();
        try {
            dryRun();
        } catch (const Error&) {
            throw;
        } catch (const std::exception& e) {
            throw Error(file_ + ": wrong contract: expected forward(images [1, 3, H, W], points [1, 1, N, 2], "
                                "labels [1, 1, N]) -> (mask logits, IoU), got an error: " + errorText(e));
        }
    }

private:
    std::unique_ptr<SegmentImage> image(const cv::Mat& bgr) {
        if (decoder_) return makeSamPairImage(module_, *decoder_, encoderInput_, file_, bgr, torchDevice_);
        return std::make_unique<TorchSegmentImage>(module_, file_, bgr, torchDevice_, separable_);
    }
    void dryRun() {
        cv::Mat photo(64, 96, CV_8UC3, cv::Scalar(40, 90, 160));
        cv::circle(photo, {48, 32}, 16, cv::Scalar(200, 200, 60), cv::FILLED);
        const cv::Mat mask = image(photo)->select({{cv::Point(48, 32)}, {}, {}});
        if (mask.size() != photo.size()) throw Error(file_ + ": wrong contract: the mask has another size");
    }
    void count(bool warmup) {
        std::lock_guard<std::mutex> lock(statsMutex_);
        ++stats_.calls;
        if (warmup) ++stats_.warmupCalls;
    }

    ModelEntry entry_;
    std::string file_;
    torch::jit::Module module_;
    std::optional<torch::jit::Module> decoder_;
    SamEncoderInput encoderInput_ = SamEncoderInput::Normalized;
    DeviceInfo device_;
    torch::Device torchDevice_;
    bool separable_ = false;
    mutable std::mutex statsMutex_;
    SessionStats stats_;
};

}  // namespace

std::unique_ptr<InferenceSession> makeSegmentSession(const ModelEntry& entry, const std::string& path,
                                                     torch::jit::Module module, const DeviceInfo& device,
                                                     bool checksumVerified) {
    auto session = std::make_unique<SegmentSession>(entry, path, std::move(module), device, checksumVerified);
    session->verifyContract();
    return session;
}

std::unique_ptr<InferenceSession> makeSamPairSession(const ModelEntry& entry, const std::string& path,
                                                     torch::jit::Module encoder, torch::jit::Module decoder,
                                                     const DeviceInfo& device, bool checksumVerified) {
    auto session = std::make_unique<SegmentSession>(entry, path, std::move(encoder), device, checksumVerified,
                                                    std::move(decoder));
    session->verifyContract();
    return session;
}

}  // namespace pm::engine
