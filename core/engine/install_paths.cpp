#include "core/engine/install_paths.h"

#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace pm::engine {

std::string executableDir() {
    std::error_code ec;
    const auto exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : exe.parent_path().string();
}

std::vector<std::string> moduleCandidates(const std::string& fileName) {
    std::vector<std::string> out;
    const std::string dir = executableDir();
    if (dir.empty()) return out;
    out.push_back((fs::path(dir) / fileName).string());
#ifdef PM_MODULE_INSTALL_DIR
    out.push_back((fs::path(dir) / PM_MODULE_INSTALL_DIR / fileName).lexically_normal().string());
#endif
    return out;
}

}  // namespace pm::engine
