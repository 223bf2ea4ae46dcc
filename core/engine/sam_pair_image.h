#pragma once
// SAM's split export (MobileSAM, SAM): an image encoder run once per photo and a prompt decoder run
// per click, two TorchScript files. The decoder has the signature of segment-anything's
// SamOnnxModel (segment_anything/utils/onnx.py): forward(image_embeddings, point_coords [1,N,2],
// point_labels [1,N], mask_input [1,1,256,256], has_mask_input [1], orig_im_size [2]) ->
// (masks [1,K,H,W] logits at orig_im_size, scores [1,K], ...). Private to core/engine (includes torch).
#include <memory>
#include <string>

#include <torch/script.h>

#include "core/engine/segment_image.h"

namespace pm::engine {

/// SAM resizes the photo's long side to this and pads it to a square of it.
constexpr int kSamLongSide = 1024;

/// How the encoder takes the photo; both are segment-anything's ImageEncoderOnnxModel.
enum class SamEncoderInput {
    /// [1,3,1024,1024]: long side resized to 1024, normalised with SAM's pixel mean and std, padded
    /// at the bottom and right (use_preprocess=False; also a traced sam.image_encoder).
    Normalized,
    /// [h,w,3] RGB 0..255 with the long side 1024 (use_preprocess=True: the encoder normalises and pads).
    Pixels,
};

/// A model's mask logits [1,1,h,w] at the work copy's size as the photo's 0/255 mask: scaled up as
/// logits and cut at 0 afterwards, so the edge lands between the work copy's pixels.
cv::Mat maskFromLogits(torch::Tensor logits, cv::Size work, cv::Size size);

/// Runs `encoder` on `bgr` (CV_8UC3) now; select() then runs only `decoder`. Throws what torch
/// throws when the encoder does not take `input`, and pm::Error "<file>: wrong contract: ..." when
/// an answer has other shapes than the contract says.
std::unique_ptr<SegmentImage> makeSamPairImage(torch::jit::Module encoder, torch::jit::Module decoder,
                                               SamEncoderInput input, const std::string& file, const cv::Mat& bgr,
                                               const torch::Device& device);

}  // namespace pm::engine
