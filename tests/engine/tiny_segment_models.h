#pragma once
// Tiny TorchScript models with the "segment" contract (EfficientSAM's published TorchScript export,
// core/engine/model_registry.h), written by libtorch from TorchScript source so no Python is needed.
// They "segment" by colour: the mask is where the embedding's colour is close to the colour under the
// first positive click (or the first point), which is enough to check that clicks, coordinates and
// the choice among candidate masks go through the engine the way a real model's would.
#include <string>

namespace pm::test {

/// forward(images, points, labels) and the exported get_image_embeddings / predict_masks: the
/// engine computes the embedding once per photo. The best of its three candidates is the second
/// (IoU 0.9); the first selects everything, the third nothing.
void saveSeparableColourSegmenter(const std::string& path);
/// The same model with forward() only: every click runs the whole model.
void saveWholeColourSegmenter(const std::string& path);
/// forward(images, points, labels) returns one tensor instead of (logits, IoU): a wrong contract.
void saveWrongSegmenter(const std::string& path);

/// forward(batched_images, batched_points, batched_point_labels) only, three arguments and no
/// more: the signature of EfficientSAM's traced files (efficientsam_ti_cpu.jit and the like).
void saveThreeArgumentColourSegmenter(const std::string& path);

/// SAM's split export (core/engine/sam_pair_image.h), segmenting by colour as above on a 256x256
/// "embedding" (SAM's is 64x64 with 256 channels; finer here so the disk's edge is sharp). The
/// encoder takes [1,3,1024,1024] normalised and padded input, or with `normalisesItself` [h,w,3]
/// pixels that it normalises and pads (segment-anything's ImageEncoderOnnxModel without and with
/// use_preprocess).
void saveSamEncoder(const std::string& path, bool normalisesItself);
/// SamOnnxModel's forward(image_embeddings, point_coords, point_labels, mask_input, has_mask_input,
/// orig_im_size) -> (masks [1,4,H,W], scores [1,4], low-res masks): mask 0 and mask 2 (the best
/// scored of the multimask outputs 1..3) are the colour under the first click, 1 everything, 3 nothing.
void saveSamDecoder(const std::string& path);
/// A decoder answering with one tensor: a wrong contract.
void saveWrongSamDecoder(const std::string& path);

/// The manifest contract of a segment model.
constexpr const char* kSegmentContract = R"({"kind": "segment"})";
/// The same for SAM's split export, the entry's file being the encoder.
constexpr const char* kSamPairContract = R"({"kind": "segment", "decoder": "decoder.pt"})";

}  // namespace pm::test
