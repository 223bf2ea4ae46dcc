// Speed of the built-in cartoon against OpenCV's cv::stylization measured in the same run (at
// 1024 px and at 12 MP), and a batch of 20 photos of 1024 px read, cartoonized and written one after
// another. The photos come from ../shared/testdata (photos/ and old-photos/); 12 MP is a real photo
// enlarged to 4000 x 3000, since the test photos are smaller.
//   cartoon_bench                 the timings
//   cartoon_bench --quick         the built-in cartoon's timings only
//   cartoon_bench --look DIR      also writes every photo's cartoon (both styles) to DIR as PNG
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>

#include "core/ops/cartoon/cartoon.h"

namespace fs = std::filesystem;

namespace {

std::vector<std::string> photos() {
    std::vector<std::string> files;
    for (const char* sub : {"photos", "old-photos"}) {
        const fs::path dir = fs::path(PM_TESTDATA_DIR) / sub;
        if (!fs::is_directory(dir)) continue;
        for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

cv::Mat withLongSide(const cv::Mat& image, int longSide) {
    const cv::Size size = pm::ops::cartoonOutputSize(image.size(), longSide);
    cv::Mat out;
    cv::resize(image, out, size, 0, 0, size.width < image.cols ? cv::INTER_AREA : cv::INTER_CUBIC);
    return out;
}

cv::Mat cartoon(const cv::Mat& image, pm::ops::CartoonStyle style, double strength = 1.0) {
    pm::ops::CartoonParams params;
    params.style = style;
    params.strength = strength;
    pm::engine::LocalJobContext context;
    return pm::ops::cartoonize(image, params, context).image;
}

struct Times {
    double wallMs;
    double cpuMs;
};

/// Median wall time and median CPU time of the whole process (every thread) over `runs` runs of
/// `work`, both taken from the same runs. The machine is shared: wall time there measures the
/// neighbours too, while CPU time is what the work costs (on an idle machine with as many cores as
/// the work keeps busy, wall time is at most this).
Times medianTimes(int runs, const std::function<void()>& work) {
    std::vector<double> wall, cpu;
    for (int i = 0; i < runs; ++i) {
        timespec a{}, b{};
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
        const auto start = std::chrono::steady_clock::now();
        work();
        wall.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
        cpu.push_back((b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6);
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    return {wall[wall.size() / 2], cpu[cpu.size() / 2]};
}

void timeAt(const char* label, const cv::Mat& image, int runs, bool reference) {
    cv::Mat stylized;
    Times stylization{0, 0};
    if (reference) stylization = medianTimes(runs, [&] { cv::stylization(image, stylized); });
    for (auto style : {pm::ops::CartoonStyle::Anime, pm::ops::CartoonStyle::Comic}) {
        const Times ours = medianTimes(runs, [&] { cartoon(image, style); });
        std::printf("%-7s %4dx%-4d %-5s built-in %6.0f ms wall %6.0f ms CPU | cv::stylization %6.0f ms wall "
                    "%6.0f ms CPU | ratio wall %.3f CPU %.3f\n",
                    label, image.cols, image.rows, pm::ops::toString(style).c_str(), ours.wallMs, ours.cpuMs,
                    stylization.wallMs, stylization.cpuMs, ours.wallMs / stylization.wallMs,
                    ours.cpuMs / stylization.cpuMs);
    }
}

void batch(const std::vector<std::string>& files) {
    const fs::path dir = fs::temp_directory_path() / "photomend-cartoon-batch";
    fs::remove_all(dir);
    fs::create_directories(dir / "out");
    std::vector<std::string> inputs;
    for (int i = 0; i < 20; ++i) {
        const cv::Mat photo = cv::imread(files[i % files.size()], cv::IMREAD_COLOR);
        const std::string path = (dir / ("photo" + std::to_string(i) + ".jpg")).string();
        cv::imwrite(path, withLongSide(photo, 1024));
        inputs.push_back(path);
    }
    timespec cpuStart{}, cpuEnd{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpuStart);
    const auto start = std::chrono::steady_clock::now();
    for (const std::string& path : inputs) {
        const cv::Mat out = cartoon(cv::imread(path, cv::IMREAD_COLOR), pm::ops::CartoonStyle::Anime, 0.75);
        cv::imwrite((dir / "out" / fs::path(path).filename()).string(), out);
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpuEnd);
    const double cpu = (cpuEnd.tv_sec - cpuStart.tv_sec) + (cpuEnd.tv_nsec - cpuStart.tv_nsec) / 1e9;
    std::printf("batch   20 photos of 1024 px (read, anime 0.75, write JPEG): %.2f s wall, %.2f s CPU\n", s, cpu);
    fs::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each figure as soon as it is measured
    const std::vector<std::string> files = photos();
    if (files.empty()) {
        std::fprintf(stderr, "no photos in %s; nothing to measure\n", PM_TESTDATA_DIR);
        return 1;
    }
    if (argc == 3 && std::string(argv[1]) == "--look") {
        fs::create_directories(argv[2]);
        for (const std::string& file : files) {
            const cv::Mat photo = cv::imread(file, cv::IMREAD_COLOR);
            if (photo.empty()) continue;
            const std::string name = fs::path(file).stem().string();
            for (auto style : {pm::ops::CartoonStyle::Anime, pm::ops::CartoonStyle::Comic})
                cv::imwrite((fs::path(argv[2]) / (name + "_" + pm::ops::toString(style) + ".png")).string(),
                            cartoon(photo, style));
        }
        return 0;
    }
    const cv::Mat photo = cv::imread(PM_TESTDATA_DIR "/photos/kodim03.png", cv::IMREAD_COLOR);
    if (photo.empty()) {
        std::fprintf(stderr, "photos/kodim03.png is missing\n");
        return 1;
    }
    cartoon(withLongSide(photo, 1024), pm::ops::CartoonStyle::Anime);  // warm the allocator and caches
    const bool quick = argc == 2 && std::string(argv[1]) == "--quick";  // ours only, no batch
    timeAt("1024px", withLongSide(photo, 1024), quick ? 3 : 7, !quick);
    cv::Mat big;
    cv::resize(photo, big, {4000, 3000}, 0, 0, cv::INTER_CUBIC);
    timeAt("12MP", big, 1, !quick);  // cv::stylization takes many seconds there
    if (!quick) batch(files);
    return 0;
}
