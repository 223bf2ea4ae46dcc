// The drawn lines: difference of Gaussians on the smoothed image, kept by hysteresis and length.
#include <algorithm>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/ops/cartoon/cartoon_steps.h"

namespace pm::ops::cartoon {

cv::Mat lineAlpha(const cv::Mat& smoothed, const Recipe& recipe) {
    cv::Mat lab, lightness;
    cv::cvtColor(smoothed, lab, cv::COLOR_BGR2Lab);
    cv::extractChannel(lab, lightness, 0);
    lightness.convertTo(lightness, CV_32F);
    cv::Mat inner, outer;
    cv::GaussianBlur(lightness, inner, {0, 0}, recipe.lineSigma);
    cv::GaussianBlur(lightness, outer, {0, 0}, recipe.lineSigma * 1.6);
    // Negative where a pixel is darker than its surroundings: the dark side of an edge, where an
    // artist's line would go.
    cv::Mat darkness = outer - inner;

    cv::Mat weak = darkness > recipe.lineWeak;
    cv::Mat labels, boxes, centroids;
    const int count = cv::connectedComponentsWithStats(weak, labels, boxes, centroids, 8, CV_32S);
    // Texture (foliage, knitwear, gravel) is where line candidates crowd together: an edge
    // between two regions fills a fifth or less of a 15 x 15 window, texture much more.
    cv::Mat crowding;
    cv::boxFilter(weak, crowding, CV_32F, {15, 15}, {-1, -1}, true);
    std::vector<float> peak(count, 0.f);
    std::vector<int> size(count, 0);
    std::vector<double> crowd(count, 0.0);
    for (int y = 0; y < labels.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        const float* d = darkness.ptr<float>(y);
        const float* c = crowding.ptr<float>(y);
        for (int x = 0; x < labels.cols; ++x) {
            if (!l[x]) continue;
            peak[l[x]] = std::max(peak[l[x]], d[x]);
            ++size[l[x]];
            crowd[l[x]] += c[x];
        }
    }
    std::vector<uchar> keep(count, 0);
    for (int i = 1; i < count; ++i) {
        // A line is long for its area; a dark blob (a nostril, a shadowed hole) is not, and inked
        // solid it would read as a stain.
        const double w = boxes.at<int>(i, cv::CC_STAT_WIDTH), h = boxes.at<int>(i, cv::CC_STAT_HEIGHT);
        const double elongation = (w * w + h * h) / size[i];
        keep[i] = peak[i] >= recipe.lineStrong && size[i] >= recipe.lineMinPixels &&
                  crowd[i] / size[i] / 255.0 < recipe.lineMaxCrowding && elongation >= 6.0;
    }

    // Soft opacity from weak to strong, so line ends taper instead of stopping in a block.
    cv::Mat alpha(darkness.size(), CV_32F);
    const float span = float(recipe.lineStrong - recipe.lineWeak);
    for (int y = 0; y < alpha.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        const float* d = darkness.ptr<float>(y);
        float* a = alpha.ptr<float>(y);
        for (int x = 0; x < alpha.cols; ++x)
            a[x] = keep[l[x]] ? std::min(1.f, (d[x] - float(recipe.lineWeak)) / span + 0.35f) : 0.f;
    }
    return alpha;
}

}  // namespace pm::ops::cartoon
