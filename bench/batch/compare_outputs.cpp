// Compares two results of the same request, made on different devices (bench/gpu/run_cli_gpu.sh:
// photomend-cli on the CPU in fp32 against the GPU in fp16 with CUDA graphs), so that "the GPU ran"
// also means "the GPU painted what the CPU paints".
//
// usage: compare_outputs INPUT A B [--mask MASK] [--min-psnr DB] [--ring PX]
// Prints one line: PSNR of A against B inside the mask (or over the whole photo without a mask),
// the largest difference, and, with a mask, how many pixels farther than --ring px (default 8,
// the paste-back's feather) from the mask differ from INPUT in A or B: those must be 0, because a
// fill never touches the photo away from what was painted. Exit 1 when a check fails.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>
#include <algorithm>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace {

double psnr(const cv::Mat& a, const cv::Mat& b, const cv::Mat& where) {
    cv::Mat diff;
    cv::absdiff(a, b, diff);
    diff.convertTo(diff, CV_64F);
    diff = diff.mul(diff);
    const int pixels = cv::countNonZero(where);
    if (pixels == 0) return INFINITY;
    const double mse = cv::sum(cv::mean(diff, where))[0] / a.channels();
    return mse == 0 ? INFINITY : 10 * std::log10(255.0 * 255.0 / mse);
}

int changedOutside(const cv::Mat& input, const cv::Mat& out, const cv::Mat& far) {
    cv::Mat diff, any;
    cv::absdiff(input, out, diff);
    cv::transform(diff, any, cv::Matx13f(1, 1, 1));
    return cv::countNonZero((any > 0) & far);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::fprintf(stderr, "usage: compare_outputs INPUT A B [--mask MASK] [--min-psnr DB] [--ring PX]\n");
        return 2;
    }
    std::string maskPath;
    double minPsnr = 0;
    int ring = 8;
    for (int i = 4; i + 1 < argc; i += 2) {
        const std::string a = argv[i];
        if (a == "--mask") maskPath = argv[i + 1];
        if (a == "--min-psnr") minPsnr = std::atof(argv[i + 1]);
        if (a == "--ring") ring = std::atoi(argv[i + 1]);
    }
    const cv::Mat input = cv::imread(argv[1], cv::IMREAD_COLOR);
    const cv::Mat a = cv::imread(argv[2], cv::IMREAD_COLOR);
    const cv::Mat b = cv::imread(argv[3], cv::IMREAD_COLOR);
    if (input.empty() || a.empty() || b.empty() || a.size() != b.size() || a.size() != input.size()) {
        std::printf("FAIL: unreadable or differently sized images\n");
        return 1;
    }
    cv::Mat inside(a.size(), CV_8UC1, cv::Scalar(255));
    cv::Mat far;
    if (!maskPath.empty()) {
        const cv::Mat mask = cv::imread(maskPath, cv::IMREAD_GRAYSCALE);
        if (mask.size() != a.size()) {
            std::printf("FAIL: the mask's size differs\n");
            return 1;
        }
        inside = mask > 0;
        cv::dilate(inside, far, cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * ring + 1, 2 * ring + 1}));
        far = far == 0;
    }
    double maxDiff = 0;
    cv::Mat diff;
    cv::absdiff(a, b, diff);
    std::vector<cv::Mat> channels;
    cv::split(diff, channels);
    for (const cv::Mat& channel : channels) {
        double channelMax = 0;
        cv::minMaxLoc(channel, nullptr, &channelMax, nullptr, nullptr, inside);
        maxDiff = std::max(maxDiff, channelMax);
    }
    const double db = psnr(a, b, inside);
    bool ok = db >= minPsnr;
    std::printf("%s: PSNR(A, B) %s %.2f dB, max |A-B| %.0f", argv[2], maskPath.empty() ? "whole photo" : "in the mask",
                db, maxDiff);
    if (!far.empty()) {
        const int changedA = changedOutside(input, a, far), changedB = changedOutside(input, b, far);
        std::printf(", pixels changed > %d px from the mask: A %d, B %d", ring, changedA, changedB);
        ok = ok && changedA == 0 && changedB == 0;
    }
    std::printf(" -> %s\n", ok ? "ok" : "FAIL");
    return ok ? 0 : 1;
}
