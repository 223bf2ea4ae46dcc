// Where a request's time goes, kernel by kernel: runs requests under libtorch's Kineto profiler and
// prints GPU kernels (or, on the CPU, the innermost operators) grouped by name, by category and by
// the TorchScript operator that launched them. Kept apart from engine_bench.cpp so only this file
// includes torch's profiler headers.
#pragma once

#include <cstdio>
#include <functional>
#include <string>

namespace pm::bench {

struct KernelProfileOptions {
    int requests = 5;            ///< profiled requests (after the caller's own warm requests)
    bool cuda = false;           ///< kernels on the GPU; otherwise the CPU's operators
    double unprofiledWallMs = 0; ///< the same request's median without the profiler, for the gap
    std::string title;           ///< e.g. "1024^2, graphs off"
    int topKernels = 40;         ///< rows of the by-name table
};

/// Runs `request` options.requests times under the profiler and prints the tables to `out`.
/// Returns false (with a line saying why) when the profiler could not be started or saw nothing.
bool profileRequests(const std::function<void()>& request, const KernelProfileOptions& options,
                     std::FILE* out);

}  // namespace pm::bench
