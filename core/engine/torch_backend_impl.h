#pragma once
// The libtorch side of torch_backend.h, built into libphotomend-torch.so (and linked directly by
// tests and benchmarks that look inside the engine).
#include <memory>
#include <string>

#include "core/engine/torch_backend.h"

namespace pm::engine {

/// The module's TorchBackend.
const TorchBackend& torchBackendImpl();

/// Loads and verifies a TorchScript model (session_loading.cpp).
std::unique_ptr<InferenceSession> loadTorchSession(const ModelEntry& entry, const std::string& path,
                                                   const DeviceInfo& device,
                                                   const SessionOptions& options);
/// The device libtorch can use for a preference (torch_device.cpp).
DeviceInfo selectTorchDevice(DevicePreference preference);

}  // namespace pm::engine
