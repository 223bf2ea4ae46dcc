#include "core/engine/device.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <thread>

#include <torch/torch.h>

#include "core/common/error.h"
#include "core/engine/cuda_support.h"

namespace pm::engine {

DevicePreference parseDevicePreference(const std::string& text) {
    std::string lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "auto") return DevicePreference::Auto;
    if (lower == "cpu") return DevicePreference::Cpu;
    if (lower == "cuda" || lower == "gpu") return DevicePreference::Cuda;
    throw Error("unknown device \"" + text + "\": use auto, cpu or cuda");
}

std::string toString(DevicePreference preference) {
    switch (preference) {
        case DevicePreference::Cpu:
            return "cpu";
        case DevicePreference::Cuda:
            return "cuda";
        case DevicePreference::Auto:
            break;
    }
    return "auto";
}

std::string DeviceInfo::describe() const {
    if (cuda) {
        const double gib = static_cast<double>(totalMemoryBytes) / (1024.0 * 1024.0 * 1024.0);
        return name + ", " + std::to_string(static_cast<int>(std::lround(gib))) + " GB";
    }
    return "CPU, " + std::to_string(cpuThreads) + (cpuThreads == 1 ? " thread" : " threads");
}

DeviceInfo selectDevice(DevicePreference preference) {
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
