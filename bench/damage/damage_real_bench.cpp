// Damage on real scans, scored against hand-drawn references (reference/*.txt, see
// damage_reference.h), and the harm the scratches step does to clean photos.
//
//  1. Detect damage on each real scratched scan at 0.5x, 1x and 2x: precision/recall against the
//     reference (tolerance 2 px at 1x, scaled), flagged area, time.
//  2. Sensitivity 0 .. 1 on each scan: the flagged area must never shrink.
//  3. Clean photos (../shared/testdata/photos/* and the faded old photos) through the scratches step
//     (detect + fill, built-in engine, as `photomend-cli repair --steps scratches`), as they are
//     and reduced to half size: % of pixels changed, and pixels changed inside detected faces.
//  4. With --time12mp: the scratches step on scratched_a enlarged to about 12 MP (seconds).
//
//  5. With --shapes: per drawn shape of each reference, at each scale, the share of it that each
//     rule of the detector still covers (detect_damage.h DamageStages): which rule loses a crack.
//
//  --scans-only: only parts 1, 4 and 5, for quick looks at the real scans and the time.
//  --grey-copies: parts 1 and 3 also on black-and-white copies of the scans and photos.
//
// usage: damage_real_bench [--testdata DIR] [--out DIR] [--sensitivity S] [--time12mp] [--shapes]
//                          [--scans-only] [--grey-copies]
//   --out writes overlays: yellow = reference found, green = reference missed, red = flagged
//   outside the reference, blue = don't care (real_*; synth_* the same for crack_synth.h's painted
//   lines on the faded photos, its dust in blue); and before/after of the clean photos with the changed pixels in red.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "bench/damage/crack_synth.h"
#include "bench/damage/damage_reference.h"
#include "core/image/image_io.h"
#include "core/image/pixel_convert.h"
#include "core/ops/damage/detect_damage.h"
#include "core/ops/faces/restore_faces.h"
#include "core/ops/repair/repair_chain.h"
#include "bench/common/files_with_prefix.h"

namespace fs = std::filesystem;

namespace {

double msSince(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

cv::Mat resized(const cv::Mat& bgr, double scale) {
    if (scale == 1.0) return bgr;
    cv::Mat out;
    cv::resize(bgr, out, {}, scale, scale, scale < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
    return out;
}

void writeScored(const std::string& path, const cv::Mat& bgr, const cv::Mat& mask,
                 const pm::bench::ReferenceDamage& ref, double scale) {
    const int t = std::max(1, static_cast<int>(std::lround(2 * scale)));
    const cv::Mat band = cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * t + 1, 2 * t + 1});
    cv::Mat refGrown, maskGrown;
    cv::dilate(ref.damage, refGrown, band);
    cv::dilate(mask, maskGrown, band);
    cv::Mat overlay = bgr.clone();
    overlay.setTo(cv::Scalar(255, 128, 0), ref.ignore);
    overlay.setTo(cv::Scalar(0, 255, 255), ref.damage & maskGrown);
    overlay.setTo(cv::Scalar(0, 255, 0), ref.damage & ~maskGrown);
    overlay.setTo(cv::Scalar(0, 0, 255), (mask != 0) & ~refGrown & ~ref.ignore);
    cv::Mat both;
    cv::hconcat(bgr, overlay, both);
    cv::imwrite(path, both);
}

// Share of `shape` within `radius` px of `stage` (stage at the detector's working scale).
double coverage(const cv::Mat& shape, const cv::Mat& stage, int radius) {
    if (stage.empty()) return 0;
    cv::Mat at = stage;
    if (stage.size() != shape.size()) cv::resize(stage, at, shape.size(), 0, 0, cv::INTER_NEAREST);
    cv::Mat grown;
    cv::dilate(at, grown,
               cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * radius + 1, 2 * radius + 1}));
    const int area = cv::countNonZero(shape);
    return area ? static_cast<double>(cv::countNonZero(shape & grown)) / area : 0;
}

