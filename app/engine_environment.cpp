#include "app/engine_environment.h"

#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/engine/torch_backend.h"

namespace fs = std::filesystem;

namespace pm::app {
namespace {

// A variable's value, or `fallback` when it is unset or empty.
std::string variable(const char* name, const char* fallback = "") {
    const char* value = std::getenv(name);
    return value && *value ? value : fallback;
}

std::string defaultModelsDir() {
    const std::string xdg = variable("XDG_DATA_HOME");
    if (!xdg.empty() && xdg.front() == '/')
        return (fs::path(xdg) / "PhotoMend" / "models").string();
    const std::string home = variable("HOME");
    const fs::path base = home.empty() ? fs::temp_directory_path() : fs::path(home);
    return (base / ".local" / "share" / "PhotoMend" / "models").string();
}

std::string defaultWarmCacheDir() {
    const std::string dir = variable("PM_ENGINE_CACHE_DIR");
    if (!dir.empty()) return dir == "off" ? std::string() : dir;
    const std::string xdg = variable("XDG_CACHE_HOME");
    if (!xdg.empty()) return (fs::path(xdg) / "photomend" / "engine").string();
    const std::string home = variable("HOME");
    if (!home.empty()) return (fs::path(home) / ".cache" / "photomend" / "engine").string();
    return {};
}

engine::GpuSwitches gpuSwitches() {
    using Freeze = engine::GpuSwitches::Freeze;
    engine::GpuSwitches gpu;
    const std::string freeze = variable("PM_ENGINE_FREEZE", "cpu");
    gpu.freeze = freeze == "cpu"   ? Freeze::BeforeMove
                 : freeze == "gpu" ? Freeze::AfterMove
                                   : Freeze::Off;
    gpu.autocast = variable("PM_ENGINE_FP16", "weights") == "autocast";
    gpu.channelsLast = variable("PM_ENGINE_LAYOUT", "nchw") == "channels_last";
    gpu.cudnnFusion = variable("PM_ENGINE_FUSE", "0") == "1";
    const std::string layoutFusion = variable("PM_ENGINE_LAYOUT_FUSION");
    gpu.layoutFusion = layoutFusion.empty() ? -1 : layoutFusion == "1" ? 1 : 0;
    gpu.convTaps = variable("PM_ENGINE_CONV_TAPS", "1") == "1";
    gpu.channelsLastWeights = variable("PM_ENGINE_CL_WEIGHTS", "1") == "1";
    gpu.cudnnBenchmark = variable("PM_ENGINE_CUDNN_BENCHMARK", "1") == "1";
    const long limit = std::strtol(variable("PM_ENGINE_CUDNN_LIMIT", "10").c_str(), nullptr, 10);
    gpu.cudnnLimit = limit > 0 ? static_cast<int>(limit) : 10;
    gpu.jitOptimize = variable("PM_ENGINE_JIT_OPTIMIZE", "0") == "1";
    return gpu;
}

}  // namespace

void applyEngineEnvironment(engine::EngineOptions& options) {
    if (options.modelsDir.empty()) options.modelsDir = defaultModelsDir();
    if (options.manifestPath.empty()) options.manifestPath = variable("PHOTOMEND_MANIFEST");
    options.warmCacheDir = defaultWarmCacheDir();
    options.trace = std::getenv("PM_ENGINE_TRACE") != nullptr;
    options.gpu = gpuSwitches();
    // Tests only: the next N model requests fail as an out-of-memory GPU does (opens the module).
    const long injected = std::strtol(variable("PM_ENGINE_INJECT_OOM", "0").c_str(), nullptr, 10);
    if (injected > 0)
        if (const engine::TorchBackend* backend = engine::torchBackend())
            backend->injectOutOfMemory(static_cast<int>(injected));
}

}  // namespace pm::app
