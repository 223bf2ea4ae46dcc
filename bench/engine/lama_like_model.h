#pragma once
// A network with big-LaMa's architecture (FFC-ResNet, about 51 M parameters) and random weights,
// built in C++ as TorchScript with big-lama.pt's contract, so machines without Python torch can
// time the engine on it. The C++ twin of bench/gpu/make_lama_like.py: same layers, same operations
// (reflection pads, batch norms with running statistics, rfftn/irfftn with torch.complex), same
// parameter count. Timings on it stand for the real model's; its outputs do not.
#include <cstdint>
#include <string>

namespace pm::bench {

struct LamaLikeOptions {
    int blocks = 18;            // FFC residual blocks at the bottleneck
    uint64_t seed = 0;          // random weights are reproducible
    int calibrationSide = 256;  // side of the random images the batch-norm statistics come from
};

struct LamaLikeSummary {
    int64_t parameters = 0;
    int64_t buffers = 0;  // batch-norm running statistics
};

/// Builds the network, measures its batch-norm running statistics on random photo-like inputs
/// (as make_lama_like.py does, so activations stay in a trained network's range through the
/// residual blocks), switches it to eval mode and saves it as TorchScript at path.
LamaLikeSummary saveLamaLikeModel(const std::string& path, const LamaLikeOptions& options = {});

}  // namespace pm::bench
