#include "core/ops/damage/working_scale.h"

#include <algorithm>

#include <opencv2/imgproc.hpp>

#include "core/ops/damage/damage_maps.h"

namespace pm::ops::damage {

namespace {
constexpr int kWorkingSide = 1400;
constexpr int kMinWorkingSide = 320;
// Halving loses less than this share of what reducing to a third loses: oversampled.
constexpr double kOversampledLoss = 0.35;

// Mean grey levels lost by reducing `luma` by `factor` and enlarging it back.
double detailLost(const cv::Mat& luma, double factor) {
    cv::Mat reduced, back, difference;
    cv::resize(luma, reduced, {}, factor, factor, cv::INTER_AREA);
    cv::resize(reduced, back, luma.size(), 0, 0, cv::INTER_CUBIC);
    cv::absdiff(luma, back, difference);
    return cv::mean(difference)[0];
}

bool oversampled(const cv::Mat& luma) {
    const double third = detailLost(luma, 1.0 / 3.0);
    return third > 0 && detailLost(luma, 0.5) < kOversampledLoss * third;
}
}  // namespace

cv::Mat workingCopy(const cv::Mat& image, double& scale) {
    const int longSide = std::max(image.cols, image.rows);
    cv::Mat working;
    if (longSide < kMinWorkingSide) {
        scale = 2.0;
        cv::resize(image, working, {}, scale, scale, cv::INTER_CUBIC);
        return working;
    }
    scale = std::min(1.0, static_cast<double>(kWorkingSide) / longSide);
    working = image;
    if (scale < 1.0) cv::resize(image, working, {}, scale, scale, cv::INTER_AREA);
    cv::Mat luma = luminance(working);
    while (longSide * scale / 2 >= kMinWorkingSide && oversampled(luma)) {
        scale /= 2;
        cv::resize(luma, luma, {}, 0.5, 0.5, cv::INTER_AREA);
        cv::resize(working, working, luma.size(), 0, 0, cv::INTER_AREA);
    }
    return working;
}

double workingScale(const cv::Mat& image) {
    double scale = 1.0;
    workingCopy(image, scale);
    return scale;
}

}  // namespace pm::ops::damage
