#include "core/engine/torch_backend_impl.h"

#include <algorithm>
#include <thread>

#include <torch/torch.h>
#include <torch/version.h>

#include "core/engine/diffusion/pipeline/prompt_fill_backend.h"
#include "core/engine/fault_injection.h"

#ifdef PM_HAVE_TORCH_CUDA
#include <cuda_runtime_api.h>
#endif

namespace pm::engine {
namespace {

class LibtorchBackend final : public TorchBackend {
public:
    LibtorchBackend() {
        // Every core, as selectDevice() promises: a model on the CPU is compute-bound and the
        // engine's worker is the only heavy thread.
        at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    }
    std::string libtorchVersion() const override { return TORCH_VERSION; }
    std::string cudaBuild() const override {
#ifdef PM_HAVE_TORCH_CUDA
        // CUDART_VERSION is 1000 * major + 10 * minor, e.g. 12040 for 12.4.
        return "CUDA " + std::to_string(CUDART_VERSION / 1000) + "." +
               std::to_string(CUDART_VERSION % 1000 / 10);
#else
        return "CPU only";
#endif
    }
    void injectOutOfMemory(int requests) const override { engine::injectOutOfMemory(requests); }
    DeviceInfo selectDevice(DevicePreference preference) const override {
        return selectTorchDevice(preference);
    }
    std::unique_ptr<InferenceSession> loadSession(const ModelEntry& entry, const std::string& path,
                                                  const DeviceInfo& device,
                                                  const SessionOptions& options) const override {
        return loadTorchSession(entry, path, device, options);
    }
    PromptFillResult promptFill(const PromptFillRequest& request, const DeviceInfo& device,
                                JobContext& context) const override {
        return diffusion::promptFillOnDevice(request, device, context);
    }
    void preparePromptFill(const std::string& folder, const DeviceInfo& device) const override {
        diffusion::preparePromptFillOnDevice(folder, device);
    }
};

}  // namespace

const TorchBackend& torchBackendImpl() {
    static const LibtorchBackend backend;
    return backend;
}

}  // namespace pm::engine
