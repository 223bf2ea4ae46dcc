#include "core/engine/info_report.h"

#include "core/engine/diffusers_layout.h"

#include <algorithm>
#include <sstream>

#include "core/engine/inference_session.h"
#include "core/engine/model_registry.h"
#include "core/engine/torch_backend.h"
#include "core/engine/torch_module.h"

namespace pm::engine {

// Besides the header's promise: which libtorch ("CUDA 12.4" or "CPU only") and which GPU, or why
// none is used.
std::string infoReport(const EngineOptions& options) {
    std::ostringstream out;
    std::string problem;
    const TorchBackend* backend = torchBackend(&problem);
    if (backend)
        out << "AI engine: libtorch " << backend->libtorchVersion() << " (" << torchModule().path
            << ")\n";
    else
        out << "AI engine: unavailable: "
            << (torchModule().problem.empty() ? problem : torchModule().problem)
            << "; the built-in tools still work\n";
    // Which libtorch and GPU a CUDA build found: the first questions when the GPU is not used.
    if (backend)
        out << "libtorch: " << backend->libtorchVersion() << ", " << backend->cudaBuild() << "\n";
    else
        out << "libtorch: not loaded (the module did not open)\n";
    const DeviceInfo gpu = selectDevice(DevicePreference::Auto);
    if (gpu.cuda)
        out << "GPU: " << gpu.describe() << "\n";
    else
        out << "GPU: none (" << (backend ? gpu.reason : std::string("the AI engine is unavailable"))
            << ")\n";
    const DeviceInfo device = selectDevice(options.device);
    out << "device: " << device.describe() << " (" << toString(options.device) << ": "
        << device.reason << ")\n";
    const std::string& modelsDir = options.modelsDir;
    const std::string manifest = options.manifest();
    out << "manifest: " << manifest << "\n";
    out << "models folder: " << (modelsDir.empty() ? "(none)" : modelsDir) << "\n";
    out << "checksums: " << (sha256Available() ? "checked (SHA-256 or MD5, as the manifest records)" : "not checked in this build")
        << "\n";
    std::vector<ModelStatus> statuses;
    try {
        statuses = ModelRegistry::load(manifest, modelsDir).scan();
    } catch (const std::exception& e) {
        out << "models: " << e.what() << "\n";
        return out.str();
    }
    out << "models:\n";
    for (const auto& s : statuses) {
        out << "  " << s.entry.id << " (" << s.entry.task << ", " << s.entry.file << "): ";
        const auto& disabled = options.disabledModels;
        const bool enabled =
            std::find(disabled.begin(), disabled.end(), s.entry.id) == disabled.end();
        if (s.state == ModelState::NotInstalled) {
            out << "not installed";
        } else if (s.entry.isFolder()) {
            const std::string missing = diffusersFolderProblem(s.path);
            out << (missing.empty() ? "installed (the prompt fill loads it when it runs)" : "broken: " + missing);
        } else if (!backend) {
            out << "installed, not checked (the AI engine is unavailable)";
        } else {
            try {
                SessionOptions sessionOptions;
                sessionOptions.warmCacheDir = options.warmCacheDir;
                sessionOptions.gpu = options.gpu;
                sessionOptions.trace = options.trace;
                auto session = InferenceSession::load(s.entry, s.path, device, sessionOptions);
                out << "installed and verified"
                    << (session->stats().checksumVerified ? " (checksum and dry run)"
                                                          : " (dry run)");
            } catch (const std::exception& e) {
                out << "broken: " << e.what();
            }
        }
        if (!enabled) out << " [disabled]";
        out << "\n";
    }
    return out.str();
}

}  // namespace pm::engine
