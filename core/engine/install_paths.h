#pragma once
// Where the running program lives: installed files (the manifest, PhotoMend's own shared libraries)
// are found relative to it, so a package installed under any prefix finds its own. No other
// dependency: the small photomend-cli launcher links this alone.
#include <string>
#include <vector>

namespace pm::engine {

/// The folder of the running executable ("" when /proc/self/exe cannot be read).
std::string executableDir();

/// Where PhotoMend's shared library `fileName` (libphotomend-torch.so, libphotomend-cli.so) is
/// looked for, in order: beside the program (the build tree), then the installed layout
/// (<prefix>/lib/photomend beside <prefix>/bin).
std::vector<std::string> moduleCandidates(const std::string& fileName);

}  // namespace pm::engine
