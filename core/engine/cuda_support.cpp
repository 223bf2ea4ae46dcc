#include "core/engine/cuda_support.h"

#include <torch/torch.h>
#include <torch/version.h>

#ifdef PM_HAVE_TORCH_CUDA
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#include <cuda_runtime_api.h>
#if __has_include(<ATen/cuda/CUDAGraph.h>)
#include <ATen/cuda/CUDAGraph.h>
#define PM_HAVE_CUDA_GRAPHS 1
#endif
#endif

#include <ATen/autocast_mode.h>

namespace pm::engine::cuda {

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define PM_AUTOCAST_PER_DEVICE 1
#endif

bool compiledWithCuda() {
#ifdef PM_HAVE_TORCH_CUDA
    return true;
#else
    return false;
#endif
}

bool available() {
    try {
        return torch::cuda::is_available() && torch::cuda::device_count() > 0;
    } catch (const std::exception&) {
        return false;  // a broken driver reads as "no GPU"; the CPU path still works
    }
}

Properties properties() {
    Properties p;
#ifdef PM_HAVE_TORCH_CUDA
    if (available()) {
        const cudaDeviceProp* props = at::cuda::getCurrentDeviceProperties();
        p.name = props->name;
        p.totalMemoryBytes = static_cast<int64_t>(props->totalGlobalMem);
    }
#endif
    return p;
}

int64_t freeMemoryBytes() {
#ifdef PM_HAVE_TORCH_CUDA
    size_t freeBytes = 0, totalBytes = 0;
    if (available() && cudaMemGetInfo(&freeBytes, &totalBytes) == cudaSuccess)
        return static_cast<int64_t>(freeBytes);
#endif
    return 0;
}

#ifdef PM_HAVE_TORCH_CUDA
namespace {
// libtorch 2.x creates the caching allocator's per-device state on the first allocation; asking it
// for statistics or a budget before then throws "Allocator not initialized".
void touchAllocator() {
    // Never freed: destroying a CUDA tensor after the driver shut down at exit would crash.
    static const auto* first =
        new at::Tensor(at::empty({1}, at::TensorOptions().device(at::kCUDA)));
    (void)first;
}
}  // namespace
#endif

void setMemoryFraction(double fraction) {
#ifdef PM_HAVE_TORCH_CUDA
    if (!available()) return;
    touchAllocator();
    c10::cuda::CUDACachingAllocator::setMemoryFraction(fraction, c10::cuda::current_device());
#else
    (void)fraction;
#endif
}

void emptyCache() {
#ifdef PM_HAVE_TORCH_CUDA
    if (available()) c10::cuda::CUDACachingAllocator::emptyCache();
#endif
}

void synchronize() {
#ifdef PM_HAVE_TORCH_CUDA
    if (available()) cudaDeviceSynchronize();
#endif
}

int64_t peakAllocatedBytes() {
#ifdef PM_HAVE_TORCH_CUDA
    if (!available()) return 0;
    touchAllocator();
    const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(c10::cuda::current_device());
    return stats.allocated_bytes[0].peak;  // index 0: StatType::AGGREGATE
#else
    return 0;
#endif
}

namespace {
int64_t reserved(bool peak) {
#ifdef PM_HAVE_TORCH_CUDA
    if (!available()) return 0;
    touchAllocator();
    const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(c10::cuda::current_device());
    return peak ? stats.reserved_bytes[0].peak : stats.reserved_bytes[0].current;  // 0: AGGREGATE
#else
    (void)peak;
    return 0;
#endif
}
}  // namespace

int64_t reservedBytes() {
    return reserved(false);
}

int64_t peakReservedBytes() {
    return reserved(true);
}

void resetPeakAllocated() {
#ifdef PM_HAVE_TORCH_CUDA
    if (!available()) return;
    touchAllocator();
    c10::cuda::CUDACachingAllocator::resetPeakStats(c10::cuda::current_device());
#endif
}

void limitCudnnAutotuning(int algorithms) {
    at::globalContext().setBenchmarkLimitCuDNN(algorithms > 0 ? algorithms : 10);
}

void autotuneCudnn(bool on) {
    at::globalContext().setBenchmarkCuDNN(on);
}

bool isOutOfMemory(const std::exception& error) {
    const std::string what = error.what();
    return what.find("out of memory") != std::string::npos ||
           what.find("CUDA_ERROR_OUT_OF_MEMORY") != std::string::npos;
}

AutocastScope::AutocastScope(bool enabled) : enabled_(enabled) {
    if (!enabled_) return;
#ifdef PM_AUTOCAST_PER_DEVICE
    previous_ = at::autocast::is_autocast_enabled(at::kCUDA);
    at::autocast::set_autocast_dtype(at::kCUDA, at::kHalf);
    at::autocast::set_autocast_enabled(at::kCUDA, true);
#else
    previous_ = at::autocast::is_enabled();
    at::autocast::set_autocast_gpu_dtype(at::kHalf);
    at::autocast::set_enabled(true);
#endif
}

AutocastScope::~AutocastScope() {
    if (!enabled_) return;
#ifdef PM_AUTOCAST_PER_DEVICE
    at::autocast::set_autocast_enabled(at::kCUDA, previous_);
#else
    at::autocast::set_enabled(previous_);
#endif
}

#ifdef PM_HAVE_CUDA_GRAPHS
struct Graph::Impl {
    at::cuda::CUDAGraph graph;
};
// The id's type by what graph_pool_handle returns: its namespace moved between libtorch versions.
using PoolId = decltype(at::cuda::graph_pool_handle());
struct GraphPool::Impl {
    PoolId id{0, 0};  ///< {0, 0}: not made yet (made at the first capture, so a CPU build never asks)
};
#else
struct Graph::Impl {};
struct GraphPool::Impl {};
#endif

GraphPool::GraphPool() : impl_(std::make_unique<Impl>()) {}
GraphPool::~GraphPool() = default;

Graph::Graph() : impl_(std::make_unique<Impl>()) {}
Graph::~Graph() = default;

bool Graph::supported() {
#ifdef PM_HAVE_CUDA_GRAPHS
    return available();
#else
    return false;
#endif
}

bool Graph::capture(const std::function<void()>& body, std::string* whyNot, GraphPool* pool) {
#ifdef PM_HAVE_CUDA_GRAPHS
    if (!available()) return false;
    synchronize();
    PoolId poolId{0, 0};  // {0, 0}: a private pool of this graph's own
    if (pool) {
        if (pool->impl_->id == PoolId{0, 0}) pool->impl_->id = at::cuda::graph_pool_handle();
        poolId = pool->impl_->id;
    }
    // Capture must not run on the legacy default stream.
    auto stream = c10::cuda::getStreamFromPool();
    {
        c10::cuda::CUDAStreamGuard guard(stream);
        impl_->graph.capture_begin(poolId);
        try {
            body();
        } catch (const std::exception& e) {
            try {
                impl_->graph.capture_end();
            } catch (const std::exception&) {
            }
            impl_ = std::make_unique<Impl>();
            cudaGetLastError();  // clear the sticky capture error so later eager calls run
            if (whyNot) *whyNot = e.what();
            if (isOutOfMemory(e)) throw;
            return false;
        }
        impl_->graph.capture_end();
    }
    stream.synchronize();
    captured_ = true;
    return true;
#else
    (void)body;
    (void)pool;
    if (whyNot) *whyNot = "CUDA graphs are not available in this build";
    return false;
#endif
}

void Graph::replay() {
#ifdef PM_HAVE_CUDA_GRAPHS
    if (captured_) impl_->graph.replay();
#endif
}

}  // namespace pm::engine::cuda
