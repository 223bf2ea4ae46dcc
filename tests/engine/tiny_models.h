#pragma once
// Tiny TorchScript models with the real contracts, built in C++ so no test needs downloaded
// weights, and manifests that describe them.
#include <string>

#include "tests/support/file_bytes.h"

namespace pm::test {

/// Inpaint contract: forward(image, mask) = image * (1 - mask) + 0.5 * mask.
void saveGreyFillModel(const std::string& path);
/// The grey-fill model, but on the GPU it fails like CUDA running out of memory (the same message)
/// for inputs taller or wider than maxSide.
void saveOutOfMemoryAboveModel(const std::string& path, int maxSide);
/// Image-to-image, range -1..1: forward(image) = -image (a photographic negative).
void saveNegativeModel(const std::string& path);
/// Image-to-image: every output channel is a copy of input channel 0.
void saveFirstChannelModel(const std::string& path);
/// Image-to-image that only runs on 32x32 inputs (fixed-size contract).
void saveFixed32Model(const std::string& path);
/// Inpaint signature but the output is half the size (breaks the shape contract).
void saveHalfSizeModel(const std::string& path);
/// Inpaint signature but the output is in 0..255 (breaks the range contract).
void saveWrongRangeModel(const std::string& path);

/// One manifest entry as JSON text (an element of "models").
std::string manifestEntry(const std::string& id, const std::string& task, const std::string& file,
                          const std::string& contractJson, const std::string& sha256 = "",
                          long long size = 0);
/// {"models": [entries...]} written to dir/manifest.json; returns its path.
std::string writeManifest(const std::string& dir, const std::string& entriesJson);

}  // namespace pm::test
