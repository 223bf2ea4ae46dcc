#include "core/engine/torch_backend_impl.h"

#include <algorithm>
#include <thread>

#include <torch/torch.h>

#include "core/engine/cuda_support.h"

namespace pm::engine {

DeviceInfo selectTorchDevice(DevicePreference preference) {
    DeviceInfo info;
    if (preference != DevicePreference::Cpu) {
        if (cuda::available()) {
            const auto props = cuda::properties();
            info.cuda = true;
            info.name = props.name;
            info.totalMemoryBytes = props.totalMemoryBytes;
            info.reason =
                preference == DevicePreference::Cuda ? "CUDA requested" : "a CUDA GPU was found";
            return info;
        }
        if (preference == DevicePreference::Cuda)
            info.reason = cuda::compiledWithCuda()
                              ? "CUDA requested but no GPU was found; using the CPU"
                              : "CUDA requested but this build of PhotoMend has no CUDA support; "
                                "using the CPU";
        else
            info.reason = cuda::compiledWithCuda() ? "no CUDA GPU was found"
                                                   : "this build has no CUDA support";
    } else {
        info.reason = "CPU requested";
    }
    info.name = "CPU";
    // Every core: a model on the CPU is compute-bound and the worker is the only heavy thread.
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    at::set_num_threads(static_cast<int>(cores));
    info.cpuThreads = at::get_num_threads();
    return info;
}

}  // namespace pm::engine
