// Speed of the built-in cartoon against OpenCV's cv::stylization measured in the same run (at
// 1024 px and at 12 MP), and a batch of 20 photos of 1024 px read, cartoonized and written one after
// another. The photos come from ../shared/testdata (photos/ and old-photos/); 12 MP is a real photo
// enlarged to 4000 x 3000, since the test photos are smaller.
//   cartoon_bench                 the timings
//   cartoon_bench --quick         the built-in cartoon's timings only
//   cartoon_bench --batch         the batch only
//   cartoon_bench --look DIR      also writes every photo's cartoon (both styles) to DIR as PNG
//   cartoon_bench --stages        wall and CPU time of each step of the built-in cartoon
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

#include "core/common/memory_reuse.h"
#include "core/ops/cartoon/cartoon.h"
#include "core/ops/cartoon/cartoon_steps.h"

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

/// Each step of the built-in cartoon (the chain of cartoon.cpp's builtinCartoon) timed on its own,
/// median of `runs`, so the step that costs most is the one to work on.
void stages(const char* label, const cv::Mat& photo, pm::ops::CartoonStyle style, int runs) {
    namespace c = pm::ops::cartoon;
    const c::Recipe& recipe = c::recipeFor(style);
    const cv::Size work = pm::ops::cartoonOutputSize(photo.size(), std::min(std::max(photo.cols, photo.rows), 768));
    cv::Mat small, smoothed, flat, shaded, lines, out;
    const std::vector<std::pair<const char*, std::function<void()>>> steps = {
        {"shrink", [&] { cv::resize(photo, small, work, 0, 0, cv::INTER_AREA); }},
        {"smooth", [&] { smoothed = c::smoothKeepingEdges(small, recipe); }},
        {"flatten", [&] { flat = c::flattenRegions(smoothed, recipe); }},
        {"shade", [&] { shaded = c::shadeAndColour(flat, recipe); }},
        {"lines", [&] { lines = c::lineAlpha(smoothed, recipe); }},
        {"compose", [&] { out = c::composeCartoon(small, shaded, lines, photo, recipe, 1.0); }},
    };
    double wallSum = 0, cpuSum = 0;
    for (const auto& [name, work] : steps) {
        const Times t = medianTimes(runs, work);
        wallSum += t.wallMs;
        cpuSum += t.cpuMs;
        std::printf("%-7s %4dx%-4d %-5s %-8s %6.1f ms wall %6.1f ms CPU\n", label, photo.cols, photo.rows,
                    pm::ops::toString(style).c_str(), name, t.wallMs, t.cpuMs);
    }
    std::printf("%-7s %4dx%-4d %-5s %-8s %6.1f ms wall %6.1f ms CPU\n", label, photo.cols, photo.rows,
                pm::ops::toString(style).c_str(), "sum", wallSum, cpuSum);
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
    // As photomend and photomend-cli do; --no-reuse measures glibc's default instead.
    const bool reuse = !(argc >= 2 && std::string(argv[argc - 1]) == "--no-reuse");
    if (reuse) pm::keepFreedMemoryForReuse();
    else --argc;
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
    if (argc == 2 && std::string(argv[1]) == "--stages") {
        cv::Mat big;
        cv::resize(photo, big, {4000, 3000}, 0, 0, cv::INTER_CUBIC);
        for (auto style : {pm::ops::CartoonStyle::Anime, pm::ops::CartoonStyle::Comic}) {
            stages("1024px", withLongSide(photo, 1024), style, 7);
            stages("12MP", big, style, 3);
        }
        return 0;
    }
    if (argc == 2 && std::string(argv[1]) == "--batch") {
        batch(files);
        return 0;
    }
    const bool quick = argc == 2 && std::string(argv[1]) == "--quick";  // ours only, no batch
    timeAt("1024px", withLongSide(photo, 1024), quick ? 3 : 7, !quick);
    cv::Mat big;
    cv::resize(photo, big, {4000, 3000}, 0, 0, cv::INTER_CUBIC);
    timeAt("12MP", big, 1, !quick);  // cv::stylization takes many seconds there
    if (!quick) batch(files);
    return 0;
}
