// Time of the cartoon model path: AnimeGANv2 through the engine's session (the native network,
// loaded from a checkpoint as the published one is) at 512 and 1024 px, and 2048 px and 12 MP photos
// in the overlapping tiles that core/ops/cartoon uses (1024 px, 64 px overlap). Random weights: the
// same work as the published ones (this machine has no network to fetch them). Wall and process CPU
// time, median of the runs; the first request after loading is printed beside it.
//   cartoon_model_bench [--runs N] [--no-2048] [--device cpu|cuda] [--half]
// --half marks the model half-safe in its manifest entry, so on CUDA the session runs it in fp16.
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
#include "core/engine/device.h"
#include "core/engine/inference_session.h"
#include "core/engine/model_registry.h"
#include "core/engine/nets/animegan2.h"
#include "core/engine/runtime/tiled_image_to_image.h"
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
    bool half = false;
    auto preference = pm::engine::DevicePreference::Cpu;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--runs" && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
        if (a == "--no-2048") big = false;
        if (a == "--half") half = true;
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
    std::printf("AnimeGANv2 (native network, random weights) on %s%s, %d torch thread(s)\n", device.describe().c_str(),
                half ? ", fp16 allowed" : "", torch::get_num_threads());
    for (int side : {512, 1024}) {
        const cv::Mat photo = picture(side, side * 2 / 3);
        const Times first = median(1, [&] { session->imageToImage(photo); });
        const Times t = median(runs, [&] { session->imageToImage(photo); });
        std::printf("%4dx%-4d whole:             %8.3f s wall %8.3f s CPU (first %.3f s)\n", photo.cols, photo.rows, t.wallS,
                    t.cpuS, first.wallS);
    }
    if (big) {
        for (const cv::Size size : {cv::Size(2048, 1365), cv::Size(4000, 3000)}) {
            const cv::Mat photo = picture(size.width, size.height);
            const Times t = median(device.cuda ? runs : 1, [&] {
                pm::engine::imageToImageInTiles(photo, 1024, 64, [&](const cv::Mat& tile) { return session->imageToImage(tile); });
            });
            std::printf("%4dx%-4d in 1024 px tiles:  %8.3f s wall %8.3f s CPU\n", photo.cols, photo.rows, t.wallS, t.cpuS);
            if (!device.cuda) break;  // 12 MP on a CPU takes minutes
        }
    }
    fs::remove_all(dir);
    return 0;
}
