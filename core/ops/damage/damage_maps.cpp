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
    cv::Mat high = cv::max(cv::max(channels[0], channels[1]), channels[2]);
    cv::Mat low = cv::min(cv::min(channels[0], channels[1]), channels[2]);
    cv::Mat c = high - low;
    cv::GaussianBlur(c, c, {0, 0}, 0.7, 0.7, cv::BORDER_REPLICATE);
    return c;
}

void addToHistogram(const cv::Mat& map, std::vector<double>& histogram) {
    histogram.resize(256, 0.0);
    if (map.empty()) return;
    cv::Mat luma8;
    map.convertTo(luma8, CV_8U);
    const int bins = 256;
    const float range[] = {0, 256};
    const float* ranges = range;
    const int channel = 0;
    cv::Mat counts;
    cv::calcHist(&luma8, 1, &channel, cv::Mat(), counts, 1, &bins, &ranges);
    for (int i = 0; i < bins; ++i) histogram[i] += counts.at<float>(i);
}

float percentile(const std::vector<double>& histogram, double fraction) {
    double total = 0;
    for (double count : histogram) total += count;
    const double target = fraction * total;
    double seen = 0;
    for (size_t i = 0; i < histogram.size(); ++i) {
        seen += histogram[i];
        if (seen >= target) return static_cast<float>(i);
    }
    return 255.0f;
}

float percentile(const cv::Mat& map, double fraction) {
    std::vector<double> histogram;
    addToHistogram(map, histogram);
    return percentile(histogram, fraction);
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

}  // namespace pm::ops::damage
