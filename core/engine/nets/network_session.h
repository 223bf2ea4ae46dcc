#pragma once
// InferenceSession for a manifest entry with "format": "state_dict": the published PyTorch
// checkpoint loaded into PhotoMend's own definition of its network (networks.h) and run eagerly in
// fp32. The TorchScript path's GPU machinery (graph rewrites, fp16, CUDA graphs) needs a
// TorchScript graph and does not apply. Private to libphotomend-torch.so.
#include <memory>
#include <string>

#include "core/engine/inference_session.h"

namespace pm::engine::nets {

/// Builds the entry's architecture, loads the checkpoint at `path` into it and moves it to the
/// device. Throws pm::Error naming the file (unknown architecture, a contract that is not the
/// network's, any missing, unexpected or misshapen tensor).
std::unique_ptr<InferenceSession> loadNetworkSession(const ModelEntry& entry, const std::string& path,
                                                     const DeviceInfo& device,
                                                     const SessionOptions& options,
                                                     bool checksumVerified);

}  // namespace pm::engine::nets
