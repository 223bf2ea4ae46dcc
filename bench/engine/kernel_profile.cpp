#include "bench/engine/kernel_profile.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <torch/csrc/autograd/profiler_kineto.h>
#include <torch/version.h>

namespace pm::bench {
namespace {

namespace kineto = torch::autograd::profiler;
namespace impl = torch::profiler::impl;

// torch 2.1 moved KinetoEvent's clock from microseconds to nanoseconds (startNs, durationNs).
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
double startUs(const kineto::KinetoEvent& e) { return static_cast<double>(e.startNs()) / 1000.0; }
double durationUs(const kineto::KinetoEvent& e) {
    return static_cast<double>(e.durationNs()) / 1000.0;
}
#else
double startUs(const kineto::KinetoEvent& e) { return static_cast<double>(e.startUs()); }
double durationUs(const kineto::KinetoEvent& e) { return static_cast<double>(e.durationUs()); }
#endif

bool contains(const std::string& text, const char* part) {
    return text.find(part) != std::string::npos;
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// CUDA runtime and driver calls (cudaLaunchKernel, cuLaunchKernelEx, cudaMemcpyAsync...): the
// CPU's side of a launch, not an operator.
bool isRuntimeCall(const std::string& name) {
    return name.rfind("cuda", 0) == 0 || (name.size() > 2 && name.rfind("cu", 0) == 0 &&
                                          std::isupper(static_cast<unsigned char>(name[2])));
}

// What to do about a kernel depends on who wrote it: ours (fused_kernels.cu), cuDNN's
// convolutions, cuBLAS's products (the 1x1 convolutions and the last layer's taps), cuFFT, or
// ATen's elementwise passes and copies that the rewrites left.
std::string category(const std::string& name) {
    const std::string n = lower(name);
    if (contains(n, "reflectpad") || contains(n, "reflection_pad") || contains(n, "reflect_pad"))
        return "pads";
    for (const char* ours : {"relusum", "relu_sum", "biasrelu", "bias_relu", "spectrumtochannels",
                             "spectrum_to_channels", "channelstospectrum", "channels_to_spectrum",
                             "addwidened", "add_widened", "tapsum", "conv_taps", "photomend::"})
        if (contains(n, ours)) return "ours (fused_kernels.cu)";
    if (contains(n, "fft") || contains(n, "radix")) return "cuFFT";
    if (contains(n, "nchwtonhwc") || contains(n, "nhwctonchw")) return "cuDNN layout transforms";
    for (const char* conv : {"conv", "cudnn", "fprop", "dgrad", "wgrad", "implicit_gemm",
                             "winograd", "depthwise"})
        if (contains(n, conv)) return "convolutions (cuDNN)";
    for (const char* gemm : {"gemm", "nvjet", "cublas", "cutlass", "aten::mm", "aten::bmm",
                             "aten::addmm", "matmul"})
        if (contains(n, gemm)) return "products (cuBLAS: 1x1, taps)";
    for (const char* pass : {"memcpy", "memset", "copy", "elementwise", "cat", "fill", "reduce",
                             "index", "clone", "contiguous", "add", "mul", "relu", "clamp",
                             "sigmoid", "where", "to_copy"})
        if (contains(n, pass)) return "elementwise, copies, cat";
    return "other";
}

int64_t elementBytes(const std::string& dtype) {
    const std::string t = lower(dtype);
    if (contains(t, "complex<double>")) return 16;
    if (contains(t, "complex")) return 8;
    if (contains(t, "half") || contains(t, "bfloat16") || contains(t, "short")) return 2;
    if (contains(t, "double") || contains(t, "long") || contains(t, "int64")) return 8;
    if (contains(t, "float") || t == "int" || contains(t, "int32")) return 4;
    if (contains(t, "char") || contains(t, "bool") || contains(t, "uint8")) return 1;
    return 0;  // Scalar, lists, None
}

// Bytes of the tensor inputs an operator was called with (report_input_shapes).
int64_t inputBytes(const kineto::KinetoEvent& e) {
    if (!e.hasShapes() || !e.hasTypes()) return 0;
    const auto shapes = e.shapes();
    const auto types = e.dtypes();
    int64_t total = 0;
    for (size_t i = 0; i < shapes.size() && i < types.size(); ++i) {
        if (shapes[i].empty()) continue;
        int64_t count = 1;
        for (int64_t d : shapes[i]) count *= d;
        total += count * elementBytes(types[i]);
    }
    return total;
}

struct Span {
    double start = 0, end = 0;
    std::string name;
    uint64_t thread = 0;
    uint64_t linked = 0;
    double self = 0;  // own time: the span less its children's (CPU operators only)
};

// Length of the union of the spans: time the device (or the thread) was doing something.
double busyUs(std::vector<Span> spans) {
    std::sort(spans.begin(), spans.end(),
              [](const Span& a, const Span& b) { return a.start < b.start; });
    double busy = 0, open = -1, close = -1;
    for (const Span& s : spans) {
        if (s.start > close) {
            busy += close - open;
            open = s.start;
            close = s.end;
        } else {
            close = std::max(close, s.end);
        }
    }
    return busy + (close - open);
}

// On the CPU operators nest (conv2d > convolution > mkldnn_convolution > empty): each keeps its
// own time, less its direct children's, so the table adds up to the time the thread was busy.
std::vector<Span> selfTimes(std::vector<Span> spans) {
    std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
        if (a.thread != b.thread) return a.thread < b.thread;
        if (a.start != b.start) return a.start < b.start;
        return a.end > b.end;
    });
    std::vector<size_t> open;  // enclosing spans, innermost last
    for (size_t i = 0; i < spans.size(); ++i) {
        while (!open.empty() && (spans[open.back()].thread != spans[i].thread ||
                                 spans[open.back()].end <= spans[i].start))
            open.pop_back();
        spans[i].self = spans[i].end - spans[i].start;
        if (!open.empty()) spans[open.back()].self -= spans[i].end - spans[i].start;
        open.push_back(i);
    }
    return spans;
}

struct Group {
    int64_t count = 0;
    double us = 0;
    int64_t bytes = 0;  // input bytes (by-operator table only)
    int64_t calls = 0;  // operator calls (by-operator table only)
};

std::string shortName(const std::string& name, size_t width) {
    return name.size() <= width ? name : name.substr(0, width - 3) + "...";
}

template <typename Map>
std::vector<std::pair<std::string, Group>> byTime(const Map& groups) {
    std::vector<std::pair<std::string, Group>> rows(groups.begin(), groups.end());
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return a.second.us > b.second.us; });
    return rows;
}

}  // namespace