void printShapes(const std::string& name, const cv::Mat& img, double scale,
                 const std::string& refPath, const pm::ops::DamageParams& params) {
    pm::engine::LocalJobContext ctx;
    pm::ops::DamageStages st;
    const cv::Mat mask = pm::ops::detectDamage(img, params, ctx, nullptr, &st);
    const int r = std::max(2, static_cast<int>(std::lround(3 * scale)));
    const int t = std::max(1, static_cast<int>(std::lround(2 * scale)));
    std::printf("%s %.1fx  area  found | visible toned accepted continued notStraight notNetwork kept torn specks\n",
                name.c_str(), scale);
    for (const auto& shape : pm::bench::loadReferenceShapes(refPath, img.size())) {
        std::printf("  %-40.40s %5d %5.2f |", shape.text.c_str(), cv::countNonZero(shape.mask),
                    coverage(shape.mask, mask, t));
        for (const cv::Mat* m : {&st.visible, &st.toned, &st.accepted, &st.continued,
                                 &st.notStraight, &st.notNetwork, &st.kept, &st.torn, &st.specks})
            std::printf(" %5.2f", coverage(shape.mask, *m, r));
        std::printf("\n");
    }
}

// A black-and-white copy (most old photos are): no colour to tell picture from damage by.
cv::Mat greyCopy(const cv::Mat& bgr) {
    cv::Mat luma, out;
    cv::cvtColor(bgr, luma, cv::COLOR_BGR2GRAY);
    cv::cvtColor(luma, out, cv::COLOR_GRAY2BGR);
    return out;
}

pm::ops::RepairParams scratchesOnly(const pm::ops::DamageParams& damage) {
    pm::ops::RepairParams p;
    p.steps = {pm::ops::RepairStep::Scratches};
    p.damage = damage;
    p.fill.engine = pm::ops::FillEngine::Builtin;
    return p;
}

cv::Mat scratchesStep(const cv::Mat& bgr, const pm::ops::DamageParams& damage) {
    pm::engine::LocalJobContext ctx;
    return pm::ops::repairPhoto(bgr, {}, scratchesOnly(damage), ctx).image;
}

// The scratches step on scratched_a enlarged to about 12 MP (the time budget).
void timeScratchesStep12mp(const std::string& old, const pm::ops::DamageParams& params) {
    const cv::Mat bgr = pm::image::toBgr8(pm::image::loadPhoto(old + "/scratched_a.png").pixels);
    const double scale = std::sqrt(12e6 / bgr.total());
    const cv::Mat big = resized(bgr, scale);
    const auto t0 = std::chrono::steady_clock::now();
    const cv::Mat out = scratchesStep(big, params);
    std::printf("\nScratches step on a %dx%d (%.1f MP) scan: %.2f s\n", big.cols, big.rows,
                big.total() / 1e6, msSince(t0) / 1000);
    pm::engine::LocalJobContext ctx;
    const auto t1 = std::chrono::steady_clock::now();
    const cv::Mat mask = pm::ops::detectDamage(big, params, ctx);
    std::printf("  of which detection alone: %.2f s (%.2f%% flagged)\n", msSince(t1) / 1000,
                100.0 * cv::countNonZero(mask) / mask.total());
}

}  // namespace

