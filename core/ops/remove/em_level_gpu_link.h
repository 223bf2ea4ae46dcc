#pragma once
// The built-in fill reaches its GPU search (em_level_gpu.cpp, which includes torch) through
// the libtorch module (core/engine/torch_module.h), so that photomend-cli and the window link no
// libtorch. No torch types here.
#include "core/ops/remove/em_level_gpu.h"

namespace pm::ops::patchmatch {

/// What the module exports under kDeviceEmSymbol: em_level_gpu.h's two functions.
struct DeviceEmEntry {
    bool (*available)();
    bool (*run)(Level& level, const DeviceEm& em);
};
/// extern "C" const DeviceEmEntry* pm_patchmatch_device_em_v1().
constexpr const char* kDeviceEmSymbol = "pm_patchmatch_device_em_v1";

/// deviceEmAvailable() through the module; false when the module is unavailable.
bool deviceEmLinkAvailable();
/// emOnDevice() through the module; false (level unchanged) when the module is unavailable, and
/// the caller runs the iterations on CPU threads.
bool emOnDeviceLink(Level& level, const DeviceEm& em);

}  // namespace pm::ops::patchmatch