bool profileRequests(const std::function<void()>& request, const KernelProfileOptions& options,
                     std::FILE* out) {
    using Clock = std::chrono::steady_clock;
    const int requests = std::max(1, options.requests);
    std::set<impl::ActivityType> activities{impl::ActivityType::CPU};
    if (options.cuda) activities.insert(impl::ActivityType::CUDA);
    // Input shapes give each operator's bytes; the profiler's own cost lands on the CPU, which is
    // why the unprofiled wall time is printed beside the profiled one.
    const impl::ProfilerConfig config(impl::ProfilerState::KINETO, /*report_input_shapes=*/true);
    std::unique_ptr<kineto::ProfilerResult> result;
    double wallMs = 0;
    try {
        kineto::prepareProfiler(config, activities);
        kineto::enableProfiler(config, activities);
        for (int i = 0; i < requests; ++i) {
            const auto t0 = Clock::now();
            request();
            wallMs += std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
        }
        result = kineto::disableProfiler();
    } catch (const std::exception& e) {
        std::fprintf(out, "== kernel profile failed: %s\n", e.what());
        return false;
    }
    wallMs /= requests;

    std::vector<Span> device, cpuOps;
    std::unordered_map<uint64_t, std::pair<std::string, int64_t>> opByCorrelation;
    double runtimeUs = 0;
    int64_t runtimeCalls = 0;
    std::set<std::string> opNames;
    for (const auto& e : result->events())
        if (e.deviceType() != c10::DeviceType::CUDA) opNames.insert(e.name());
    for (const auto& e : result->events()) {
        const std::string name = e.name();
        Span span{startUs(e), startUs(e) + durationUs(e), name, e.startThreadId(),
                  e.linkedCorrelationId()};
        if (e.deviceType() == c10::DeviceType::CUDA) {
            // Newer Kineto mirrors annotated CPU ranges on the GPU's timeline under the CPU
            // range's name: those are not kernels, and counting them would count kernels twice.
            if (!opNames.count(name)) device.push_back(span);
        } else if (isRuntimeCall(name)) {
            runtimeUs += durationUs(e);
            ++runtimeCalls;
        } else if (!name.empty() && name[0] != '[') {  // not "[memory]" and such
            cpuOps.push_back(span);
            opByCorrelation[e.correlationId()] = {name, inputBytes(e)};
        }
    }
    const bool onGpu = options.cuda;
    const std::vector<Span> work = onGpu ? device : selfTimes(cpuOps);
    if (work.empty()) {
        std::fprintf(out, "== kernel profile: the profiler recorded no %s (%zu events)\n",
                     onGpu ? "GPU kernels" : "CPU operators", result->events().size());
        return false;
    }
    double sumUs = 0;
    std::map<std::string, Group> byName, byCategory, byOp;
    for (const Span& s : work) {
        const double us = onGpu ? s.end - s.start : s.self;
        sumUs += us;
        Group& g = byName[s.name];
        ++g.count;
        g.us += us;
        Group& c = byCategory[category(s.name)];
        ++c.count;
        c.us += us;
        if (onGpu) {
            const auto op = opByCorrelation.find(s.linked);
            Group& o = byOp[op == opByCorrelation.end() ? "(no operator)" : op->second.first];
            ++o.count;
            o.us += us;
        }
    }
    // Operator calls and their input bytes, for the bandwidth column.
    if (onGpu) {
        std::set<uint64_t> launched;
        for (const Span& s : work) launched.insert(s.linked);
        for (uint64_t id : launched) {
            const auto op = opByCorrelation.find(id);
            if (op == opByCorrelation.end()) continue;
            Group& o = byOp[op->second.first];
            ++o.calls;
            o.bytes += op->second.second;
        }
    }
    const double busy = busyUs(work) / requests;
    const double perRequest = 1.0 / requests;
    const char* unit = onGpu ? "kernel" : "operator";

    std::fprintf(out, "== kernel profile: %s, %d requests, %s\n", options.title.c_str(), requests,
                 onGpu ? "GPU kernels (CUDA activity)" : "CPU operators, own time");
    std::fprintf(out,
                 "per request: wall %.3f ms without the profiler, %.3f ms profiled; %s busy %.3f ms "
                 "(union), sum of %ss %.3f ms, %.0f %ss; idle gap (wall - busy) %.3f ms\n",
                 options.unprofiledWallMs, wallMs, onGpu ? "GPU" : "CPU", busy / 1000.0, unit,
                 sumUs * perRequest / 1000.0, work.size() * perRequest, unit,
                 ((options.unprofiledWallMs > 0 ? options.unprofiledWallMs : wallMs) * 1000.0 -
                  busy) / 1000.0);
    if (onGpu)
        std::fprintf(out,
                     "CPU side: %.0f CUDA runtime calls per request, %.3f ms in them (profiled)\n",
                     runtimeCalls * perRequest, runtimeUs * perRequest / 1000.0);

    std::fprintf(out, "== by %s name (per request; %% of the summed %s time)\n", unit, unit);
    std::fprintf(out, "%4s %7s %10s %6s %9s  %s\n", "rank", "count", "total_us", "%", "us/launch",
                 "name");
    int rank = 0;
    for (const auto& [name, g] : byTime(byName)) {
        if (++rank > options.topKernels) break;
        std::fprintf(out, "%4d %7.1f %10.1f %6.2f %9.2f  %s\n", rank, g.count * perRequest,
                     g.us * perRequest, 100.0 * g.us / sumUs, g.us / g.count,
                     shortName(name, 150).c_str());
    }
    if (onGpu) {
        std::fprintf(out,
                     "== by launching operator (per request; in_MB = tensor inputs per call; "
                     "in_GB/s = input bytes / kernel time, writes not counted)\n");
        std::fprintf(out, "%7s %8s %10s %6s %9s %9s  %s\n", "calls", "kernels", "total_us", "%",
                     "in_MB", "in_GB/s", "operator");
        for (const auto& [name, g] : byTime(byOp)) {
            const double mb = g.calls ? g.bytes / 1e6 / g.calls : 0;
            const double gbs = g.us > 0 ? g.bytes / 1e3 / g.us : 0;
            std::fprintf(out, "%7.1f %8.1f %10.1f %6.2f %9.2f %9.0f  %s\n", g.calls * perRequest,
                         g.count * perRequest, g.us * perRequest, 100.0 * g.us / sumUs, mb, gbs,
                         shortName(name, 80).c_str());
        }
    }
    std::fprintf(out, "== by category (per request)\n");
    std::fprintf(out, "%8s %10s %6s  %s\n", "count", "total_ms", "%", "category");
    for (const auto& [name, g] : byTime(byCategory))
        std::fprintf(out, "%8.1f %10.3f %6.2f  %s\n", g.count * perRequest,
                     g.us * perRequest / 1000.0, 100.0 * g.us / sumUs, name.c_str());
    std::fprintf(out, "%8.1f %10.3f %6.2f  %s\n", work.size() * perRequest,
                 sumUs * perRequest / 1000.0, 100.0, "all");
    std::fprintf(out, "== end of kernel profile\n");
    std::fflush(out);
    return true;
}

}  // namespace pm::bench
