#pragma once
// The libtorch half of PhotoMend lives in its own shared library, libphotomend-torch.so, opened on
// first use: loading libtorch costs about half a second of start-up (hundreds of shared libraries
// and their static registration), which `--help`, the built-in tools and the window's first paint
// should not pay. No torch types here. Thread-safe.
#include <string>
#include <vector>

namespace pm::engine {

/// The module's file name.
extern const char* const kTorchModuleFile;

struct TorchModuleStatus {
    bool available = false;
    std::string path;     ///< where it was found ("linked into this program" for tests)
    std::string problem;  ///< why it is unavailable, naming where it was looked for
};

/// Where the module is looked for, in order: next to the program (the build tree), the installed
/// layout (<prefix>/lib/<arch>/photomend beside <prefix>/bin), then the build tree's module (tests
/// and benchmarks elsewhere in the build folder).
std::vector<std::string> torchModuleCandidates();
/// Opens the first candidate that exists; `problem` names every path tried, or why the one found
/// could not be opened (a missing libtorch, a module of another build). Never throws.
TorchModuleStatus openTorchModule(const std::vector<std::string>& candidates, void** handle);

/// Opens the module on the first call (later calls return the same answer).
const TorchModuleStatus& torchModule();
/// Whether the module is open already (or linked in), without opening it.
bool torchModuleOpen();
/// A symbol of the module, nullptr when the module is unavailable. Opens it on first use.
void* torchModuleSymbol(const char* name);

/// Programs that link the torch code statically (tests, benchmarks) register the module's entry
/// points before main (core/torch_module/linked_module.cpp) and never open the file.
void registerLinkedTorchSymbol(const char* name, void* address);

}  // namespace pm::engine
