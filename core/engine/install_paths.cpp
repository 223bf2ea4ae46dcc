#include "core/engine/install_paths.h"

#include <filesystem>
#include <system_error>

namespace pm::engine {

std::string executableDir() {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : exe.parent_path().string();
}

}  // namespace pm::engine
