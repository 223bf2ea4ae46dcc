#pragma once
// What core asks of the libtorch module (libphotomend-torch.so, torch_module.h): the calls that
// need libtorch, behind an interface without torch types. The module implements it
// (torch_backend_impl.cpp); everything else reaches it through torchBackend().
#include <memory>
#include <string>

#include "core/engine/device.h"
#include "core/engine/inference_session.h"
#include "core/engine/job_context.h"
#include "core/engine/model_registry.h"
#include "core/engine/prompt_fill_request.h"

namespace pm::engine {

class TorchBackend {
public:
    /// e.g. "2.1.2"
    virtual std::string libtorchVersion() const = 0;
    /// "CUDA 12.4" when this libtorch was compiled with CUDA, else "CPU only".
    virtual std::string cudaBuild() const = 0;
    /// selectDevice() as libtorch sees it (CUDA present or not; sets its CPU threads).
    virtual DeviceInfo selectDevice(DevicePreference preference) const = 0;
    /// Tests: the next `requests` model requests fail with the GPU's out-of-memory error, on any
    /// device, and are retried in tiles (PM_ENGINE_INJECT_OOM).
    virtual void injectOutOfMemory(int requests) const = 0;
    /// InferenceSession::load().
    virtual std::unique_ptr<InferenceSession> loadSession(const ModelEntry& entry,
                                                          const std::string& path,
                                                          const DeviceInfo& device,
                                                          const SessionOptions& options) const = 0;
    /// A prompt-guided fill (PowerPaint / SD-1.5 inpainting) with the diffusers folder
    /// request.modelFolder on `device`: progress per step and the cancel flag through `context`.
    /// The loaded models stay for the next request. Throws pm::Error (no model installed, naming the
    /// folder; a bad request) or pm::Cancelled.
    virtual PromptFillResult promptFill(const PromptFillRequest& request, const DeviceInfo& device,
                                        JobContext& context) const = 0;
    /// Loads the prompt-fill models of the diffusers folder `folder` for `device` ahead of the first
    /// request and, on a GPU, warms its working sizes (the engine does this at start when the model is
    /// installed). Throws pm::Error as promptFill.
    virtual void preparePromptFill(const std::string& folder, const DeviceInfo& device) const = 0;

protected:
    ~TorchBackend() = default;  // the module owns it
};

/// The module's entry point: extern "C" const TorchBackend* pm_torch_backend_v3() (v2: promptFill
/// was added, v3: preparePromptFill; a module built before has only an older one and is reported
/// unavailable, not called wrongly).
constexpr const char* kTorchBackendSymbol = "pm_torch_backend_v3";

/// The backend, opening the module on first use; nullptr when it is unavailable, with the reason
/// in `problem` (when given): "the AI engine is unavailable: libphotomend-torch.so was not found
/// (looked in ...)".
const TorchBackend* torchBackend(std::string* problem = nullptr);
/// The backend only when the module is open already; never opens it.
const TorchBackend* torchBackendIfOpen();

}  // namespace pm::engine