int main(int argc, char** argv) {
    std::string testdata = PM_TESTDATA_DIR;
    std::string outDir;
    bool time12mp = false, shapes = false, scansOnly = false, grey = false;
    pm::ops::DamageParams params;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--time12mp")
            time12mp = true;
        else if (arg == "--shapes")
            shapes = true;
        else if (arg == "--scans-only")
            scansOnly = true;
        else if (arg == "--grey-copies")
            grey = true;
        else if (i + 1 < argc && arg == "--testdata")
            testdata = argv[++i];
        else if (i + 1 < argc && arg == "--out")
            outDir = argv[++i];
        else if (i + 1 < argc && arg == "--sensitivity")
            params.sensitivity = std::stod(argv[++i]);
    }
    if (!outDir.empty()) fs::create_directories(outDir);
    const std::string refDir = std::string(PM_SOURCE_DIR) + "/bench/damage/reference";
    const std::string old = testdata + "/old-photos";

    std::printf("Real scans against hand-drawn references (sensitivity %.2f, tolerance 2 px at 1x)\n",
                params.sensitivity);
    std::printf("  (specks: drawn specks the mask touches / drawn; speck components marked on a drawn\n"
                "   shape / marked, damage_reference.h scoreSpecks)\n");
    std::printf("%-14s %5s %10s %9s %7s %9s %8s  %7s %7s\n", "scan", "scale", "size", "precision",
                "recall", "flagged%", "ms", "found", "on ref");
    // With --grey-copies parts 1 and 3 also run on black-and-white copies.
    std::vector<bool> greyCopies = {false};
    if (grey) greyCopies.push_back(true);
    for (const bool asGrey : greyCopies)
    for (const std::string& path : pm::bench::filesWithPrefix(old, "scratched_")) {
        const std::string scan = fs::path(path).stem().string();
        const std::string refPath = refDir + "/" + scan + ".txt";
        if (!fs::exists(refPath)) continue;
        const std::string name = scan + (asGrey ? "_grey" : "");
        cv::Mat bgr = pm::image::toBgr8(pm::image::loadPhoto(path).pixels);
        if (asGrey) bgr = greyCopy(bgr);
        for (const double scale : {0.5, 1.0, 2.0}) {
            const cv::Mat img = resized(bgr, scale);
            const pm::bench::ReferenceDamage ref = pm::bench::loadReferenceDamage(refPath, img.size());
            pm::engine::LocalJobContext ctx;
            pm::ops::DamageStages stages;
            const auto t0 = std::chrono::steady_clock::now();
            const cv::Mat mask = pm::ops::detectDamage(img, params, ctx, nullptr, &stages);
            const double ms = msSince(t0);
            const auto s = pm::bench::scoreAgainstReference(mask, ref, scale);
            const auto sp = pm::bench::scoreSpecks(mask, stages.specks, refPath, scale);
            std::printf("%-14s %5.1f %4dx%-5d %9.3f %7.3f %8.3f%% %8.1f  %3d/%-3d %3d/%-3d\n",
                        name.c_str(), scale, img.cols, img.rows, s.precision, s.recall,
                        100 * s.flaggedFraction, ms, sp.found, sp.drawn, sp.matched, sp.marked);
            if (shapes) printShapes(name, img, scale, refPath, params);
            if (!outDir.empty() && scale == 1.0) {
                cv::Mat both;
                cv::hconcat(img, scratchesStep(img, params), both);
                cv::imwrite(outDir + "/fill_" + name + ".png", both);
            }
            if (!outDir.empty())
                writeScored(outDir + "/real_" + name + "_" + std::to_string(int(scale * 10)) +
                                ".png",
                            img, mask, ref, scale);
        }
    }

    if (scansOnly) {
        if (time12mp) timeScratchesStep12mp(old, params);
        return 0;
    }

    std::printf("\nSecond synthetic damage (crack_synth.h: branching cracks, hairlines, dust) on the faded photos\n");
    std::printf("%-14s %5s %9s %7s %8s %8s\n", "photo", "scale", "precision", "recall", "lines", "dust");
    uint64_t seed = 11;
    for (const std::string& path : pm::bench::filesWithPrefix(old, "faded_")) {
        const cv::Mat bgr = pm::image::toBgr8(pm::image::loadPhoto(path).pixels);
        for (const double scale : {1.0, 2.0}) {
            const auto synth = pm::bench::paintCrackDamage(resized(bgr, scale), seed);
            pm::engine::LocalJobContext ctx;
            pm::ops::DamageStages st;
            const cv::Mat mask =
                pm::ops::detectDamage(synth.image, params, ctx, nullptr, shapes ? &st : nullptr);
            const auto s = pm::bench::scoreDamage(mask, synth.scratches, synth.specks,
                                                  std::max(1, int(std::lround(2 * scale))));
            std::printf("%-14s %5.1f %9.3f %7.3f %8.3f %8.3f\n",
                        fs::path(path).stem().string().c_str(), scale, s.precision, s.recall,
                        s.scratchRecall, s.speckRecall);
            // Which rule loses the painted lines (as printShapes does for the drawn references).
            if (shapes) {
                const int r = std::max(2, static_cast<int>(std::lround(3 * scale)));
                std::printf("  lines by stage | visible toned accepted continued notStraight "
                            "notNetwork kept:");
                for (const cv::Mat* m : {&st.visible, &st.toned, &st.accepted, &st.continued,
                                         &st.notStraight, &st.notNetwork, &st.kept})
                    std::printf(" %5.2f", coverage(synth.scratches, *m, r));
                std::printf("\n");
            }
            // The painted lines scored like a reference: found (yellow), missed (green), flagged
            // beyond the painted damage (red); the painted dust in blue.
            if (!outDir.empty())
                writeScored(outDir + "/synth_" + fs::path(path).stem().string() + "_" +
                                std::to_string(int(scale * 10)) + ".png",
                            synth.image, mask, {synth.scratches, synth.specks}, scale);
        }
        ++seed;
    }

    std::printf("\nSensitivity 0 .. 1: flagged %% (must never shrink)\n");
    for (const std::string& path : pm::bench::filesWithPrefix(old, "scratched_")) {
        const cv::Mat bgr = pm::image::toBgr8(pm::image::loadPhoto(path).pixels);
        std::printf("%-14s", fs::path(path).stem().string().c_str());
        double previous = -1;
        bool monotonic = true;
        for (int k = 0; k <= 4; ++k) {
            pm::ops::DamageParams p = params;
            p.sensitivity = k / 4.0;
            pm::engine::LocalJobContext ctx;
            const cv::Mat mask = pm::ops::detectDamage(bgr, p, ctx);
            const double flagged = 100.0 * cv::countNonZero(mask) / mask.total();
            monotonic = monotonic && flagged >= previous;
            previous = flagged;
            std::printf(" %7.3f", flagged);
        }
        std::printf("  %s\n", monotonic ? "monotonic" : "NOT MONOTONIC");
    }

    // At 1x and at half size (a small scan of the same photo: most are then under 320 px and
    // looked at doubled, where the detector must not take the softened detail for damage).
    for (const bool asGrey : greyCopies)
    for (const double scale : {1.0, 0.5}) {
        std::printf("\n%s at %.1fx through the scratches step (detect + built-in fill)\n",
                    asGrey ? "Grey copies of the clean photos" : "Clean photos", scale);
        std::printf("%-18s %9s %9s %6s %12s %8s\n", "photo", "flagged%", "changed%", "faces",
                    "face px chg", "ms");
        std::vector<std::string> clean = pm::bench::filesWithPrefix(testdata + "/photos", "");
        for (const std::string& p : pm::bench::filesWithPrefix(old, "faded_")) clean.push_back(p);
        double sumChanged = 0;
        long facePixelsChanged = 0;
        int atGoal = 0;
        for (const std::string& path : clean) {
            cv::Mat bgr = resized(pm::image::toBgr8(pm::image::loadPhoto(path).pixels), scale);
            if (asGrey) bgr = greyCopy(bgr);
            const auto t0 = std::chrono::steady_clock::now();
            const cv::Mat out = scratchesStep(bgr, params);
            const double ms = msSince(t0);
            pm::engine::LocalJobContext detectCtx;
            const double flagged =
                100.0 * cv::countNonZero(pm::ops::detectDamage(bgr, params, detectCtx)) /
                bgr.total();
            cv::Mat diff;
            cv::absdiff(bgr, out, diff);
            cv::Mat changed;
            cv::transform(diff, changed, cv::Matx13f(1, 1, 1));
            changed = changed > 0;
            const double pct = 100.0 * cv::countNonZero(changed) / changed.total();
            std::vector<pm::ops::FaceBox> faces;
            try {
                faces = pm::ops::detectFaces(bgr, {});
            } catch (const std::exception&) {
            }
            cv::Mat faceArea = cv::Mat::zeros(bgr.size(), CV_8UC1);
            for (const auto& f : faces) faceArea(f.box & cv::Rect({}, bgr.size())).setTo(255);
            const int inFaces = cv::countNonZero(changed & faceArea);
            sumChanged += pct;
            facePixelsChanged += inFaces;
            atGoal += pct <= 0.5;
            const std::string name = fs::path(path).stem().string();
            std::printf("%-18s %8.3f%% %8.3f%% %6zu %12d %8.1f\n", name.c_str(), flagged, pct,
                        faces.size(), inFaces, ms);
            if (!outDir.empty()) {
                cv::Mat marked = out.clone();
                marked.setTo(cv::Scalar(0, 0, 255), changed);
                for (const auto& f : faces) cv::rectangle(marked, f.box, cv::Scalar(255, 0, 0), 1);
                cv::Mat all;
                cv::hconcat(std::vector<cv::Mat>{bgr, out, marked}, all);
                cv::imwrite(outDir + "/clean_" + name + (asGrey ? "_grey" : "") +
                                (scale == 1.0 ? "" : "_05") + ".png",
                            all);
            }
        }
        std::printf("%-18s %8.3f%% %6s %12ld   (%d of %zu at most 0.5%%)\n", "mean / total",
                    sumChanged / clean.size(), "", facePixelsChanged, atGoal, clean.size());
    }

    if (time12mp) timeScratchesStep12mp(old, params);
    return 0;
}
