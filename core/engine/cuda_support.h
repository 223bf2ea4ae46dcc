#pragma once
// The few CUDA facilities the engine uses, behind an interface without torch or CUDA types so that
// the CPU build (Debian's libtorch) compiles the same callers. Everything here is a harmless no-op
// or "absent" when PhotoMend was built against a libtorch without CUDA.
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>

namespace pm::engine::cuda {

/// Whether this build's libtorch was compiled with CUDA.
bool compiledWithCuda();
/// libtorch has CUDA and at least one GPU is usable.
bool available();

struct Properties {
    std::string name;
    int64_t totalMemoryBytes = 0;
};
Properties properties();
/// Free device memory right now (driver view), 0 without CUDA.
int64_t freeMemoryBytes();
/// Caps the caching allocator at this fraction of the card's memory: going past it raises an
/// out-of-memory error that the session handles, instead of starving the rest of the desktop.
void setMemoryFraction(double fraction);
void emptyCache();
void synchronize();
int64_t peakAllocatedBytes();
/// What the caching allocator holds from the driver now and at most since the last reset (tensors,
/// freed blocks it keeps for reuse, graph pools); the card's use is this plus the CUDA context and
/// the libraries' kernels.
int64_t reservedBytes();
int64_t peakReservedBytes();
/// Resets the peaks of allocated and reserved bytes.
void resetPeakAllocated();

/// cuDNN tries at most this many algorithms per convolution when it autotunes (10 when not
/// positive).
void limitCudnnAutotuning(int algorithms);
/// Whether cuDNN autotunes the convolutions of the calls that follow: it pays off only on shapes
/// that come back (the warmed buckets).
void autotuneCudnn(bool on);

/// True for CUDA out-of-memory errors from libtorch or the CUDA runtime.
bool isOutOfMemory(const std::exception& error);

/// Autocast to fp16 on the GPU for the scope (ops on autocast's fp32 list, the FFTs among them,
/// stay in fp32). No-op when `enabled` is false.
class AutocastScope {
public:
    explicit AutocastScope(bool enabled);
    ~AutocastScope();
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

private:
    bool enabled_;
    bool previous_ = false;
};

/// One memory pool for the captures of several graphs. Each capture otherwise gets a private pool
/// that keeps the peak of its body's intermediates for as long as the graph lives; graphs that share
/// one reuse each other's freed intermediates, so N working sizes cost about the largest one, not
/// the sum. Safe when the graphs never run at the same time (one stream) and each output is read
/// (copied) right after its replay, before another graph of the pool replays over it.
class GraphPool {
public:
    GraphPool();
    ~GraphPool();
    GraphPool(const GraphPool&) = delete;
    GraphPool& operator=(const GraphPool&) = delete;

private:
    friend class Graph;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// One captured CUDA graph: capture() runs `body` once under stream capture; replay() reruns the
/// recorded kernels on the same memory. Tensors the body writes stay valid while the graph lives.
class Graph {
public:
    Graph();
    ~Graph();
    Graph(const Graph&) = delete;
    Graph& operator=(const Graph&) = delete;
    /// Whether graphs exist in this build.
    static bool supported();
    /// Returns false (and leaves nothing captured) when capture is not possible; rethrows OOM.
    /// With `pool`, the capture allocates from that shared pool instead of a private one.
    bool capture(const std::function<void()>& body, std::string* whyNot = nullptr, GraphPool* pool = nullptr);
    void replay();
    bool captured() const { return captured_; }

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    bool captured_ = false;
};

}  // namespace pm::engine::cuda
