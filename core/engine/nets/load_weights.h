#pragma once
// Copying a checkpoint's tensors into a module by name, refusing any mismatch: a checkpoint of a
// different architecture or size must fail with the tensor that differs, not run with random
// weights. Private to libphotomend-torch.so.
#include <string>
#include <vector>

#include <torch/torch.h>

#include "core/engine/nets/state_dict_file.h"

namespace pm::engine::nets {

/// Every parameter and buffer of `module` must be in `tensors` with the same shape, and nothing
/// else may be. Throws pm::Error "<fileName>: ..." naming the tensor (the first missing one, the
/// first unexpected one, or the first of the wrong shape, with both shapes).
void loadWeights(torch::nn::Module& module, const std::vector<NamedTensor>& tensors,
                 const std::string& fileName, const std::string& architecture);

}  // namespace pm::engine::nets
