// Colour and grain of the tone step on the real scans in ../shared/testdata/old-photos: the mean
// a*, b* of the near-black pixels and of the whole photo before/after restoreColor (blacks must
// stay neutral, no cast may be added), and grain in flat areas plus edge strength before/after
// reduceNoise (grain must drop, edges must not smear). Optional argument: a folder to write the
// results to (<name>_color.png, <name>_denoise.png) for looking at them at 100%.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/ops/tone/tone.h"
#include "tests/support/grain_measure.h"

namespace {

cv::Mat labOf(const cv::Mat& bgr8) {
    cv::Mat f, lab;
    bgr8.convertTo(f, CV_32F, 1.0 / 255.0);
    cv::cvtColor(f, lab, cv::COLOR_BGR2Lab);
    return lab;
}

/// Mean (L*, a*, b*) of `lab` over `mask` (all pixels when empty).
cv::Scalar meanLab(const cv::Mat& lab, const cv::Mat& mask) { return cv::mean(lab, mask); }

}  // namespace

int main(int argc, char** argv) {
    const std::string dir = std::string(PM_TESTDATA_DIR) + "/old-photos";
    const std::string outDir = argc > 1 ? argv[1] : "";
    if (!std::filesystem::is_directory(dir)) {
        std::printf("no %s: nothing to measure\n", dir.c_str());
        return 0;
    }
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().extension() == ".png") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    const double denoise = pm::ops::ToneParams{}.denoise;
    std::printf("| scan | near-black a*,b* before -> after | photo a*,b* before -> after | "
                "grain flat before -> after | edge strength before -> after |\n");
    std::printf("|---|---|---|---|---|\n");
    for (const std::string& file : files) {
        const cv::Mat img = cv::imread(file, cv::IMREAD_COLOR);
        const std::string name = std::filesystem::path(file).stem().string();
        const cv::Mat color = pm::ops::restoreColor(img, 1.0);
        const cv::Mat labIn = labOf(img), labOut = labOf(color);
        cv::Mat lIn;
        cv::extractChannel(labIn, lIn, 0);
        const cv::Mat nearBlack = lIn < 15.f;  // the input's near-black pixels
        const double blackShare = 100.0 * cv::countNonZero(nearBlack) / double(img.total());
        const cv::Scalar bIn = meanLab(labIn, nearBlack), bOut = meanLab(labOut, nearBlack);
        const cv::Scalar pIn = meanLab(labIn, {}), pOut = meanLab(labOut, {});

        const cv::Mat den = pm::ops::reduceNoise(img, denoise);
        const cv::Mat yIn = pm::test::lumaOf(img), yOut = pm::test::lumaOf(den);
        const cv::Mat flat = pm::test::flatAreas(yIn);
        const double gIn = pm::test::grain(yIn, flat), gOut = pm::test::grain(yOut, flat);
        const double eIn = pm::test::edgeStrength(yIn, yIn), eOut = pm::test::edgeStrength(yOut, yIn);
        std::printf("| %s | %.1f,%.1f -> %.1f,%.1f (%.1f%% px) | %.1f,%.1f -> %.1f,%.1f | "
                    "%.2f -> %.2f (%.0f%% less) | %.1f -> %.1f (%.1f%%) |\n",
                    name.c_str(), bIn[1], bIn[2], bOut[1], bOut[2], blackShare, pIn[1], pIn[2],
                    pOut[1], pOut[2], gIn, gOut, 100.0 * (1.0 - gOut / gIn), eIn, eOut,
                    100.0 * (eOut / eIn - 1.0));
        if (!outDir.empty()) {
            cv::imwrite(outDir + "/" + name + "_color.png", color);
            cv::imwrite(outDir + "/" + name + "_denoise.png", den);
        }
    }
    return 0;
}
