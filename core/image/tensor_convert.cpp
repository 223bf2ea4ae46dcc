#include "core/image/tensor_convert.h"

#include <string>

#include "core/common/error.h"

namespace pm::image {
namespace {

// The Mat's pixels as a uint8 [H,W,C] tensor that does not own them: copy before `contiguous`
// goes away.
torch::Tensor borrowBytes(const cv::Mat& contiguous) {
    return torch::from_blob(contiguous.data,
                            {contiguous.rows, contiguous.cols, contiguous.channels()},
                            torch::kUInt8);
}

torch::Tensor u8ToDevice(const cv::Mat& mat, const torch::Device& device) {
    cv::Mat contiguous = mat.isContinuous() ? mat : mat.clone();
    auto cpu = borrowBytes(contiguous);
    return device.is_cpu() ? cpu.clone() : cpu.to(device, /*non_blocking=*/false, /*copy=*/true);
}

}  // namespace

torch::Tensor bgrToTensor(const cv::Mat& bgr, const TensorLayout& layout,
                          const torch::Device& device) {
    if (bgr.empty() || bgr.type() != CV_8UC3)
        throw Error("image for the model must be 8-bit with 3 channels (BGR), got type " +
                    std::to_string(bgr.type()));
    return bgrBytesToModel(u8ToDevice(bgr, device), layout);
}

torch::Tensor bgrBytesToModel(const torch::Tensor& hwc, const TensorLayout& layout,
                              torch::ScalarType dtype) {
    // Each channel is scaled straight from the interleaved bytes into its plane of the NCHW
    // result: no float copy in HWC order to flip and transpose afterwards (on the GPU those were
    // four full-size passes of a CUDA-graphed request; now three third-size ones). Same values:
    // the division runs in fp32 and is rounded once into `dtype`.
    const int64_t rows = hwc.size(0), cols = hwc.size(1);
    const bool signedRange = layout.range != ValueRange::ZeroOne;
    // The signed range subtracts after dividing: that step stays in fp32 as it always was.
    const auto planesType = signedRange ? torch::kFloat32 : dtype;
    auto planes = torch::empty({1, 3, rows, cols}, hwc.options().dtype(planesType));
    // A 0-dim fp32 divisor makes the division itself fp32, as uint8 / Python-style scalar was.
    const auto divisor = torch::scalar_tensor(signedRange ? 127.5 : 255.0, torch::kFloat32);
    for (int64_t c = 0; c < 3; ++c) {
        const int64_t from = layout.order == ChannelOrder::Rgb ? 2 - c : c;
        auto plane = planes[0][c];
        at::div_out(plane, hwc.select(2, from), divisor);
    }
    if (!signedRange) return planes;
    return planes.sub_(1.0).to(dtype);
}

torch::Tensor maskToTensor(const cv::Mat& mask, const torch::Device& device) {
    if (mask.empty() || mask.type() != CV_8UC1)
        throw Error("mask for the model must be 8-bit with 1 channel, got type " +
                    std::to_string(mask.type()));
    return maskBytesToModel(u8ToDevice(mask, device));
}

torch::Tensor maskBytesToModel(const torch::Tensor& hw1, torch::ScalarType dtype) {
    // [H,W,1] is already [1,H,W] in memory: the view costs nothing.
    return hw1.permute({2, 0, 1}).unsqueeze(0).ne(0).to(dtype).contiguous();
}

torch::Tensor modelToBgrBytes(const torch::Tensor& tensor, const TensorLayout& layout) {
    auto t = tensor.dim() == 4 ? tensor.squeeze(0) : tensor;
    if (t.dim() != 3 || t.size(0) != 3)
        throw Error("model output must be [1,3,H,W], got " + std::string(c10::str(tensor.sizes())));
    // A private fp32 copy scaled, clamped and rounded in place; then each plane is written into
    // its channel of the interleaved bytes (no flipped copy, no transposing pass).
    auto levels = t.to(torch::kFloat32, /*non_blocking=*/false, /*copy=*/true);
    if (layout.range == ValueRange::ZeroOne)
        levels.mul_(255.0);
    else
        levels.add_(1.0).mul_(127.5);
    levels.clamp_(0.0, 255.0).round_();
    auto bytes = torch::empty({t.size(1), t.size(2), 3}, t.options().dtype(torch::kUInt8));
    for (int64_t c = 0; c < 3; ++c)
        bytes.select(2, c).copy_(levels[layout.order == ChannelOrder::Rgb ? 2 - c : c]);
    return bytes;
}

cv::Mat tensorToBgr(const torch::Tensor& tensor, const TensorLayout& layout) {
    // One copy from the device straight into the image's pixels (no host tensor in between).
    return tensorToBytes(modelToBgrBytes(tensor, layout));
}

torch::Tensor bytesToTensor(const cv::Mat& mat, const torch::Device& device) {
    if (mat.empty() || mat.depth() != CV_8U)
        throw Error("pixels for the tensor must be 8-bit, got type " + std::to_string(mat.type()));
    return u8ToDevice(mat, device);
}

void copyBytesInto(const cv::Mat& mat, torch::Tensor& hwc) {
    if (mat.empty() || mat.depth() != CV_8U || hwc.scalar_type() != torch::kUInt8 ||
        hwc.dim() != 3 || hwc.size(0) != mat.rows || hwc.size(1) != mat.cols ||
        hwc.size(2) != mat.channels())
        throw Error("pixels do not fit the tensor: type " + std::to_string(mat.type()) + ", " +
                    std::to_string(mat.cols) + "x" + std::to_string(mat.rows) + " into " +
                    std::string(c10::str(hwc.sizes())));
    const cv::Mat contiguous = mat.isContinuous() ? mat : mat.clone();
    hwc.copy_(borrowBytes(contiguous));
}

cv::Mat tensorToBytes(const torch::Tensor& hwc) {
    if (hwc.dim() != 3 || hwc.scalar_type() != torch::kUInt8 || hwc.size(2) < 1 || hwc.size(2) > 4)
        throw Error("pixels must be uint8 [H,W,1..4], got " + std::string(c10::str(hwc.sizes())));
    const int channels = static_cast<int>(hwc.size(2));
    cv::Mat out(static_cast<int>(hwc.size(0)), static_cast<int>(hwc.size(1)), CV_8UC(channels));
    copyBytesOut(hwc, out);
    return out;
}

void copyBytesOut(const torch::Tensor& hwc, cv::Mat& out) {
    if (hwc.dim() != 3 || hwc.scalar_type() != torch::kUInt8 || out.empty() ||
        out.depth() != CV_8U || !out.isContinuous() || hwc.size(0) != out.rows ||
        hwc.size(1) != out.cols || hwc.size(2) != out.channels())
        throw Error("pixels do not fit the image: " + std::string(c10::str(hwc.sizes())) + " " +
                    std::string(c10::toString(hwc.scalar_type())) + " into type " +
                    std::to_string(out.type()) + ", " + std::to_string(out.cols) + "x" +
                    std::to_string(out.rows));
    torch::from_blob(out.data, {out.rows, out.cols, out.channels()}, torch::kUInt8).copy_(hwc);
}

}  // namespace pm::image
