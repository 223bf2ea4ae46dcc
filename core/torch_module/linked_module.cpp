// Tests and benchmarks that look inside the engine link its torch code directly; this registers
// the module's entry points before main, so that the engine uses the linked code instead of opening
// libphotomend-torch.so (a second copy of the same code in one process).
#include "core/engine/torch_backend.h"
#include "core/engine/torch_module.h"
#include "core/ops/remove/em_level_gpu_link.h"

extern "C" {
const char* pm_torch_module_version();
const pm::engine::TorchBackend* pm_torch_backend_v3();
const pm::ops::patchmatch::DeviceEmEntry* pm_patchmatch_device_em_v1();
}

namespace {

const bool registered = [] {
    pm::engine::registerLinkedTorchSymbol("pm_torch_module_version",
                                          reinterpret_cast<void*>(&pm_torch_module_version));
    pm::engine::registerLinkedTorchSymbol("pm_torch_backend_v3",
                                          reinterpret_cast<void*>(&pm_torch_backend_v3));
    pm::engine::registerLinkedTorchSymbol("pm_patchmatch_device_em_v1",
                                          reinterpret_cast<void*>(&pm_patchmatch_device_em_v1));
    return true;
}();

}  // namespace
