// Engine benchmark: process start to "ready" (models loaded, verified and warmed), the first
// request after warm-up, steady-state median latency and peak GPU memory per size, through the same
// Engine and InferenceSession::inpaint path the application uses. Prints one JSON line per
// measurement.
//
// usage: engine_bench --manifest M --models DIR [--device auto|cpu|cuda] [--sizes 512,1024]
//                     [--iters 20] [--no-half] [--no-graphs] [--label NAME] [--compare-fp32]
//                     [--trace] [--cache-dir DIR|off] [--switch NAME=VALUE]...
//                     [--kernel-profile N] [--kernel-profile-top K]
// --trace prints where start-up and each request spend their time (EngineOptions::trace).
// --cache-dir: the GPU warm-up cache (default ~/.cache/photomend/engine, as the app). --switch sets
// one of the GPU path's measurement switches (GpuSwitches), named and valued as the app's
// PM_ENGINE_* variables without the prefix: freeze=cpu|gpu|off, fp16=weights|autocast,
// layout=nchw|channels_last, fuse=0|1, layout_fusion=0|1, conv_taps=0|1, cl_weights=0|1,
// cudnn_benchmark=0|1, cudnn_limit=N, jit_optimize=0|1; and these without a variable:
// pads_in_sums=0|1, bias_relu_in_pads=0|1, local_convs_joined=0|1, irfft_consuming=0|1,
// cast_in_conv1x1=0|1, reuse_outputs=0|1, pinned_outputs=0|1.
// --kernel-profile N: after each size's timed requests, N more under libtorch's profiler, printed as
// tables of GPU kernels (CPU operators on the CPU) by name, by launching operator and by category
// (kernel_profile.h). With --no-graphs the kernels are the prepared model's, run eagerly, and the
// wall time minus the GPU's busy time is the launch overhead that CUDA graphs remove.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/engine/cuda_support.h"
#include "core/engine/engine.h"
#include "core/engine/inference_session.h"
#include "bench/engine/kernel_profile.h"

using namespace pm::engine;
using Clock = std::chrono::steady_clock;

