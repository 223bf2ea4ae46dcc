#include "core/ops/damage/working_scale.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/ops/damage/damage_maps.h"

namespace pm::ops::damage {

namespace {
constexpr int kWorkingSide = 1400;
constexpr int kMinWorkingSide = 320;
// Halving loses less than this share of what reducing to a third loses: oversampled.
constexpr double kOversampledLoss = 0.35;
// Or: the upper half of the spectrum holds less than this share of the octave below it. Measured on
// the test photos: as they are 0.16 (brick) to 1.35; enlarged 1.8-2.7x at most 0.17, mostly under
// 0.1; scratched_a enlarged 5.6x (1400 px: 2.24x) 0.040. Below 0.06 only enlargements of 1.9x
// and more (and faded_b's soft scan at 1.5x) fall.
constexpr double kOversampledUpperShare = 0.06;
constexpr int kSpectrumSide = 1024;  // the crop the spectrum is taken on, px at most

// Mean grey levels lost by reducing `luma` by `factor` and enlarging it back.
double detailLost(const cv::Mat& luma, double factor) {
    cv::Mat reduced, back, difference;
    cv::resize(luma, reduced, {}, factor, factor, cv::INTER_AREA);
    cv::resize(reduced, back, luma.size(), 0, 0, cv::INTER_CUBIC);
    cv::absdiff(luma, back, difference);
    return cv::mean(difference)[0];
}

// Energy in the upper half of the spectrum (above half the Nyquist frequency) over that in the
// octave below it, on a central crop. A photo holds detail at every scale (about as much per
// octave); a scan enlarged 2x or more has next to nothing above half the Nyquist frequency.
double upperOctaveShare(const cv::Mat& luma) {
    auto dftSide = [](int n) {
        n = std::min(n, kSpectrumSide);
        while (n > 16 && cv::getOptimalDFTSize(n) != n) --n;
        return n;
    };
    const cv::Size size(dftSide(luma.cols), dftSide(luma.rows));
    const cv::Mat crop = luma(cv::Rect((luma.cols - size.width) / 2, (luma.rows - size.height) / 2,
                                       size.width, size.height));
    cv::Mat window, centred, spectrum;
    cv::createHanningWindow(window, size, CV_32F);
    cv::subtract(crop, cv::mean(crop), centred, cv::noArray(), CV_32F);
    cv::dft(centred.mul(window), spectrum, cv::DFT_COMPLEX_OUTPUT);
    double upper = 0, below = 0;
    for (int v = 0; v < spectrum.rows; ++v) {
        const cv::Vec2f* p = spectrum.ptr<cv::Vec2f>(v);
        const double fv = (v <= spectrum.rows / 2 ? v : v - spectrum.rows) /
                          static_cast<double>(spectrum.rows);
        for (int u = 0; u < spectrum.cols; ++u) {
            const double fu = (u <= spectrum.cols / 2 ? u : u - spectrum.cols) /
                              static_cast<double>(spectrum.cols);
            const double f = std::sqrt(fu * fu + fv * fv);  // cycles per pixel, Nyquist 0.5
            const double energy = p[u][0] * p[u][0] + p[u][1] * p[u][1];
            if (f > 0.25 && f <= 0.5)
                upper += energy;
            else if (f > 0.125 && f <= 0.25)
                below += energy;
        }
    }
    return below > 0 ? upper / below : 1.0;
}

// The round trip (detailLost) sees a 2x enlargement exactly, but not one by a factor the halving
// grid does not match (a scan enlarged 5.6x and reduced to 1400 px is 2.24x oversampled: the round
// trip then loses 0.68 of a third's loss, as much as a photo); the spectrum sees any factor.
bool oversampled(const cv::Mat& luma) {
    const double third = detailLost(luma, 1.0 / 3.0);
    if (third > 0 && detailLost(luma, 0.5) < kOversampledLoss * third) return true;
    return upperOctaveShare(luma) < kOversampledUpperShare;
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

double detailScale(cv::Size size, double workingScale) {
    const double capped = std::min(1.0, static_cast<double>(kWorkingSide) /
                                            std::max(size.width, size.height));
    return workingScale < 0.75 * capped ? std::min(1.0, 2 * workingScale) : 1.0;
}

double workingScale(const cv::Mat& image) {
    double scale = 1.0;
    workingCopy(image, scale);
    return scale;
}

}  // namespace pm::ops::damage
