#pragma once
// Where the running program lives: installed files (the manifest, the libtorch module) are found
// relative to it, so a package installed under any prefix finds its own.
#include <string>

namespace pm::engine {

/// The folder of the running executable ("" when /proc/self/exe cannot be read).
std::string executableDir();

}  // namespace pm::engine