namespace {

// Seconds since the kernel started this process, so library loading before main() counts too.
double secondsSinceProcessStart() {
    std::ifstream statFile("/proc/self/stat");
    std::string stat((std::istreambuf_iterator<char>(statFile)), std::istreambuf_iterator<char>());
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string field;
    for (int i = 3; i <= 22; ++i) fields >> field;  // field 22: starttime in clock ticks
    std::ifstream uptimeFile("/proc/uptime");
    double uptime = 0;
    uptimeFile >> uptime;
    return uptime - std::stod(field) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

// --switch NAME=VALUE; false for an unknown name.
bool setSwitch(GpuSwitches& gpu, const std::string& assignment) {
    const auto eq = assignment.find('=');
    const std::string name = assignment.substr(0, eq);
    const std::string value = eq == std::string::npos ? "" : assignment.substr(eq + 1);
    if (name == "freeze")
        gpu.freeze = value == "cpu"   ? GpuSwitches::Freeze::BeforeMove
                     : value == "gpu" ? GpuSwitches::Freeze::AfterMove
                                      : GpuSwitches::Freeze::Off;
    else if (name == "fp16")
        gpu.autocast = value == "autocast";
    else if (name == "layout")
        gpu.channelsLast = value == "channels_last";
    else if (name == "fuse")
        gpu.cudnnFusion = value == "1";
    else if (name == "layout_fusion")
        gpu.layoutFusion = value == "1" ? 1 : 0;
    else if (name == "conv_taps")
        gpu.convTaps = value == "1";
    else if (name == "direct_taps")
        gpu.directTaps = value == "1";
    else if (name == "widen_inputs")
        gpu.widenNarrowInputs = value == "1";
    else if (name == "cl_weights")
        gpu.channelsLastWeights = value == "1";
    else if (name == "pads_in_sums")
        gpu.padsInSums = value == "1";
    else if (name == "bias_relu_in_pads")
        gpu.biasReluInPads = value == "1";
    else if (name == "local_convs_joined")
        gpu.localConvsJoined = value == "1";
    else if (name == "irfft_consuming")
        gpu.inverseFftConsumesSpectrum = value == "1";
    else if (name == "cast_in_conv1x1")
        gpu.castsInPointwiseConvs = value == "1";
    else if (name == "reuse_outputs")
        gpu.reuseOutputs = value == "1";
    else if (name == "pinned_outputs")
        gpu.pinnedOutputs = value == "1";
    else if (name == "cudnn_benchmark")
        gpu.cudnnBenchmark = value == "1";
    else if (name == "cudnn_limit")
        gpu.cudnnLimit = std::max(1, std::atoi(value.c_str()));
    else if (name == "jit_optimize")
        gpu.jitOptimize = value == "1";
    else
        return false;
    return true;
}

std::vector<int> parseSizes(const std::string& text) {
    std::vector<int> sizes;
    std::stringstream in(text);
    for (std::string item; std::getline(in, item, ',');) sizes.push_back(std::stoi(item));
    return sizes;
}

struct Sample {
    cv::Mat image, mask;
};

Sample sampleAt(int size) {
    Sample s;
    s.image.create(size, size, CV_8UC3);
    cv::randu(s.image, 0, 256);
    s.mask = cv::Mat(size, size, CV_8UC1, cv::Scalar(0));
    s.mask(cv::Rect(size / 4, size / 4, size / 2, size / 2)).setTo(255);
    return s;
}

double relativeError(const cv::Mat& a, const cv::Mat& reference) {
    return cv::norm(a, reference, cv::NORM_L2) / std::max(1e-12, cv::norm(reference, cv::NORM_L2));
}

}  // namespace

int main(int argc, char** argv) {
    const double mainEnteredS = secondsSinceProcessStart();
    const double mainEnteredClock =
        std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
    EngineOptions options;
    if (const char* home = std::getenv("HOME"); home && *home)
        options.warmCacheDir = std::string(home) + "/.cache/photomend/engine";
    std::vector<int> sizes{512, 1024, 2048};
    int iters = 20;
    std::string label = "cpp-engine";
    bool compareFp32 = false;
    int profiledRequests = 0;
    int profileTop = 40;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        if (arg == "--manifest")
            options.manifestPath = next();
        else if (arg == "--models")
            options.modelsDir = next();
        else if (arg == "--device")
            options.device = parseDevicePreference(next());
        else if (arg == "--sizes")
            sizes = parseSizes(next());
        else if (arg == "--iters")
            iters = std::stoi(next());
        else if (arg == "--no-half")
            options.allowHalf = false;
        else if (arg == "--no-graphs")
            options.cudaGraphs = false;
        else if (arg == "--label")
            label = next();
        else if (arg == "--compare-fp32")
            compareFp32 = true;
        else if (arg == "--kernel-profile")
            profiledRequests = std::stoi(next());
        else if (arg == "--kernel-profile-top")
            profileTop = std::stoi(next());
        else if (arg == "--trace")
            options.trace = true;
        else if (arg == "--cache-dir") {
            options.warmCacheDir = next();
            if (options.warmCacheDir == "off") options.warmCacheDir.clear();
        } else if (arg == "--switch") {
            const std::string assignment = next();
            if (!setSwitch(options.gpu, assignment)) {
                std::cerr << "unknown switch " << assignment << "\n";
                return 2;
            }
        } else {
            std::cerr << "unknown argument " << arg << "\n";
            return 2;
        }
    }

    // Libraries load before main(): with --trace, say how long that took.
    if (options.trace)
        std::fprintf(stderr, "[trace] %.3f s main() entered, %.3f s after process start\n",
                     mainEnteredClock, mainEnteredS);
    EngineCallbacks callbacks;
    callbacks.onState = [](EngineState, const std::string& message) {
        std::cerr << "[engine] " << message << "\n";
    };
    std::string failure;
    callbacks.onFinished = [&failure](uint64_t, JobOutcome outcome, const std::string& message) {
        if (outcome != JobOutcome::Done) failure = message;
    };
    Engine engine(options, callbacks);
    engine.waitReady();
    const double readyS = secondsSinceProcessStart();
    if (options.trace)
        std::fprintf(stderr, "[trace] %.3f s ready\n",
                     std::chrono::duration<double>(Clock::now().time_since_epoch()).count());
    SessionStats stats;
    if (!engine.sessionStats("inpaint", &stats)) {
        std::cerr << "no inpaint model is loaded: check --manifest and --models\n";
        for (const auto& m : engine.models())
            std::cerr << "  " << m.entry.id << ": " << m.problem << "\n";
        return 1;
    }
    std::printf(
        "{\"impl\": \"%s\", \"what\": \"startup\", \"device\": \"%s\", \"ready_s\": %.3f, "
        "\"precision\": \"%s\", \"half_rel_error\": %.3g, \"graphs\": %s, \"warmup_calls\": "
        "%lld}\n",
        label.c_str(), engine.device().describe().c_str(), readyS, stats.precisionNote.c_str(),
        stats.halfRelativeError, stats.cudaGraphs ? "true" : "false",
        static_cast<long long>(stats.warmupCalls));
    std::fflush(stdout);
    // Why a faster path is off (CUDA graphs, freezing, layout fusion), if one is.
    if (!stats.fallbackNote.empty()) std::fprintf(stderr, "note: %s\n", stats.fallbackNote.c_str());

