#pragma once
// A per-user cache of what GPU start-up derives from a model file: the frozen, folded fp16 module
// and its measured fp16 error, so that later starts skip freezing and the fp16 check. An entry is
// keyed by the model file (path, size, modification time), the libtorch version, the GPU and the
// variant; anything unexpected about an entry makes the engine drop it and start from the file.
#include <optional>
#include <string>

namespace torch::jit {
struct Module;
}

namespace pm::engine {

struct WarmCacheEntry {
    std::string key;         ///< what the entry was made from, stored beside it and compared
    std::string modulePath;  ///< the TorchScript module
    std::string infoPath;    ///< JSON: key and fp16 error
};

/// The entry for a model file in `cacheDir` (SessionOptions::warmCacheDir), or nothing when caching
/// is off (cacheDir "") or the file cannot be inspected.
std::optional<WarmCacheEntry> warmCacheEntry(const std::string& cacheDir,
                                             const std::string& modelPath,
                                             const std::string& deviceName,
                                             const std::string& variant);
/// True when the entry's module and info exist and the info was written for this key.
bool readWarmCache(const WarmCacheEntry& entry, double* halfError);
/// Records the fp16 error after the module was saved to entry.modulePath; false on failure.
bool writeWarmCacheInfo(const WarmCacheEntry& entry, double halfError);
void dropWarmCache(const WarmCacheEntry& entry);
/// Saves the module (through a temporary file), then its info; on any failure (a full disk, a
/// graph that cannot be saved) drops the entry, so the next start comes from the file.
void saveToWarmCache(const torch::jit::Module& module, const WarmCacheEntry& entry,
                     double halfError);

/// How a GPU session starts: from the model file (and then fills `entry` of the warm-up cache),
/// or from a module that cache holds.
struct WarmStart {
    std::optional<WarmCacheEntry> entry;
    bool fromCache = false;
    double halfError = -1;  ///< the cached fp16 error, when fromCache
};

}  // namespace pm::engine
