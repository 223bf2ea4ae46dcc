#include "core/engine/runtime/phase_trace.h"

#include <cstdio>
#include <utility>

#include "core/engine/cuda_support.h"

namespace pm::engine {

PhaseTrace::PhaseTrace(bool on, std::string scope) : on_(on), scope_(std::move(scope)) {
    if (on_) last_ = std::chrono::steady_clock::now();
}

void PhaseTrace::mark(const std::string& phase) {
    if (!on_) return;
    cuda::synchronize();
    const auto now = std::chrono::steady_clock::now();
    // The monotonic clock's absolute reading lines marks up with the benchmark's own.
    std::fprintf(stderr, "[trace] %.3f s %s: %s %.2f ms\n",
                 std::chrono::duration<double>(now.time_since_epoch()).count(), scope_.c_str(),
                 phase.c_str(), std::chrono::duration<double, std::milli>(now - last_).count());
    last_ = now;
}

}  // namespace pm::engine
