#include "core/engine/device.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <thread>

#include "core/common/error.h"
#include "core/engine/torch_backend.h"

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

namespace {

DeviceInfo onTheCpu(std::string reason) {
    DeviceInfo info;
    info.name = "CPU";
    // Every core (the libtorch module sets its threads to the same when it opens).
    info.cpuThreads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    info.reason = std::move(reason);
    return info;
}

}  // namespace

// Only a CUDA build asks libtorch whether a GPU is there; a CPU build knows the answer without
// opening the libtorch module, so the built-in tools never pay for it.
DeviceInfo selectDevice(DevicePreference preference) {
#ifdef PM_HAVE_TORCH_CUDA
    if (preference != DevicePreference::Cpu) {
        std::string problem;
        if (const TorchBackend* backend = torchBackend(&problem))
            return backend->selectDevice(preference);
        return onTheCpu(preference == DevicePreference::Cuda
                            ? "CUDA requested but " + problem + "; using the CPU"
                            : problem);
    }
#endif
    if (const TorchBackend* backend = torchBackendIfOpen())
        return backend->selectDevice(preference);
    switch (preference) {
        case DevicePreference::Cpu:
            return onTheCpu("CPU requested");
        case DevicePreference::Cuda:
            return onTheCpu(
                "CUDA requested but this build of PhotoMend has no CUDA support; using the CPU");
        case DevicePreference::Auto:
            break;
    }
    return onTheCpu("this build has no CUDA support");
}

}  // namespace pm::engine
