#pragma once
// The networks PhotoMend defines itself, by the name a manifest entry gives as "architecture", so
// that their published PyTorch checkpoints load without Python. Private to libphotomend-torch.so.
#include <functional>
#include <memory>
#include <string>

#include <torch/torch.h>

namespace pm::engine::nets {

struct Network {
    std::shared_ptr<torch::nn::Module> module;
    /// [1,3,H,W] in the network's range -> the same shape.
    std::function<torch::Tensor(const torch::Tensor&)> forward;
    int fixedSize = 0;  ///< > 0: the only input side it takes
};

/// "gpen-bfr-512" or "animeganv2", with its initial (random) weights. Throws pm::Error otherwise.
Network makeNetwork(const std::string& architecture);

/// makeNetwork + readStateDict + loadWeights, in eval mode on the CPU. Throws pm::Error naming the
/// file for anything that keeps the checkpoint from being this architecture's.
Network loadNetwork(const std::string& architecture, const std::string& path);

}  // namespace pm::engine::nets
