#include "core/engine/job_context.h"

#include <thread>

#include "core/common/error.h"

namespace pm::engine {

void JobContext::throwIfCancelled() const {
    if (cancelled()) throw Cancelled();
}

LocalJobContext::LocalJobContext() {
    device_.name = "CPU";
    device_.cpuThreads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    device_.reason = "local context";
}

void LocalJobContext::progress(double fraction, const std::string& stage) {
    if (onProgress) onProgress(fraction, stage);
}

InferenceSession* LocalJobContext::model(const std::string& /*task*/) {
    return session;
}

}  // namespace pm::engine
