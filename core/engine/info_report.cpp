#include "core/engine/info_report.h"

#include <algorithm>
#include <sstream>

#include <torch/version.h>

#include "core/engine/inference_session.h"
#include "core/engine/model_registry.h"

namespace pm::engine {

std::string infoReport(const EngineOptions& options) {
    std::ostringstream out;
    out << "libtorch " << TORCH_VERSION << "\n";
    const DeviceInfo device = selectDevice(options.device);
    out << "device: " << device.describe() << " (" << toString(options.device) << ": "
        << device.reason << ")\n";
    const std::string modelsDir =
        options.modelsDir.empty() ? defaultModelsDir() : options.modelsDir;
    const std::string manifest =
        options.manifestPath.empty() ? defaultManifestPath() : options.manifestPath;
    out << "manifest: " << manifest << "\n";
    out << "models folder: " << modelsDir << "\n";
    out << "checksums: " << (sha256Available() ? "checked (SHA-256)" : "not checked in this build")
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
        } else {
            try {
                auto session = InferenceSession::load(s.entry, s.path, device);
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
