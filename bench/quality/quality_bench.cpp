// Inpainting quality on real photos with synthetic holes: our Remove object (built-in PatchMatch)
// against OpenCV's TELEA and NS and, when opencv_contrib is there, xphoto's FSR_FAST and SHIFTMAP.
// For each mask kind and method it prints the mean hole PSNR, SSIM and HF ratio over the photos,
// the largest change to a known pixel outside the feather band, and the mean time; then whether
// ours meets the targets. Optionally writes a contact sheet of hole crops to look at.
//
//   quality_bench [--dir FOLDER] [--seeds N] [--grow PX] [--feather PX] [--sheet out.png]
//                 [--per-image] [--methods ours,telea,...] [--kinds object,strokes,...]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>
#if defined(PM_HAVE_XPHOTO) && __has_include(<opencv2/xphoto.hpp>)
#include <opencv2/xphoto.hpp>
#define PM_BENCH_XPHOTO 1
#endif

#include "bench/quality/contact_sheet.h"
#include "bench/quality/inpaint_metrics.h"
#include "bench/quality/mask_kinds.h"
#include "core/engine/job_context.h"
#include "core/ops/remove/fill_regions.h"
#include "core/ops/remove/remove_object.h"

namespace {

using pm::bench::MaskKind;
using Fill = std::function<cv::Mat(const cv::Mat& image, const cv::Mat& hole)>;

struct Method {
    std::string id;
    std::string name;
    Fill fill;
};

struct Totals {
    double psnr = 0, ssim = 0, hf = 0, maxKnown = 0, ms = 0;
    int count = 0;
};

struct Options {
    std::string dir = "/work/shared/testdata/photos";
    int seeds = 1;
    int grow = 0;
    int feather = 3;
    std::string sheet;
    bool perImage = false;
    std::string methods = ",ours,telea,ns,fsr,shiftmap,";
    std::string kinds = ",object,strokes,scratches,large,";
};

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--dir")
            o.dir = next();
        else if (a == "--seeds")
            o.seeds = std::stoi(next());
        else if (a == "--grow")
            o.grow = std::stoi(next());
        else if (a == "--feather")
            o.feather = std::stoi(next());
        else if (a == "--sheet")
            o.sheet = next();
        else if (a == "--per-image")
            o.perImage = true;
        else if (a == "--methods")
            o.methods = "," + next() + ",";
        else if (a == "--kinds")
            o.kinds = "," + next() + ",";
        else {
            std::fprintf(stderr,
                         "usage: quality_bench [--dir FOLDER] [--seeds N] [--grow PX] [--feather "
                         "PX] [--sheet out.png] [--per-image]\n"
                         "       [--methods ours,telea,ns,fsr,shiftmap] [--kinds "
                         "object,strokes,scratches,large]\n");
            std::exit(2);
        }
    }
    return o;
}

std::vector<Method> methods(const Options& o) {
    std::vector<Method> list;
    list.push_back({"ours", "ours (PatchMatch)", [o](const cv::Mat& image, const cv::Mat& hole) {
                        pm::engine::LocalJobContext context;
                        pm::ops::RemoveParams params;
                        params.engine = pm::ops::FillEngine::Builtin;
                        params.growPixels = o.grow;
                        params.featherPixels = o.feather;
                        return pm::ops::removeObject(image, hole, params, context).image;
                    }});
    list.push_back({"telea", "cv TELEA", [](const cv::Mat& image, const cv::Mat& hole) {
                        cv::Mat out;
                        cv::inpaint(image, hole, out, 3, cv::INPAINT_TELEA);
                        return out;
                    }});
    list.push_back({"ns", "cv NS", [](const cv::Mat& image, const cv::Mat& hole) {
                        cv::Mat out;
                        cv::inpaint(image, hole, out, 3, cv::INPAINT_NS);
                        return out;
                    }});
#ifdef PM_BENCH_XPHOTO
    list.push_back({"fsr", "xphoto FSR_FAST", [](const cv::Mat& image, const cv::Mat& hole) {
                        cv::Mat out;
                        cv::xphoto::inpaint(image, hole == 0, out, cv::xphoto::INPAINT_FSR_FAST);
                        return out;
                    }});
    list.push_back({"shiftmap", "xphoto SHIFTMAP", [](const cv::Mat& image, const cv::Mat& hole) {
                        cv::Mat lab, out;
                        cv::cvtColor(image, lab, cv::COLOR_BGR2Lab);
                        cv::xphoto::inpaint(lab, hole == 0, out, cv::xphoto::INPAINT_SHIFTMAP);
                        cv::cvtColor(out, out, cv::COLOR_Lab2BGR);
                        return out;
                    }});
#endif
    std::vector<Method> chosen;
    for (const Method& m : list)
        if (o.methods.find("," + m.id + ",") != std::string::npos) chosen.push_back(m);
    return chosen;
}

