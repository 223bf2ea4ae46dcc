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

/// The manifest contract of a segment model.
constexpr const char* kSegmentContract = R"({"kind": "segment"})";

}  // namespace pm::test
