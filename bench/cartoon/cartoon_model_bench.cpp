// Time of the cartoon model path: AnimeGANv2 through the engine's session (the native network,
// loaded from a checkpoint as the published one is) at 512 and 1024 px, and 2048 px and 12 MP photos
// in the overlapping tiles that core/ops/cartoon uses (1024 px, 64 px overlap). Random weights: the
// same work as the published ones (this machine has no network to fetch them). Wall and process CPU
// time, median of the runs; the first request after loading is printed beside it. Each figure is
// also printed as a JSON line (bench/cartoon/table.py sets it beside the published code's, timed
// by bench/gpu/animegan_eager.py in the same run).
//   cartoon_model_bench [--runs N] [--no-2048] [--device cpu|cuda] [--half] [--stages]
//                       [--norm-check] [--cudnn-benchmark]
// --half marks the model half-safe in its manifest entry, so on CUDA the session runs it in fp16.
// --stages: the session's steps timed one by one (the GPU synchronized after each), and the
// tiles' own work with a model that returns its input. --norm-check: torch's GroupNorm(1, 64)
// against nets/one_group_norm.h on a 1024 px activation. --cudnn-benchmark: cuDNN autotunes.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/common/memory_reuse.h"
#include "core/engine/cuda_support.h"
#include "core/engine/device.h"
#include "core/engine/inference_session.h"
#include "core/engine/model_registry.h"
#include "core/engine/nets/animegan2.h"
#include "core/engine/nets/one_group_norm.h"
#include "core/engine/runtime/tiled_image_to_image.h"
#include "core/image/tensor_convert.h"
#include "tests/nets/torch_save_format.h"

namespace fs = std::filesystem;

