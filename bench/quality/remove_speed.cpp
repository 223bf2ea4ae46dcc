// End-to-end speed of Remove object (built-in engine) on a 12 MP photo with an object mask of ~2%
// of the area: crop, fill, paste back. Compared with cv::inpaint TELEA on the same input in the
// same run.
//
//   remove_speed [--photo FILE] [--raw FILE WIDTHxHEIGHT] [--runs N] [--dump FILE] [--device cpu|cuda]
//                [--profile] [--no-coherence] [--thin-radius PX]
// --dump writes the filled photo (PNG), to check that a faster build still fills bit for bit the
// same. --profile prints the time of every stage to stderr. --device cuda runs the large
// levels' search on the GPU, as the app does when its engine uses one (default: CPU threads only).
// --raw reads 8-bit BGR bytes (the GPU machine's OpenCV has no image codecs: convert there with
// Python).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include <opencv2/core/utility.hpp>
#ifndef PM_BENCH_NO_IMGCODECS
#include <opencv2/imgcodecs.hpp>
#endif
#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>

#include "bench/common/median_time.h"
#include "core/engine/job_context.h"
#include "core/ops/remove/remove_object.h"

using pm::bench::medianMs;

int main(int argc, char** argv) {
    std::string photo = "/work/shared/testdata/photos/kodim03.png";
    int runs = 3;
    std::string rawSize;
    std::string dump;
    std::string device = "cpu";
    bool profile = false, noCoherence = false;
    float thinRadius = -1.0f;  // < 0: the default
    for (int i = 1; i < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--no-coherence") {
            noCoherence = true;
            --i;  // takes no value
            continue;
        }
        if (a == "--profile") {
            profile = true;
            --i;  // takes no value
            continue;
        }
        if (i + 1 >= argc) break;
        if (a == "--photo") {
            photo = argv[i + 1];
        } else if (a == "--raw" && i + 2 < argc) {
            photo = argv[i + 1];
            rawSize = argv[++i + 1];
        } else if (a == "--runs") {
            runs = std::max(1, std::stoi(argv[i + 1]));
        } else if (a == "--dump") {
            dump = argv[i + 1];
        } else if (a == "--device") {
            device = argv[i + 1];
        } else if (a == "--thin-radius") {
            thinRadius = std::stof(argv[i + 1]);
        }
    }
    cv::Mat source;
    if (!rawSize.empty()) {
        int w = 0, h = 0;
        std::sscanf(rawSize.c_str(), "%dx%d", &w, &h);
        source.create(h, w, CV_8UC3);
        std::ifstream(photo, std::ios::binary)
            .read(reinterpret_cast<char*>(source.data), std::streamsize(source.total() * 3));
    } else {
#ifndef PM_BENCH_NO_IMGCODECS
        source = cv::imread(photo, cv::IMREAD_COLOR);
#endif
    }
    if (source.empty()) {
        std::fprintf(stderr, "cannot read %s\n", photo.c_str());
        return 1;
    }
    cv::Mat image;
    cv::resize(source, image, cv::Size(4000, 3000), 0, 0, cv::INTER_CUBIC);
    // An irregular object: two overlapping ellipses, ~2% of the photo.
    cv::Mat mask(image.size(), CV_8UC1, cv::Scalar(0));
    cv::ellipse(mask, cv::Point(2100, 1400), cv::Size(300, 210), 20, 0, 360, cv::Scalar(255),
                cv::FILLED);
    cv::ellipse(mask, cv::Point(1900, 1560), cv::Size(160, 220), -30, 0, 360, cv::Scalar(255),
                cv::FILLED);
    const double area = 100.0 * cv::countNonZero(mask) / image.total();

    pm::engine::LocalJobContext context(
        pm::engine::selectDevice(pm::engine::parseDevicePreference(device)));
    pm::ops::RemoveParams params;
    params.engine = pm::ops::FillEngine::Builtin;
    params.profile = profile;
    if (noCoherence) params.builtin.coherence.enabled = false;
    if (thinRadius >= 0) params.thinRadius = thinRadius;
    // The first run also warms caches, the thread pool and the GPU's kernels.
    const auto start = std::chrono::steady_clock::now();
    const pm::ops::RemoveResult first = pm::ops::removeObject(image, mask, params, context);
    const double firstMs =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
#ifndef PM_BENCH_NO_IMGCODECS
    if (!dump.empty()) {
        cv::imwrite(dump, first.image);
        std::printf("changed box %dx%d at (%d, %d)\n", first.changed.width, first.changed.height,
                    first.changed.x, first.changed.y);
    }
#endif
    const double ours =
        medianMs(runs, [&] { pm::ops::removeObject(image, mask, params, context); });
    const double telea = medianMs(runs, [&] {
        cv::Mat out;
        cv::inpaint(image, mask, out, 3, cv::INPAINT_TELEA);
    });
    std::printf(
        "remove_speed: %dx%d (%.1f MP) from %s, object mask %.2f%% of the area, %d threads, median "
        "of %d, device %s (first run %.0f ms)\n",
        image.cols, image.rows, image.total() / 1e6, photo.c_str(), area, cv::getNumThreads(),
        runs, context.device().describe().c_str(), firstMs);
    std::printf("%-28s %10s %8s\n", "method", "time ms", "ratio");
    std::printf("%-28s %10.0f %8.2f\n", "ours (built-in PatchMatch)", ours, ours / telea);
    std::printf("%-28s %10.0f %8.2f\n", "cv::inpaint TELEA r=3", telea, 1.0);
    std::printf("target <= 1000 ms: %s\n", ours <= 1000.0 ? "MET" : "NOT MET");
    return 0;
}
