// Damage detection quality: synthetic scratches and specks painted over the real faded photos
// (known mask, scored as described in damage_synth.h), flagged area on clean textures, and overlays
// of what is flagged on the real scratched scans for a person to look at.
//
// usage: damage_bench [--testdata DIR] [--out DIR] [--sensitivity S] [--only scratches|dust]
//   overlays (red = flagged) are written to DIR/damage_<photo>.png when --out is given.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "bench/damage/damage_synth.h"
#include "core/image/image_io.h"
#include "core/image/pixel_convert.h"
#include "core/ops/damage/detect_damage.h"
#include "bench/common/files_with_prefix.h"

namespace fs = std::filesystem;

namespace {

struct Timed {
    cv::Mat mask;
    double ms;
};

Timed detect(const cv::Mat& image, const pm::ops::DamageParams& params) {
    pm::engine::LocalJobContext ctx;
    const auto t0 = std::chrono::steady_clock::now();
    cv::Mat mask = pm::ops::detectDamage(image, params, ctx);
    const auto t1 = std::chrono::steady_clock::now();
    return {mask, std::chrono::duration<double, std::milli>(t1 - t0).count()};
}

void writeOverlay(const std::string& outDir, const std::string& name, const cv::Mat& bgr,
                  const cv::Mat& mask) {
    if (outDir.empty()) return;
    cv::Mat overlay = bgr.clone();
    overlay.setTo(cv::Scalar(0, 0, 255), mask);
    cv::Mat sideBySide;
    cv::hconcat(bgr, overlay, sideBySide);
    cv::imwrite(outDir + "/damage_" + name + ".png", sideBySide);
}

// Yellow = damage found, green = damage missed, red = flagged where there is none (each within
// the scoring tolerance), so a person sees at a glance what the numbers count.
void writeScoredOverlay(const std::string& outDir, const std::string& name,
                        const pm::bench::SyntheticDamage& synth, const cv::Mat& mask) {
    if (outDir.empty()) return;
    const cv::Mat band = cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5});
    const cv::Mat truth = (synth.scratches != 0) | (synth.specks != 0);
    cv::Mat truthGrown, maskGrown;
    cv::dilate(truth, truthGrown, band);
    cv::dilate(mask != 0, maskGrown, band);
    cv::Mat overlay = synth.image.clone();
    overlay.setTo(cv::Scalar(0, 255, 255), truth & maskGrown);
    overlay.setTo(cv::Scalar(0, 255, 0), truth & ~maskGrown);
    overlay.setTo(cv::Scalar(0, 0, 255), (mask != 0) & ~truthGrown);
    cv::Mat sideBySide;
    cv::hconcat(synth.image, overlay, sideBySide);
    cv::imwrite(outDir + "/damage_" + name + ".png", sideBySide);
}

}  // namespace

int main(int argc, char** argv) {
    std::string testdata = PM_TESTDATA_DIR;
    std::string outDir;
    pm::ops::DamageParams params;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string arg = argv[i];
        if (arg == "--testdata")
            testdata = argv[i + 1];
        else if (arg == "--out")
            outDir = argv[i + 1];
        else if (arg == "--sensitivity")
            params.sensitivity = std::stod(argv[i + 1]);
        else if (arg == "--only") {
            params.scratches = std::string(argv[i + 1]) == "scratches";
            params.dust = std::string(argv[i + 1]) == "dust";
        }
    }
    if (!outDir.empty()) fs::create_directories(outDir);
    const std::string old = testdata + "/old-photos";
    const std::vector<std::string> faded = pm::bench::filesWithPrefix(old, "faded_");
    if (faded.empty()) {
        std::fprintf(stderr, "no faded_*.png in %s (use --testdata)\n", old.c_str());
        return 1;
    }

    std::printf("Synthetic damage over real faded photos (sensitivity %.2f, tolerance 2 px)\n",
                params.sensitivity);
    std::printf("%-14s %6s %9s %7s %7s %8s %8s %9s %8s\n", "photo", "MPix", "precision", "recall",
                "F1", "scr.rec", "spk.rec", "clean%", "ms");
    pm::bench::DamageScore sum;
    uint64_t seed = 1;
    for (const std::string& path : faded) {
        const cv::Mat bgr = pm::image::toBgr8(pm::image::loadPhoto(path).pixels);
        const pm::bench::SyntheticDamage synth = pm::bench::paintSyntheticDamage(bgr, seed++);
        const Timed t = detect(synth.image, params);
        const pm::bench::DamageScore s =
            pm::bench::scoreDamage(t.mask, synth.scratches, synth.specks);
        const Timed clean = detect(bgr, params);
        const double cleanPct = 100.0 * cv::countNonZero(clean.mask) / clean.mask.total();
        const std::string name = fs::path(path).stem().string();
        std::printf("%-14s %6.2f %9.3f %7.3f %7.3f %8.3f %8.3f %8.3f%% %8.1f\n", name.c_str(),
                    bgr.total() / 1e6, s.precision, s.recall, s.f1, s.scratchRecall, s.speckRecall,
                    cleanPct, t.ms);
        sum.precision += s.precision;
        sum.recall += s.recall;
        sum.f1 += s.f1;
        sum.scratchRecall += s.scratchRecall;
        sum.speckRecall += s.speckRecall;
        writeScoredOverlay(outDir, "synthetic_" + name, synth, t.mask);
    }
    const double n = static_cast<double>(faded.size());
    std::printf("%-14s %6s %9.3f %7.3f %7.3f %8.3f %8.3f\n", "mean", "", sum.precision / n,
                sum.recall / n, sum.f1 / n, sum.scratchRecall / n, sum.speckRecall / n);

    std::printf("\nFlagged area on real photos without synthetic damage\n");
    std::printf("%-22s %9s %8s\n", "photo", "flagged%", "ms");
    std::vector<std::string> real = pm::bench::filesWithPrefix(old, "scratched_");
    for (const std::string& p : pm::bench::filesWithPrefix(testdata + "/photos", "")) real.push_back(p);
    for (const std::string& path : real) {
        const cv::Mat bgr = pm::image::toBgr8(pm::image::loadPhoto(path).pixels);
        const Timed t = detect(bgr, params);
        const std::string name = fs::path(path).stem().string();
        std::printf("%-22s %8.3f%% %8.1f\n", name.c_str(),
                    100.0 * cv::countNonZero(t.mask) / t.mask.total(), t.ms);
        writeOverlay(outDir, name, bgr, t.mask);
    }
    return 0;
}
