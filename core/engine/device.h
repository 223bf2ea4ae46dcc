#pragma once
// Which device inference runs on, and why. No torch types here: this header is included widely.
#include <cstdint>
#include <string>

namespace pm::engine {

enum class DevicePreference { Auto, Cpu, Cuda };

/// "auto" | "cpu" | "cuda" (case-insensitive). Throws pm::Error for anything else.
DevicePreference parseDevicePreference(const std::string& text);
std::string toString(DevicePreference preference);

struct DeviceInfo {
    bool cuda = false;
    std::string name;              ///< GPU name, or "CPU"
    int64_t totalMemoryBytes = 0;  ///< GPU memory; 0 on the CPU
    int cpuThreads = 1;            ///< intra-op threads used on the CPU
    std::string reason;            ///< why this device was chosen, e.g. a fallback explanation

    /// For the status bar: "NVIDIA H100 80GB HBM3, 80 GB" or "CPU, 2 threads".
    std::string describe() const;
};

/// Picks the device for a preference: CUDA when asked for (or Auto) and libtorch has it and a GPU
/// is present; otherwise the CPU with every core, and `reason` says why (e.g. "CUDA requested but
/// no GPU was found; using the CPU").
DeviceInfo selectDevice(DevicePreference preference);

}  // namespace pm::engine
