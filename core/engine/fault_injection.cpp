#include "core/engine/fault_injection.h"

#include <atomic>

namespace pm::engine {
namespace {
std::atomic<int> failuresLeft{0};
std::atomic<bool> injected{false};
}  // namespace

void injectOutOfMemory(int requests) {
    failuresLeft = requests > 0 ? requests : 0;
    if (requests > 0) injected = true;
}

bool takeInjectedOutOfMemory() {
    int left = failuresLeft.load();
    while (left > 0)
        if (failuresLeft.compare_exchange_weak(left, left - 1)) return true;
    return false;
}

bool outOfMemoryInjected() {
    return injected;
}

}  // namespace pm::engine
