#include "core/engine/runtime/warm_cache.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>
#include <torch/csrc/jit/api/module.h>
#include <torch/version.h>

namespace fs = std::filesystem;

namespace pm::engine {

std::optional<WarmCacheEntry> warmCacheEntry(const std::string& cacheDir,
                                             const std::string& modelPath,
                                             const std::string& deviceName,
                                             const std::string& variant) {
    if (cacheDir.empty()) return std::nullopt;
    const fs::path dir = cacheDir;
    std::error_code ec;
    const fs::path model = fs::absolute(modelPath, ec);
    const auto size = fs::file_size(model, ec);
    if (ec) return std::nullopt;
    const auto modified = fs::last_write_time(model, ec);
    if (ec) return std::nullopt;
    std::ostringstream key;
    // 2: traced models get the scripted spelling first (traced_ops.h), so entries made from a
    // traced file before that lack every rewrite.
    key << "warm-cache 2|" << model.string() << '|' << size << '|'
        << modified.time_since_epoch().count() << "|libtorch " << TORCH_VERSION << '|'
        << deviceName << '|' << variant;
    std::ostringstream stem;
    stem << model.stem().string() << '-' << std::hex << std::hash<std::string>{}(key.str());
    WarmCacheEntry entry;
    entry.key = key.str();
    entry.modulePath = (dir / (stem.str() + ".pt")).string();
    entry.infoPath = (dir / (stem.str() + ".json")).string();
    fs::create_directories(dir, ec);
    return ec ? std::nullopt : std::optional<WarmCacheEntry>(entry);
}

bool readWarmCache(const WarmCacheEntry& entry, double* halfError) {
    std::error_code ec;
    if (!fs::exists(entry.modulePath, ec) || !fs::exists(entry.infoPath, ec)) return false;
    try {
        std::ifstream in(entry.infoPath);
        const auto info = nlohmann::json::parse(in);
        if (info.at("key").get<std::string>() != entry.key) return false;
        *halfError = info.at("halfRelativeError").get<double>();
        return *halfError >= 0;
    } catch (const std::exception&) {
        return false;
    }
}

bool writeWarmCacheInfo(const WarmCacheEntry& entry, double halfError) {
    // Written after the module, through a temporary file: an entry with info is complete.
    const std::string temporary = entry.infoPath + ".tmp";
    {
        std::ofstream out(temporary, std::ios::trunc);
        out << nlohmann::json{{"key", entry.key}, {"halfRelativeError", halfError}}.dump(1);
        if (!out.flush()) return false;
    }
    std::error_code ec;
    fs::rename(temporary, entry.infoPath, ec);
    return !ec;
}

void dropWarmCache(const WarmCacheEntry& entry) {
    std::error_code ec;
    fs::remove(entry.infoPath, ec);
    fs::remove(entry.modulePath, ec);
}

void saveToWarmCache(const torch::jit::Module& module, const WarmCacheEntry& entry,
                     double halfError) {
    try {
        const std::string temporary = entry.modulePath + ".tmp";
        module.save(temporary);
        fs::rename(temporary, entry.modulePath);
        if (!writeWarmCacheInfo(entry, halfError)) dropWarmCache(entry);
    } catch (const std::exception&) {
        dropWarmCache(entry);
    }
}

}  // namespace pm::engine
