#pragma once
// What a model's dry run must give for the manifest's contract to hold: the load-time check that
// turns a wrong model file into a message naming the file, instead of wrong pixels later.
#include <string>

#include "core/engine/model_registry.h"

namespace at {
class Tensor;
}

namespace pm::engine {

/// Throws pm::Error "<fileName>: wrong contract: ..." unless `out`, the model's output for a
/// [1, 3, side, side] input, is [1, 3, side, side], finite and inside the contract's value range
/// (give or take 5% of it).
void checkContractOutput(const at::Tensor& out, int side, const ModelContract& contract,
                         const std::string& fileName);

}  // namespace pm::engine
