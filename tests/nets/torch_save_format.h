#pragma once
// Test fixtures in the format Python's `torch.save(model.state_dict(), path)` writes, made in C++
// because the test machines have no Python torch: the same pickle opcodes (protocol 2: an
// OrderedDict REDUCEd from collections, SETITEMS, its _metadata BUILD, tensors rebuilt by
// torch._utils._rebuild_tensor_v2 from persistent storage ids) in the zip archive of torch >= 1.6
// (written by the same PyTorchStreamWriter torch.save uses) or in the legacy format of older torch.
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

namespace pm::test {

enum class TorchSaveFormat { Zip, Legacy };

using StateDict = std::vector<std::pair<std::string, torch::Tensor>>;

void torchSaveStateDict(const StateDict& tensors, const std::string& path, TorchSaveFormat format);

/// A module's parameters and buffers (named_parameters, then named_buffers), as state_dict() lists them.
StateDict stateDictOf(torch::nn::Module& module);

}  // namespace pm::test
