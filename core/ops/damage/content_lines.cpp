#include "core/ops/damage/content_lines.h"

#include <vector>

#include <opencv2/imgproc.hpp>

namespace pm::ops::damage {

namespace {

// The paper base shows through a bright crack: mean colourfulness (max - min of B, G, R) of the
// bright pixels at most this, in grey levels. Real cracks on the sepia scans: 17-25; glints on the
// red saucer of coffee: 40-65. Dark cracks fill with brown grime, so their colour says nothing.
constexpr double kPaperChroma = 30.0;

struct Sums {
    double pixels = 0, contrast = 0, step = 0, asymmetry = 0, brightPixels = 0, brightChroma = 0;
};

}  // namespace

cv::Mat contentLineZones(const Ridges& ridges, const cv::Mat& lines, const cv::Mat& measured,
                         const cv::Mat& chroma, int joinGap, const ContentLimits& limits) {
    cv::Mat joined, labels;
    cv::dilate(lines, joined, cv::getStructuringElement(cv::MORPH_ELLIPSE, {joinGap, joinGap}));
    const int n = cv::connectedComponents(joined, labels, 8, CV_32S);
    std::vector<Sums> sums(n);
    for (int y = 0; y < labels.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        const uchar* c = measured.ptr<uchar>(y);
        const float* contrast = ridges.contrast.ptr<float>(y);
        const float* step = ridges.step.ptr<float>(y);
        const float* asymmetry = ridges.asymmetry.ptr<float>(y);
        const float* colour = chroma.ptr<float>(y);
        const uchar* bright = ridges.bright.ptr<uchar>(y);
        for (int x = 0; x < labels.cols; ++x) {
            if (!c[x]) continue;
            Sums& s = sums[l[x]];
            ++s.pixels;
            s.contrast += contrast[x];
            s.step += step[x];
            s.asymmetry += asymmetry[x];
            if (bright[x]) {
                ++s.brightPixels;
                s.brightChroma += colour[x];
            }
        }
    }
    std::vector<uchar> content(n, 0);
    for (int i = 1; i < n; ++i) {
        const Sums& s = sums[i];
        if (s.pixels == 0) continue;
        const bool onEdge = s.step > limits.stepShare * s.contrast;
        const bool lopsided = s.asymmetry > limits.asymmetryShare * s.contrast;
        const bool coloured = s.brightChroma > kPaperChroma * s.brightPixels;
        content[i] = onEdge || lopsided || coloured ? 255 : 0;
    }
    cv::Mat zones(labels.size(), CV_8UC1);
    for (int y = 0; y < labels.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        uchar* z = zones.ptr<uchar>(y);
        for (int x = 0; x < labels.cols; ++x) z[x] = content[l[x]];
    }
    return zones;
}

}  // namespace pm::ops::damage