namespace {

struct Times {
    double wallS, cpuS;
};

double cpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

Times median(int runs, const std::function<void()>& work) {
    std::vector<double> wall, cpu;
    for (int i = 0; i < runs; ++i) {
        const double c = cpuSeconds();
        const auto start = std::chrono::steady_clock::now();
        work();
        wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        cpu.push_back(cpuSeconds() - c);
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    return {wall[wall.size() / 2], cpu[cpu.size() / 2]};
}

/// One JSON line per figure, for bench/cartoon/table.py.
void printJson(const std::string& impl, const std::string& precision, const cv::Size& size, const char* mode, const Times& t,
          double firstS) {
    std::printf("{\"impl\": \"%s\", \"precision\": \"%s\", \"size\": \"%dx%d\", \"mode\": \"%s\", "
                "\"ms\": %.2f, \"cpu_ms\": %.2f, \"first_ms\": %.2f}\n",
                impl.c_str(), precision.c_str(), size.width, size.height, mode, t.wallS * 1e3, t.cpuS * 1e3, firstS * 1e3);
}

/// What a request spends in each of the session's steps (nets/network_session.cpp's run(), step by
/// step, with the GPU synchronized after each so that its work is counted where it was queued).
void timeStages(const cv::Mat& photo, pm::engine::nets::AnimeGan2Generator& net, const torch::Device& device,
                const pm::image::TensorLayout& layout, bool half, int runs) {
    std::vector<std::vector<double>> ms(4);
    torch::NoGradGuard noGrad;
    for (int i = 0; i <= runs; ++i) {
        auto t = std::chrono::steady_clock::now();
        auto lap = [&](int stage) {
            pm::engine::cuda::synchronize();
            const auto now = std::chrono::steady_clock::now();
            if (i > 0) ms[size_t(stage)].push_back(std::chrono::duration<double, std::milli>(now - t).count());
            t = now;
        };
        cv::Mat padded;
        cv::copyMakeBorder(photo, padded, 0, (8 - photo.rows % 8) % 8, 0, (8 - photo.cols % 8) % 8, cv::BORDER_REFLECT);
        lap(0);
        torch::Tensor x = pm::image::bgrToTensor(padded, layout, device);
        if (half) x = x.to(torch::kHalf);
        lap(1);
        torch::Tensor y = net->forward(x);
        lap(2);
        const cv::Mat out = pm::image::tensorToBgr(y.to(torch::kFloat), layout)(cv::Rect(0, 0, photo.cols, photo.rows)).clone();
        lap(3);
    }
    const char* names[] = {"pad", "pixels to tensor", "network", "tensor to pixels"};
    std::printf("  stages at %dx%d:", photo.cols, photo.rows);
    for (size_t s = 0; s < ms.size(); ++s) {
        std::sort(ms[s].begin(), ms[s].end());
        std::printf(" %s %.2f ms%s", names[s], ms[s][ms[s].size() / 2], s + 1 < ms.size() ? "," : "\n");
    }
}

/// torch's GroupNorm with one group against OneGroupNorm on AnimeGANv2's largest activation kind
/// (64 channels at 1024x688), and a 3x3 convolution of the same size for scale.
void normCheck(const torch::Device& device, bool half, int runs) {
    torch::NoGradGuard noGrad;
    const auto type = half ? torch::kHalf : torch::kFloat;
    const torch::Tensor x = torch::randn({1, 64, 688, 1024}, torch::TensorOptions(device).dtype(type));
    pm::engine::nets::OneGroupNorm ours(64);
    ours->to(device, type);
    torch::nn::Conv2d conv(torch::nn::Conv2dOptions(64, 64, 3).padding(1).bias(false));
    conv->to(device, type);
    auto time = [&](const std::function<torch::Tensor()>& f) {
        f();
        pm::engine::cuda::synchronize();
        return median(runs, [&] { f(); pm::engine::cuda::synchronize(); }).wallS * 1e3;
    };
    const double torchs = time([&] { return torch::group_norm(x, 1, ours->weight, ours->bias, 1e-5); });
    const double mine = time([&] { return ours->forward(x); });
    const double convMs = time([&] { return conv->forward(x); });
    const double diff = (ours->forward(x) - torch::group_norm(x, 1, ours->weight, ours->bias, 1e-5))
                            .abs().max().item<double>();
    std::printf("  GroupNorm(1, 64) on 1x64x688x1024 %s: torch's %.3f ms, OneGroupNorm %.3f ms (max difference %.2g); "
                "a 3x3 64->64 convolution %.3f ms\n", half ? "fp16" : "fp32", torchs, mine, diff, convMs);
}

cv::Mat picture(int cols, int rows) {
    cv::Mat image(rows, cols, CV_8UC3);
    cv::randu(image, cv::Scalar::all(0), cv::Scalar::all(255));
    cv::GaussianBlur(image, image, {0, 0}, 6.0);
    return image;
}

}  // namespace

int main(int argc, char** argv) {
    pm::keepFreedMemoryForReuse();
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    int runs = 3;
    bool big = true;
    bool half = false, stages = false, norm = false, autotune = false;
    auto preference = pm::engine::DevicePreference::Cpu;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--runs" && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
        if (a == "--no-2048") big = false;
        if (a == "--half") half = true;
        if (a == "--stages") stages = true;
        if (a == "--norm-check") norm = true;
        if (a == "--cudnn-benchmark") autotune = true;
        if (a == "--device" && i + 1 < argc && std::string(argv[++i]) == "cuda") preference = pm::engine::DevicePreference::Cuda;
    }
    const fs::path dir = fs::temp_directory_path() / "photomend-cartoon-model-bench";
    fs::create_directories(dir);
    const std::string file = (dir / "face_paint_512_v2.pt").string();
    torch::manual_seed(1);
    pm::engine::nets::AnimeGan2Generator generator;
    pm::test::torchSaveStateDict(pm::test::stateDictOf(*generator), file, pm::test::TorchSaveFormat::Zip);
    const std::string json =
        R"({"models": [{"id": "cartoon", "task": "cartoon", "file": "face_paint_512_v2.pt", "format": "state_dict",)"
        R"( "architecture": "animeganv2", "contract": {"kind": "image2image", "range": "-1..1", "sizeMultiple": 8, "halfSafe": )" +
        std::string(half ? "true" : "false") + "}}]}";
    const pm::engine::ModelEntry entry = pm::engine::ModelRegistry::parse(json, "/").entries().at(0);
    const pm::engine::DeviceInfo device = pm::engine::selectDevice(preference);
    auto session = pm::engine::InferenceSession::load(entry, file, device);
    // cuDNN's heuristics pick each convolution's algorithm unless asked to time them all.
    if (device.cuda) pm::engine::cuda::autotuneCudnn(autotune);
    const std::string precision = session->stats().half ? "fp16" : "fp32";
    const std::string impl = autotune ? "ours, cuDNN autotuned" : "ours";
    std::printf("AnimeGANv2 (native network, random weights) on %s, %s%s, %d torch thread(s)\n", device.describe().c_str(),
                precision.c_str(), autotune ? ", cuDNN autotuned" : "", torch::get_num_threads());
    const torch::Device torchDevice = device.cuda ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
    if (norm) normCheck(torchDevice, half && device.cuda, runs);
    if (stages) {
        generator->eval();
        generator->to(torchDevice);
        if (session->stats().half) generator->to(torch::kHalf);
    }
    for (int side : {512, 1024}) {
        const cv::Mat photo = picture(side, side * 2 / 3);
        const Times first = median(1, [&] { session->imageToImage(photo); });
        const Times t = median(runs, [&] { session->imageToImage(photo); });
        std::printf("%4dx%-4d whole:             %8.3f s wall %8.3f s CPU (first %.3f s)\n", photo.cols, photo.rows, t.wallS,
                    t.cpuS, first.wallS);
        printJson(impl, precision, photo.size(), "whole", t, first.wallS);
        if (stages) timeStages(photo, generator, torchDevice, entry.contract.layout(), session->stats().half, runs);
    }
    if (big) {
        for (const cv::Size size : {cv::Size(2048, 1365), cv::Size(4000, 3000)}) {
            const cv::Mat photo = picture(size.width, size.height);
            const Times t = median(device.cuda ? runs : 1, [&] {
                pm::engine::imageToImageInTiles(photo, 1024, 64, [&](const cv::Mat& tile) { return session->imageToImage(tile); });
            });
            std::printf("%4dx%-4d in 1024 px tiles:  %8.3f s wall %8.3f s CPU\n", photo.cols, photo.rows, t.wallS, t.cpuS);
            printJson(impl, precision, photo.size(), "tiles", t, 0);
            if (stages) {
                const Times own = median(runs, [&] {
                    pm::engine::imageToImageInTiles(photo, 1024, 64, [](const cv::Mat& tile) { return tile.clone(); });
                });
                std::printf("  the tiles' own work (a model that returns its input): %.3f s wall %.3f s CPU\n", own.wallS, own.cpuS);
            }
            if (!device.cuda) break;  // 12 MP on a CPU takes minutes
        }
    }
    fs::remove_all(dir);
    return 0;
}
