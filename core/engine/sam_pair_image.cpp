#include "core/engine/sam_pair_image.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include "core/common/error.h"
#include "core/image/tensor_convert.h"

namespace pm::engine {

cv::Mat maskFromLogits(torch::Tensor logits, cv::Size work, cv::Size size) {
    if (size != work)
        logits = torch::nn::functional::interpolate(logits, torch::nn::functional::InterpolateFuncOptions()
                                                                .size(std::vector<int64_t>{size.height, size.width})
                                                                .mode(torch::kBilinear)
                                                                .align_corners(false));
    const torch::Tensor bytes = (logits[0].permute({1, 2, 0}) > 0).to(torch::kUInt8).mul_(255);
    return image::tensorToBytes(bytes.contiguous());
}
namespace {

// segment-anything's Sam.pixel_mean / pixel_std (RGB, 0..255).
const float kMean[3] = {123.675f, 116.28f, 103.53f};
const float kStd[3] = {58.395f, 57.12f, 57.375f};

torch::Tensor encoderInput(const cv::Mat& bgr, SamEncoderInput input, const torch::Device& device) {
    // RGB 0..255 [1,3,h,w] (core/image converts; 0..1 scaled back up).
    const torch::Tensor rgb =
        image::bgrToTensor(bgr, {image::ValueRange::ZeroOne, image::ChannelOrder::Rgb}, device).mul(255.0);
    if (input == SamEncoderInput::Pixels) return rgb[0].permute({1, 2, 0}).contiguous();
    const auto options = torch::TensorOptions().dtype(torch::kFloat32).device(device);
    const torch::Tensor mean = torch::tensor({kMean[0], kMean[1], kMean[2]}, options).view({1, 3, 1, 1});
    const torch::Tensor std = torch::tensor({kStd[0], kStd[1], kStd[2]}, options).view({1, 3, 1, 1});
    // Zeros after normalising, as Sam.preprocess pads.
    return torch::constant_pad_nd((rgb - mean) / std, {0, kSamLongSide - bgr.cols, 0, kSamLongSide - bgr.rows}, 0)
        .contiguous();
}

class SamPairImage final : public SegmentImage {
public:
    SamPairImage(torch::jit::Module encoder, torch::jit::Module decoder, SamEncoderInput input, std::string file,
                 const cv::Mat& bgr, torch::Device device)
        : decoder_(std::move(decoder)), file_(std::move(file)), device_(device), size_(bgr.size()) {
        torch::NoGradGuard noGrad;
        // ResizeLongestSide: the long side becomes 1024 (smaller photos are enlarged too).
        const double scale = double(kSamLongSide) / std::max(bgr.cols, bgr.rows);
        work_ = cv::Size(std::clamp(int(bgr.cols * scale + 0.5), 1, kSamLongSide),
                         std::clamp(int(bgr.rows * scale + 0.5), 1, kSamLongSide));
        cv::Mat work;
        cv::resize(bgr, work, work_, 0, 0, scale < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
        const c10::IValue out = encoder.forward({encoderInput(work, input, device_)});
        if (!out.isTensor() || out.toTensor().dim() != 4 || out.toTensor().size(0) != 1)
            throw Error(file_ + ": wrong contract: expected image embeddings [1, C, h, w] from the encoder");
        embedding_ = out.toTensor();
    }

    cv::Mat select(const SegmentPrompt& prompt) override {
        cv::Mat mask = cv::Mat::zeros(size_, CV_8UC1);
        if (prompt.positive.empty() && prompt.box.empty()) return mask;
        torch::NoGradGuard noGrad;
        const double sx = double(work_.width) / size_.width, sy = double(work_.height) / size_.height;
        std::vector<float> xy, labels;
        // Pixel indices in the resized photo (SamPredictor's apply_coords); the decoder adds 0.5.
        const auto add = [&](cv::Point p, float label) {
            xy.push_back(float(p.x * sx));
            xy.push_back(float(p.y * sy));
            labels.push_back(label);
        };
        if (!prompt.box.empty()) {
            add(prompt.box.tl(), 2);
            add(prompt.box.br(), 3);
        }
        for (const cv::Point& p : prompt.positive) add(p, 1);
        for (const cv::Point& p : prompt.negative) add(p, 0);
        if (prompt.box.empty()) add({0, 0}, -1);  // no box: a padding point, as SAM's ONNX example adds
        const long n = long(labels.size());
        const torch::Tensor coords = torch::from_blob(xy.data(), {1, n, 2}, torch::kFloat32).clone().to(device_);
        const torch::Tensor pointLabels = torch::from_blob(labels.data(), {1, n}, torch::kFloat32).clone().to(device_);
        const auto options = torch::TensorOptions().dtype(torch::kFloat32).device(device_);
        const torch::Tensor noMask = torch::zeros({1, 1, 256, 256}, options), hasMask = torch::zeros({1}, options);
        const torch::Tensor origSize =
            torch::tensor({float(work_.height), float(work_.width)}, torch::kFloat32).to(device_);
        const c10::IValue out = decoder_.forward({embedding_, coords, pointLabels, noMask, hasMask, origSize});
        return maskFromLogits(chosenMask(out, n), work_, size_);
    }

    bool separable() const override { return true; }
    cv::Size size() const override { return size_; }

private:
    /// (masks [1,K,h,w], scores [1,K], ...) -> [1,1,h,w]. With SAM's four masks, SamOnnxModel's
    /// select_masks rule: more than two points (the padding point counts) take the single-mask
    /// output (mask 0), fewer the best scored of the three multimask outputs.
    torch::Tensor chosenMask(const c10::IValue& out, long points) const {
        if (!out.isTuple() || out.toTupleRef().elements().size() < 2)
            throw Error(file_ + ": wrong contract: expected (masks, scores, ...) from the decoder");
        const auto& parts = out.toTupleRef().elements();
        const torch::Tensor masks = parts[0].toTensor(), scores = parts[1].toTensor();
        if (masks.dim() != 4 || masks.size(0) != 1 || masks.size(2) != work_.height || masks.size(3) != work_.width ||
            scores.dim() != 2 || scores.size(1) != masks.size(1))
            throw Error(file_ + ": wrong contract: expected masks [1, K, " + std::to_string(work_.height) + ", " +
                        std::to_string(work_.width) + "] and scores [1, K] from the decoder, got " +
                        std::string(c10::str(masks.sizes())) + " and " + std::string(c10::str(scores.sizes())));
        int64_t best = 0;
        if (masks.size(1) == 4) best = points > 2 ? 0 : 1 + scores[0].slice(0, 1, 4).argmax().item<int64_t>();
        else if (masks.size(1) > 1) best = scores[0].argmax().item<int64_t>();
        return masks[0][best].unsqueeze(0).unsqueeze(0).to(torch::kFloat32);
    }

    torch::jit::Module decoder_;
    std::string file_;
    torch::Device device_;
    cv::Size size_, work_;
    torch::Tensor embedding_;
};

}  // namespace

std::unique_ptr<SegmentImage> makeSamPairImage(torch::jit::Module encoder, torch::jit::Module decoder,
                                               SamEncoderInput input, const std::string& file, const cv::Mat& bgr,
                                               const torch::Device& device) {
    return std::make_unique<SamPairImage>(std::move(encoder), std::move(decoder), input, file, bgr, device);
}

}  // namespace pm::engine
