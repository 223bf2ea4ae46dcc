// Writes a TorchScript network with big-LaMa's architecture and random weights (the C++ twin of
// bench/gpu/make_lama_like.py), checks that a forward pass on the saved file gives a usable image
// (finite, in 0..1, not constant) and can time plain libtorch on it: torch::jit::load and forward,
// no engine, as the same-run reference for engine_bench on the CPU.
//
// usage: make_lama_like OUT.pt [--blocks 18] [--seed 0] [--check-size 512] [--time SIZE ITERS]
//                              [--threads 2] [--no-profiling] [--flush-denormal] [--label NAME]
// --no-profiling runs TorchScript's simple executor, as the engine does; --flush-denormal shows
// whether the random weights make denormal numbers (the time would drop if they did).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include <torch/csrc/jit/runtime/graph_executor.h>
#include <torch/script.h>
#include <torch/torch.h>

#include "bench/engine/lama_like_model.h"

using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// As engine_bench's sample: random pixels, the centre quarter masked.
std::vector<torch::jit::IValue> sampleInputs(int size) {
    const auto image = torch::randint(0, 256, {1, 3, size, size}).to(torch::kFloat32) / 255.0;
    auto mask = torch::zeros({1, 1, size, size});
    mask.narrow(2, size / 4, size / 2).narrow(3, size / 4, size / 2).fill_(1.0);
    return {image, mask};
}

// A random-weights network still has to give a picture-like output: anything else means the
// weights or statistics are broken and timings on it would mislead (NaN, denormals, saturation).
bool outputIsUsable(const torch::Tensor& out, int size) {
    const bool shapeOk = out.dim() == 4 && out.size(0) == 1 && out.size(1) == 3 &&
                         out.size(2) == size && out.size(3) == size;
    const bool finite = torch::isfinite(out).all().item<bool>();
    const double lo = out.min().item<double>(), hi = out.max().item<double>();
    const double mean = out.mean().item<double>(), stddev = out.std().item<double>();
    const double saturated =
        ((out < 1e-3) | (out > 1 - 1e-3)).to(torch::kFloat64).mean().item<double>();
    std::printf(
        "output [%lld, %lld, %lld, %lld]: min %.4f max %.4f mean %.4f std %.4f, %.2f%% within 1e-3 "
        "of 0 or 1, finite %s\n",
        static_cast<long long>(out.size(0)), static_cast<long long>(out.size(1)),
        static_cast<long long>(out.size(2)), static_cast<long long>(out.size(3)), lo, hi, mean,
        stddev, 100.0 * saturated, finite ? "yes" : "no");
    return shapeOk && finite && lo >= 0.0 && hi <= 1.0 && stddev > 1e-3 && hi - lo > 0.05 &&
           saturated < 0.05;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || std::string(argv[1]).rfind("--", 0) == 0) {
        std::cerr << "usage: make_lama_like OUT.pt [--blocks 18] [--seed 0] [--check-size 512] "
                     "[--time SIZE ITERS] [--threads 2] [--no-profiling] [--flush-denormal] "
                     "[--label NAME]\n";
        return 2;
    }
    const std::string path = argv[1];
    pm::bench::LamaLikeOptions options;
    int checkSize = 512, timeSize = 0, iters = 0, threads = 2;
    bool profiling = true, flushDenormal = false;
    std::string label = "cpp-jit-eager";
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : "0"; };
        if (arg == "--blocks")
            options.blocks = std::stoi(next());
        else if (arg == "--seed")
            options.seed = std::stoull(next());
        else if (arg == "--check-size")
            checkSize = std::stoi(next());
        else if (arg == "--time") {
            timeSize = std::stoi(next());
            iters = std::stoi(next());
        } else if (arg == "--threads")
            threads = std::stoi(next());
        else if (arg == "--no-profiling")
            profiling = false;
        else if (arg == "--flush-denormal")
            flushDenormal = true;
        else if (arg == "--label")
            label = next();
        else {
            std::cerr << "unknown argument " << arg << "\n";
            return 2;
        }
    }
    at::set_num_threads(threads);

    auto t0 = Clock::now();
    const auto summary = pm::bench::saveLamaLikeModel(path, options);
    std::printf(
        "saved %s: %.1f M parameters (%lld), %lld batch-norm statistics, %d blocks, %.1f s\n",
        path.c_str(), summary.parameters / 1e6, static_cast<long long>(summary.parameters),
        static_cast<long long>(summary.buffers), options.blocks, msSince(t0) / 1e3);
    std::fflush(stdout);

    // From here on only the saved file counts, as a user's model would be used.
    torch::jit::getProfilingMode() = profiling;
    if (flushDenormal && !at::globalContext().setFlushDenormal(true))
        std::cerr << "this CPU cannot flush denormals\n";
    torch::NoGradGuard noGrad;
    t0 = Clock::now();
    torch::jit::Module model = torch::jit::load(path);
    model.eval();
    const double loadMs = msSince(t0);

    const int firstSize = timeSize > 0 ? timeSize : checkSize;
    const auto inputs = sampleInputs(firstSize);
    t0 = Clock::now();
    const torch::Tensor out = model.forward(inputs).toTensor();
    const double firstMs = msSince(t0);
    if (!outputIsUsable(out, firstSize)) {
        std::cerr << path << ": the output at " << firstSize << "x" << firstSize
                  << " is not a usable image (see above)\n";
        return 1;
    }
    if (timeSize <= 0) return 0;

    std::vector<double> times;
    for (int i = 0; i < iters; ++i) {
        t0 = Clock::now();
        model.forward(inputs);
        times.push_back(msSince(t0));
        std::fprintf(stderr, "call %d: %.0f ms\n", i + 2, times.back());
    }
    std::sort(times.begin(), times.end());
    const double median = times.empty() ? firstMs : times[times.size() / 2];
    std::printf(
        "{\"impl\": \"%s\", \"size\": %d, \"threads\": %d, \"profiling_executor\": %s, "
        "\"flush_denormal\": %s, "
        "\"load_ms\": %.0f, \"first_ms\": %.0f, \"median_ms\": %.0f, \"min_ms\": %.0f, "
        "\"iters\": %d}\n",
        label.c_str(), timeSize, at::get_num_threads(), profiling ? "true" : "false",
        flushDenormal ? "true" : "false", loadMs, firstMs, median,
        times.empty() ? firstMs : times.front(), iters);
    return 0;
}
