#include "core/engine/torch_backend.h"

#include "core/common/error.h"
#include "core/engine/torch_module.h"

namespace pm::engine {

const TorchBackend* torchBackend(std::string* problem) {
    using Entry = const TorchBackend* (*)();
    auto entry = reinterpret_cast<Entry>(torchModuleSymbol(kTorchBackendSymbol));
    if (entry) return entry();
    if (problem) {
        const TorchModuleStatus& module = torchModule();
        *problem = "the AI engine is unavailable: " +
                   (module.problem.empty() ? module.path + " has no " + kTorchBackendSymbol
                                           : module.problem);
    }
    return nullptr;
}

const TorchBackend* torchBackendIfOpen() {
    return torchModuleOpen() ? torchBackend() : nullptr;
}

std::unique_ptr<InferenceSession> InferenceSession::load(const ModelEntry& entry,
                                                         const std::string& path,
                                                         const DeviceInfo& device) {
    return load(entry, path, device, SessionOptions());
}

std::unique_ptr<InferenceSession> InferenceSession::load(const ModelEntry& entry,
                                                         const std::string& path,
                                                         const DeviceInfo& device,
                                                         const SessionOptions& options) {
    std::string problem;
    const TorchBackend* backend = torchBackend(&problem);
    if (!backend) throw Error(entry.file + ": cannot be loaded: " + problem);
    return backend->loadSession(entry, path, device, options);
}

}  // namespace pm::engine
