// The entry points of libphotomend-torch.so: everything else in the module is hidden, so that its
// copy of the core libraries never clashes with the program's. Torch-free callers find these with
// dlsym (core/engine/torch_module.h).
#include "core/engine/torch_backend_impl.h"
#include "core/ops/remove/em_level_gpu_link.h"

#define PM_MODULE_EXPORT extern "C" __attribute__((visibility("default")))

PM_MODULE_EXPORT const char* pm_torch_module_version() {
    return PM_TORCH_MODULE_VERSION;
}

PM_MODULE_EXPORT const pm::engine::TorchBackend* pm_torch_backend_v3() {
    return &pm::engine::torchBackendImpl();
}

PM_MODULE_EXPORT const pm::ops::patchmatch::DeviceEmEntry* pm_patchmatch_device_em_v1() {
    static const pm::ops::patchmatch::DeviceEmEntry entry{&pm::ops::patchmatch::deviceEmAvailable,
                                                          &pm::ops::patchmatch::emOnDevice};
    return &entry;
}