std::vector<std::string> photos(const std::string& dir) {
    std::vector<std::string> files;
    if (!std::filesystem::is_directory(dir)) return files;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.is_regular_file()) files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);
    const std::vector<std::string> files = photos(options.dir);
    if (files.empty()) {
        std::fprintf(stderr, "no photos in %s\n", options.dir.c_str());
        return 1;
    }
    const std::vector<Method> list = methods(options);
    std::map<std::pair<int, size_t>, Totals> totals;  // (kind, method)
    pm::bench::ContactSheet sheet;
    for (size_t f = 0; f < files.size(); ++f) {
        const cv::Mat truth = cv::imread(files[f], cv::IMREAD_COLOR);
        if (truth.empty()) continue;
        for (MaskKind kind : pm::bench::allMaskKinds()) {
            if (options.kinds.find("," + pm::bench::maskKindName(kind) + ",") == std::string::npos)
                continue;
            for (int s = 0; s < options.seeds; ++s) {
                const cv::Mat hole =
                    pm::bench::makeMask(kind, truth.size(), f * 101 + static_cast<uint64_t>(s));
                cv::Mat input = truth.clone();
                input.setTo(cv::Scalar(255, 0, 255), hole);  // nothing may leak from the hole
                const cv::Mat allowed =
                    pm::ops::growMask(pm::ops::growMask(hole, options.grow), options.feather);
                std::vector<cv::Mat> results;
                for (size_t m = 0; m < list.size(); ++m) {
                    const auto start = std::chrono::steady_clock::now();
                    const cv::Mat result = list[m].fill(input, hole);
                    const double ms = std::chrono::duration<double, std::milli>(
                                          std::chrono::steady_clock::now() - start)
                                          .count();
                    Totals& t = totals[{static_cast<int>(kind), m}];
                    const double psnr = pm::bench::holePsnr(result, truth, hole);
                    const double hf = pm::bench::hfRatio(result, truth, hole);
                    t.psnr += psnr;
                    t.ssim += pm::bench::holeSsim(result, truth, hole);
                    t.hf += hf;
                    if (options.perImage)
                        std::printf("  %-20s %-10s %-18s PSNR %6.2f HF %5.3f\n",
                                    std::filesystem::path(files[f]).stem().string().c_str(),
                                    pm::bench::maskKindName(kind).c_str(), list[m].name.c_str(),
                                    psnr, hf);
                    t.maxKnown =
                        std::max(t.maxKnown, pm::bench::maxChangeOutside(result, input, allowed));
                    t.ms += ms;
                    ++t.count;
                    results.push_back(result);
                }
                if (!options.sheet.empty() && s == 0)
                    sheet.addRow(std::filesystem::path(files[f]).stem().string() + " " +
                                     pm::bench::maskKindName(kind),
                                 input, truth, hole, results);
            }
        }
    }

    std::printf(
        "quality_bench: %zu photos from %s, %d seed(s), ours with grow %d px, feather %d px\n",
        files.size(), options.dir.c_str(), options.seeds, options.grow, options.feather);
    std::printf(
        "PSNR: all channels over the hole; SSIM: luma 11x11 Gaussian sigma 1.5 over the hole;\n"
        "HF: RMS luma Laplacian in the hole, result / truth; max known: largest change outside\n"
        "the grown hole + feather band (8-bit levels); time: mean per image\n\n");
    std::printf("%-10s %-18s %9s %7s %7s %10s %10s\n", "mask", "method", "PSNR dB", "SSIM", "HF",
                "max known", "time ms");
    bool allMet = true;
    for (MaskKind kind : pm::bench::allMaskKinds()) {
        if (options.kinds.find("," + pm::bench::maskKindName(kind) + ",") == std::string::npos)
            continue;
        const int k = static_cast<int>(kind);
        for (size_t m = 0; m < list.size(); ++m) {
            const Totals& t = totals[{k, m}];
            const double n = std::max(1, t.count);
            std::printf("%-10s %-18s %9.2f %7.4f %7.3f %10.0f %10.1f\n",
                        pm::bench::maskKindName(kind).c_str(), list[m].name.c_str(), t.psnr / n,
                        t.ssim / n, t.hf / n, t.maxKnown, t.ms / n);
        }
        auto find = [&](const std::string& id) -> int {
            for (size_t m = 0; m < list.size(); ++m)
                if (list[m].id == id) return static_cast<int>(m);
            return -1;
        };
        auto mean = [&](int m, bool hf = false) {
            const Totals& t = totals[{k, static_cast<size_t>(m)}];
            return (hf ? t.hf : t.psnr) / std::max(1, t.count);
        };
        const int ours = find("ours"), telea = find("telea"), ns = find("ns"), fsr = find("fsr");
        if (ours < 0) continue;
        std::string verdict;
        bool met = totals[{k, static_cast<size_t>(ours)}].maxKnown == 0;
        if (kind == MaskKind::Scratches) {
            if (fsr < 0) continue;
            met = met && mean(ours) >= mean(fsr);
            verdict = "PSNR >= FSR_FAST (" + std::to_string(mean(fsr)).substr(0, 5) + ")";
        } else {
            if (telea < 0 || ns < 0) continue;
            const double best = std::max(mean(telea), mean(ns));
            const double hf = mean(ours, true);
            met = met && mean(ours) >= best - 1.0 && hf >= 0.75 && hf <= 1.25;
            verdict = "PSNR >= best diffusion - 1 dB (" + std::to_string(best - 1.0).substr(0, 5) +
                      "), 0.75 <= HF <= 1.25";
        }
        allMet = allMet && met;
        std::printf("%-10s target %s, max known 0: %s\n\n", pm::bench::maskKindName(kind).c_str(),
                    verdict.c_str(), met ? "MET" : "NOT MET");
    }
    if (!options.sheet.empty()) {
        std::vector<std::string> names;
        for (const Method& m : list) names.push_back(m.name);
        if (sheet.write(options.sheet, names))
            std::printf("contact sheet: %s\n", options.sheet.c_str());
    }
    std::printf("all targets: %s\n", allMet ? "MET" : "NOT MET");
    return 0;
}
