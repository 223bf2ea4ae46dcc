#include "core/ops/damage/damage_maps.h"

#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

namespace pm::ops::damage {

namespace {
constexpr int kLevelWindow = 31;
// The median runs on 8-bit data (O(1) per pixel for any window); this scale keeps a quarter-level
// resolution while texture levels up to 63 still fit.
constexpr double kLevelScale = 4.0;
// Toning: the mean colour offset (channel - luma) per band of this many grey levels.
constexpr int kToneBand = 16;
// A toned print: 90% of its pixels lie within this many grey levels of the toning's colour (max -
// min of the channel offsets). Measured: scratched_c 5, scratched_a 11; the faded colour scans
// 14-67, colour photos 33-89; grey photos 0 (the same either way).
constexpr float kTonedSpread = 12.0f;
constexpr double kTonedFraction = 0.9;

cv::Mat spreadOfChannels(const std::vector<cv::Mat>& channels) {
    cv::Mat c = cv::max(cv::max(channels[0], channels[1]), channels[2]) -
                cv::min(cv::min(channels[0], channels[1]), channels[2]);
    cv::GaussianBlur(c, c, {0, 0}, 0.7, 0.7, cv::BORDER_REPLICATE);
    return c;
}
}  // namespace

cv::Mat luminance(const cv::Mat& image) {
    // Converted to float first so 8- and 16-bit versions of a photo give the same luminance.
    cv::Mat scaled;
    image.convertTo(scaled, CV_32F, image.depth() == CV_16U ? 1.0 / 257.0 : 1.0);
    cv::Mat luma;
    if (image.channels() == 3)
        cv::cvtColor(scaled, luma, cv::COLOR_BGR2GRAY);
    else if (image.channels() == 4)
        cv::cvtColor(scaled, luma, cv::COLOR_BGRA2GRAY);
    else
        luma = scaled;
    return luma;
}

cv::Mat chroma(const cv::Mat& image) {
    if (image.channels() == 1) return cv::Mat::zeros(image.size(), CV_32F);
    cv::Mat scaled;
    image.convertTo(scaled, CV_32F, image.depth() == CV_16U ? 1.0 / 257.0 : 1.0);
    std::vector<cv::Mat> channels;
    cv::split(scaled, channels);
    return spreadOfChannels(channels);
}

cv::Mat chromaBeyondToning(const cv::Mat& image, const cv::Mat& luma, bool* toned) {
    if (toned) *toned = false;
    if (image.channels() == 1) return cv::Mat::zeros(image.size(), CV_32F);
    cv::Mat scaled;
    image.convertTo(scaled, CV_32F, image.depth() == CV_16U ? 1.0 / 257.0 : 1.0);
    std::vector<cv::Mat> channels;
    cv::split(scaled, channels);
    channels.resize(3);  // BGRA: alpha says nothing about colour
    // The toning's colour at each tone: the mean offset of each channel from the luminance.
    constexpr int bands = 256 / kToneBand + 1;  // luma rounds to the nearest band
    cv::Mat band;
    luma.convertTo(band, CV_8U, 1.0 / kToneBand);
    cv::Mat bandMask;
    std::vector<cv::Mat> offsets(3);
    for (int c = 0; c < 3; ++c) {
        const cv::Mat offset = channels[c] - luma;
        offsets[c] = cv::Mat::zeros(luma.size(), CV_32F);
        for (int b = 0; b < bands; ++b) {
            bandMask = band == b;
            if (cv::countNonZero(bandMask) == 0) continue;
            offsets[c].setTo(cv::mean(offset, bandMask)[0], bandMask);
        }
        channels[c] = offset - offsets[c];
    }
    const cv::Mat beyond = spreadOfChannels(channels);
    if (percentile(beyond, kTonedFraction) > kTonedSpread) return chroma(image);
    if (toned) *toned = true;
    return beyond;
}

float percentile(const cv::Mat& map, double fraction) {
    cv::Mat luma8;
    map.convertTo(luma8, CV_8U);
    const int bins = 256;
    const float range[] = {0, 256};
    const float* ranges = range;
    const int channel = 0;
    cv::Mat histogram;
    cv::calcHist(&luma8, 1, &channel, cv::Mat(), histogram, 1, &bins, &ranges);
    const double target = fraction * static_cast<double>(luma8.total());
    double seen = 0;
    for (int i = 0; i < bins; ++i) {
        seen += histogram.at<float>(i);
        if (seen >= target) return static_cast<float>(i);
    }
    return 255.0f;
}

cv::Mat textureLevel(const cv::Mat& luma, float floor) {
    cv::Mat blurred, detail;
    cv::GaussianBlur(luma, blurred, {0, 0}, 2.0, 2.0, cv::BORDER_REPLICATE);
    cv::absdiff(luma, blurred, detail);
    cv::Mat detail8, median8;
    detail.convertTo(detail8, CV_8U, kLevelScale);
    cv::medianBlur(detail8, median8, kLevelWindow);
    cv::Mat level;
    median8.convertTo(level, CV_32F, 1.0 / kLevelScale);
    cv::max(level, floor, level);
    return level;
}

cv::Rect componentBox(const cv::Mat& stats, int label) {
    return {stats.at<int>(label, cv::CC_STAT_LEFT), stats.at<int>(label, cv::CC_STAT_TOP),
            stats.at<int>(label, cv::CC_STAT_WIDTH), stats.at<int>(label, cv::CC_STAT_HEIGHT)};
}

}  // namespace pm::ops::damage