    // An fp32 session of the same file, for --compare-fp32 on the GPU.
    auto reference = std::shared_ptr<std::unique_ptr<InferenceSession>>();
    if (compareFp32 && engine.device().cuda) {
        for (const auto& m : engine.models()) {
            if (m.entry.task != "inpaint" || m.state != ModelState::Verified) continue;
            reference = std::make_shared<std::unique_ptr<InferenceSession>>();
            engine.submit("load fp32", [reference, m](JobContext& ctx) {
                // The model as loaded: not frozen, no batch norms folded (torch_session.cpp's
                // switch), so the error below covers every rewrite of the fast path too.
                SessionOptions fp32;
                fp32.gpu.freeze = GpuSwitches::Freeze::Off;
                fp32.allowHalf = false;
                fp32.cudaGraphs = false;
                *reference = InferenceSession::load(m.entry, m.path, ctx.device(), fp32);
            });
            engine.waitIdle();
            if (!*reference) reference.reset();
            break;
        }
    }

    for (int size : sizes) {
        const Sample sample = sampleAt(size);
        auto result = std::make_shared<std::vector<double>>();
        auto peak = std::make_shared<int64_t>(0);
        auto output = std::make_shared<cv::Mat>();
        SessionStats before;
        engine.sessionStats("inpaint", &before);
        engine.submit("bench", [&sample, result, peak, output, iters](JobContext& ctx) {
            InferenceSession* session = ctx.model("inpaint");
            cuda::resetPeakAllocated();
            for (int i = 0; i <= iters; ++i) {
                const auto t0 = Clock::now();
                *output =
                    session->inpaint(sample.image, sample.mask);  // returns pixels: synchronous
                result->push_back(ms(Clock::now() - t0));
            }
            *peak = cuda::peakAllocatedBytes();
        });
        engine.waitIdle();
        if (!failure.empty()) {
            std::cerr << "size " << size << ": " << failure << "\n";
            return 1;
        }
        SessionStats after;
        engine.sessionStats("inpaint", &after);
        const double first = result->front();
        std::vector<double> steady(result->begin() + 1, result->end());
        std::sort(steady.begin(), steady.end());
        const double median = steady[steady.size() / 2];
        std::printf(
            "{\"impl\": \"%s\", \"size\": %d, \"first_ms\": %.2f, \"median_ms\": %.2f, "
            "\"peak_mb\": %.0f, \"cold_calls\": %lld, \"note\": \"%s\"}\n",
            label.c_str(), size, first, median, static_cast<double>(*peak) / (1 << 20),
            static_cast<long long>(after.coldCalls - before.coldCalls), after.fallbackNote.c_str());
        std::fflush(stdout);

        if (profiledRequests > 0) {
            pm::bench::KernelProfileOptions profile;
            profile.requests = profiledRequests;
            profile.cuda = engine.device().cuda;
            profile.unprofiledWallMs = median;
            profile.topKernels = profileTop;
            profile.title = label + ", " + std::to_string(size) + "^2, CUDA graphs " +
                            (after.cudaGraphs ? "on" : "off") + ", " + after.precisionNote;
            engine.submit("kernel profile", [&sample, profile](JobContext& ctx) {
                InferenceSession* session = ctx.model("inpaint");
                pm::bench::profileRequests([&] { session->inpaint(sample.image, sample.mask); },
                                           profile, stdout);
            });
            engine.waitIdle();
        }

        if (reference) {
            // The same request through an fp32 session: how far the fast path moves the pixels.
            auto error = std::make_shared<double>(-1.0);
            engine.submit("fp32 reference", [&sample, output, error, reference](JobContext&) {
                *error = relativeError(*output, (*reference)->inpaint(sample.image, sample.mask));
            });
            engine.waitIdle();
            std::printf(
                "{\"impl\": \"%s\", \"what\": \"fp16_vs_fp32\", \"size\": %d, "
                "\"rel_error\": %.3g}\n",
                label.c_str(), size, *error);
            std::fflush(stdout);
        }
    }
    return 0;
}
