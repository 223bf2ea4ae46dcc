#pragma once
// cv::Mat <-> torch::Tensor for model inputs and outputs. The only place where OpenCV images become
// tensors: 8-bit BGR pixels turn into float [1,C,H,W] in the range and channel order a model
// expects, and back. The pixel arithmetic runs on the target device so large images cross the bus
// as bytes.
#include <torch/torch.h>
#include <opencv2/core.hpp>

#include "core/image/tensor_layout.h"

namespace pm::image {

/// CV_8UC3 BGR -> float [1,3,H,W] on `device` in `layout`'s range and order.
/// Throws pm::Error for any other pixel type.
torch::Tensor bgrToTensor(const cv::Mat& bgr, const TensorLayout& layout,
                          const torch::Device& device = torch::kCPU);

/// CV_8UC1 mask (non-zero = selected) -> float [1,1,H,W] holding exactly 0 or 1, on `device`.
torch::Tensor maskToTensor(const cv::Mat& mask, const torch::Device& device = torch::kCPU);

/// Float [1,3,H,W] (or [3,H,W]) in `layout` -> CV_8UC3 BGR, clamped and rounded to the nearest
/// level. The tensor may live on any device and in any floating dtype. Throws pm::Error for another
/// shape.
cv::Mat tensorToBgr(const torch::Tensor& tensor, const TensorLayout& layout);

/// CV_8UC(n) pixels as they are -> uint8 [H,W,n] on `device`, for algorithms that work on tensors
/// rather than feed a model (the built-in fill's GPU search).
torch::Tensor bytesToTensor(const cv::Mat& mat, const torch::Device& device);

/// CV_8UC(n) pixels copied into an existing uint8 [H,W,n] tensor on any device (one copy: the
/// engine's captured CUDA graphs read their input from fixed tensors). Throws pm::Error when
/// they do not fit.
void copyBytesInto(const cv::Mat& mat, torch::Tensor& hwc);

/// uint8 [H,W,n] on any device -> CV_8UC(n). Throws pm::Error for another shape or type.
cv::Mat tensorToBytes(const torch::Tensor& hwc);
/// uint8 [H,W,n] on any device copied into `out`, an existing continuous CV_8UC(n) Mat of the
/// same size (one copy: the engine reuses its result buffers). Throws pm::Error when it does not fit.
void copyBytesOut(const torch::Tensor& hwc, cv::Mat& out);

// The tensor halves of the conversions above, for pixels already on the device: the engine
// records them into its CUDA graphs so that a request uploads and downloads bytes only.

/// uint8 [H,W,3] BGR -> contiguous [1,3,H,W] of `dtype` (fp32 or a model's fp16) in `layout`,
/// on the same device; fp16 holds the fp32 values rounded once.
torch::Tensor bgrBytesToModel(const torch::Tensor& hwc, const TensorLayout& layout,
                              torch::ScalarType dtype = torch::kFloat32);
/// uint8 [H,W,1] (non-zero = selected) -> contiguous [1,1,H,W] of 0 and 1 in `dtype`.
torch::Tensor maskBytesToModel(const torch::Tensor& hw1, torch::ScalarType dtype = torch::kFloat32);
/// [1,3,H,W] or [3,H,W] in `layout`, any floating dtype -> contiguous uint8 [H,W,3] BGR, same
/// device.
torch::Tensor modelToBgrBytes(const torch::Tensor& tensor, const TensorLayout& layout);

}  // namespace pm::image
