#include "core/engine/graph/inverse_fft.h"

#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <tuple>

#include <cuda_runtime_api.h>
#include <cufft.h>
#include <cufftXt.h>

namespace pm::engine::kernels {
namespace {

struct Plan {
    cufftHandle handle;
    size_t workspaceBytes;
};

using Key = std::tuple<int64_t, int, int, int>;  // batch, h, w, device

// Plans live as long as the process: a captured CUDA graph's kernels read a plan's own device data
// (twiddle factors), and at exit the CUDA context may already be gone. The warmed buckets make
// theirs first; past kMaxPlans (requests of many other sizes) new shapes run ATen's irfftn instead.
// One mutex for the map and for each transform, whose stream and work area are settings of the
// shared plan.
constexpr size_t kMaxPlans = 64;

std::mutex& plansMutex() {
    static auto* mutex = new std::mutex;
    return *mutex;
}
std::map<Key, Plan>& plans() {
    static auto* map = new std::map<Key, Plan>;
    return *map;
}

Key keyOf(const C2rShape& shape) { return {shape.batch, shape.h, shape.w, shape.device}; }

void check(cufftResult result, const char* what) {
    if (result != CUFFT_SUCCESS)
        throw std::runtime_error(std::string("cuFFT ") + what + " failed (cufftResult " +
                                 std::to_string(static_cast<int>(result)) + ")");
}

bool capturing(void* stream) {
    cudaStreamCaptureStatus status = cudaStreamCaptureStatusNone;
    if (cudaStreamIsCapturing(static_cast<cudaStream_t>(stream), &status) != cudaSuccess) {
        cudaGetLastError();
        return true;  // unknown: make no plan
    }
    return status != cudaStreamCaptureStatusNone;
}

}  // namespace

bool c2rPlan(const C2rShape& shape, void* stream, size_t* workspaceBytes) {
    if (shape.batch < 1 || shape.h < 1 || shape.w < 1) return false;
    std::lock_guard<std::mutex> lock(plansMutex());
    auto found = plans().find(keyOf(shape));
    if (found == plans().end()) {
        if (plans().size() >= kMaxPlans || capturing(stream)) return false;
        Plan plan{};
        if (cufftCreate(&plan.handle) != CUFFT_SUCCESS) return false;
        // The work area comes from torch's caching allocator (the caller's), as ATen's own plans
        // do: inside a CUDA graph it is then memory of the graph's pool.
        long long n[2] = {shape.h, shape.w};
        // The plan ATen makes for a contiguous irfftn over the last two dimensions (CuFFTPlanCache.h:
        // simple layout, fp32), so the transform computes what ATen's computes.
        if (cufftSetAutoAllocation(plan.handle, 0) != CUFFT_SUCCESS ||
            cufftXtMakePlanMany(plan.handle, 2, n, nullptr, 1, 1, CUDA_C_32F, nullptr, 1, 1,
                                CUDA_R_32F, shape.batch, &plan.workspaceBytes,
                                CUDA_C_32F) != CUFFT_SUCCESS) {
            cufftDestroy(plan.handle);
            return false;
        }
        found = plans().emplace(keyOf(shape), plan).first;
    }
    *workspaceBytes = found->second.workspaceBytes;
    return true;
}

void c2r(const C2rShape& shape, void* in, float* out, void* workspace, void* stream) {
    std::lock_guard<std::mutex> lock(plansMutex());
    const auto found = plans().find(keyOf(shape));
    if (found == plans().end()) throw std::runtime_error("cuFFT C2R: no plan for this shape");
    const cufftHandle plan = found->second.handle;
    check(cufftSetStream(plan, static_cast<cudaStream_t>(stream)), "cufftSetStream");
    check(cufftSetWorkArea(plan, workspace), "cufftSetWorkArea");
    check(cufftXtExec(plan, in, out, CUFFT_INVERSE), "C2R transform");
}

}  // namespace pm::engine::kernels
