#include "core/ops/remove/em_level_gpu_link.h"

#include "core/engine/torch_module.h"

namespace pm::ops::patchmatch {
namespace {

const DeviceEmEntry* entry() {
    using Entry = const DeviceEmEntry* (*)();
    auto get = reinterpret_cast<Entry>(engine::torchModuleSymbol(kDeviceEmSymbol));
    return get ? get() : nullptr;
}

}  // namespace

bool deviceEmLinkAvailable() {
    const DeviceEmEntry* em = entry();
    return em && em->available();
}

bool emOnDeviceLink(Level& level, const DeviceEm& em) {
    const DeviceEmEntry* device = entry();
    return device && device->run(level, em);
}

}  // namespace pm::ops::patchmatch
