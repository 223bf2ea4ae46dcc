#pragma once
// Reading a PyTorch checkpoint as `torch.save(model.state_dict(), path)` writes it, without Python:
// the zip format of torch >= 1.6 and the older "legacy" format (a run of pickles followed by the raw
// storages). Only what a state dict holds is understood (dicts, OrderedDicts, tensors, plain
// values); anything else (a pickled class instance, code) is refused, so loading a file never runs
// anything it names. Private to libphotomend-torch.so (it includes torch).
#include <string>
#include <vector>

#include <torch/torch.h>

namespace pm::engine::nets {

struct NamedTensor {
    std::string name;
    torch::Tensor tensor;  ///< on the CPU, in the dtype the file holds
};

/// The tensors of the state dict in `path`, in file order. A checkpoint that wraps its state dict
/// (e.g. {"state_dict": {...}}) is unwrapped when the wrapper holds exactly one dict of tensors;
/// a "module." prefix that DataParallel adds to every name is dropped. Throws pm::Error naming the
/// file and what is wrong (not a PyTorch checkpoint, truncated, holds something else).
std::vector<NamedTensor> readStateDict(const std::string& path);

}  // namespace pm::engine::nets
