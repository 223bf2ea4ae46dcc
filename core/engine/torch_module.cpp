#include "core/engine/torch_module.h"

#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>

#include "core/engine/install_paths.h"

namespace fs = std::filesystem;

namespace pm::engine {

const char* const kTorchModuleFile = "libphotomend-torch.so";

namespace {

// Entry points registered by a program that links the module's code (function-local: filled by
// static initialisers of other files).
std::map<std::string, void*>& linkedSymbols() {
    static std::map<std::string, void*> symbols;
    return symbols;
}

struct OpenModule {
    TorchModuleStatus status;
    void* handle = nullptr;
};

std::atomic<bool> moduleOpened{false};

OpenModule& openModule() {
    static OpenModule module;
    static std::once_flag once;
    std::call_once(once, [] {
        if (!linkedSymbols().empty()) {
            module.status.available = true;
            module.status.path = "linked into this program";
            return;
        }
        module.status = openTorchModule(torchModuleCandidates(), &module.handle);
        moduleOpened = module.handle != nullptr;
    });
    return module;
}

// The module must come from the same build: its classes cross the boundary as they are.
constexpr const char* kVersionSymbol = "pm_torch_module_version";

}  // namespace

std::vector<std::string> torchModuleCandidates() {
    std::vector<std::string> out = moduleCandidates(kTorchModuleFile);
#ifdef PM_TORCH_MODULE_BUILD_PATH
    // The build tree's module, for programs outside its app/ folder; once in the list.
    if (std::find(out.begin(), out.end(), PM_TORCH_MODULE_BUILD_PATH) == out.end())
        out.push_back(PM_TORCH_MODULE_BUILD_PATH);
#endif
    return out;
}

TorchModuleStatus openTorchModule(const std::vector<std::string>& candidates, void** handle) {
    TorchModuleStatus status;
    *handle = nullptr;
    std::error_code ec;
    for (const std::string& path : candidates) {
        if (!fs::is_regular_file(path, ec)) continue;
        status.path = path;
        // RTLD_LOCAL: libtorch's symbols stay out of the way of everything loaded later.
        void* opened = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!opened) {
            const char* why = dlerror();
            status.problem = path + " cannot be opened (" + (why ? why : "unknown error") +
                             "); is libtorch installed?";
            return status;
        }
        auto version = reinterpret_cast<const char* (*)()>(dlsym(opened, kVersionSymbol));
        if (!version || std::string(version()) != PM_TORCH_MODULE_VERSION) {
            status.problem = path + " belongs to another build of PhotoMend (version " +
                             (version ? version() : "unknown") + ", expected " +
                             PM_TORCH_MODULE_VERSION + ")";
            dlclose(opened);
            return status;
        }
        *handle = opened;
        status.available = true;
        return status;
    }
    status.problem = std::string(kTorchModuleFile) + " was not found (looked in";
    for (size_t i = 0; i < candidates.size(); ++i)
        status.problem += (i ? ", " : " ") + fs::path(candidates[i]).parent_path().string();
    status.problem += ")";
    return status;
}

const TorchModuleStatus& torchModule() {
    return openModule().status;
}

bool torchModuleOpen() {
    return !linkedSymbols().empty() || moduleOpened.load();
}

void* torchModuleSymbol(const char* name) {
    const OpenModule& module = openModule();
    if (!module.status.available) return nullptr;
    if (!module.handle) {
        auto it = linkedSymbols().find(name);
        return it == linkedSymbols().end() ? nullptr : it->second;
    }
    return dlsym(module.handle, name);
}

void registerLinkedTorchSymbol(const char* name, void* address) {
    linkedSymbols()[name] = address;
}

}  // namespace pm::engine
