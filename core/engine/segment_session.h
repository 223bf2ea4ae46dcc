#pragma once
// The "segment" contract's session (model_registry.h: EfficientSAM's TorchScript export): the photo
// goes to the model at most kSegmentLongSide pixels on its long side (the published model resizes
// every input to 1024² itself, so more pixels only cost time), the chosen mask's logits come back
// at that size and are scaled up to the photo before they are cut at 0. Private to core/engine (it
// includes torch).
#include <memory>
#include <string>

#include "core/engine/inference_session.h"

namespace torch::jit { struct Module; }

namespace pm::engine {

constexpr int kSegmentLongSide = 1024;

/// Wraps a loaded module and checks its contract with a dry run on a tiny photo and one click.
/// Throws pm::Error "<file>: wrong contract: ..." when it does not answer as the contract says.
std::unique_ptr<InferenceSession> makeSegmentSession(const ModelEntry& entry, const std::string& path,
                                                     torch::jit::Module module, const DeviceInfo& device,
                                                     bool checksumVerified);

/// SAM's split export (MobileSAM, SAM; sam_pair_image.h): `encoder` the image encoder (the entry's
/// file), `decoder` the prompt decoder (its contract's "decoder" file). The dry run finds which of
/// SAM's two encoder inputs the encoder takes; pm::Error "<file>: wrong contract: ..." when neither.
std::unique_ptr<InferenceSession> makeSamPairSession(const ModelEntry& entry, const std::string& path,
                                                     torch::jit::Module encoder, torch::jit::Module decoder,
                                                     const DeviceInfo& device, bool checksumVerified);

}  // namespace pm::engine
