#pragma once
// What core leaves to the programs (core reads no environment variables): the per-user folders
// of the XDG base directories, $PHOTOMEND_MANIFEST, and the engine's measurement switches
// (PM_ENGINE_*), as the README and bench/gpu describe them.
#include "core/engine/engine.h"

namespace pm::app {

/// Fills `options` from the environment, keeping what is set already (--models-dir):
/// - modelsDir: $XDG_DATA_HOME/PhotoMend/models, else ~/.local/share/PhotoMend/models;
/// - manifestPath: $PHOTOMEND_MANIFEST (else core's default);
/// - warmCacheDir: $PM_ENGINE_CACHE_DIR ("off": no cache), else $XDG_CACHE_HOME/photomend/engine,
///   else ~/.cache/photomend/engine;
/// - trace: PM_ENGINE_TRACE set; gpu: PM_ENGINE_FREEZE, _FP16, _LAYOUT, _FUSE, _LAYOUT_FUSION,
///   _CONV_TAPS, _CL_WEIGHTS, _CUDNN_BENCHMARK, _CUDNN_LIMIT, _JIT_OPTIMIZE.
void applyEngineEnvironment(engine::EngineOptions& options);

}  // namespace pm::app
