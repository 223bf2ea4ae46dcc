#pragma once
// `photomend-cli info`: what PhotoMend would run on and with which models, as plain text.
#include <string>

#include "core/engine/engine.h"

namespace pm::engine {

/// The libtorch version, the device chosen for options.device and why, the manifest and models
/// folder, and every manifest model with its status: "installed and verified", "not installed" or
/// "broken: <reason>". Loads (and so verifies) each installed model; never throws.
std::string infoReport(const EngineOptions& options);

}  // namespace pm::engine
