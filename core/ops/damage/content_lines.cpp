#include "core/ops/damage/content_lines.h"

#include <vector>

#include <opencv2/imgproc.hpp>

namespace pm::ops::damage {

namespace {

// Mean step between the far sides, as a share of the mean contrast. Measured at 1x on every pixel
// a line can reach (damage_real_bench): the hand-drawn cracks of scratched_a and scratched_c reach
// 0.26; a cat's eye outlines, tyre shadows, the saucer's rim and chrome pipes 0.3-1.3.
constexpr double kMaxStepShare = 0.3;
// Mean asymmetry (largest step across or beside the line) as a share of the contrast: the real
// cracks reach 0.38, the exhaust pipe's highlight 0.62.
constexpr double kMaxAsymmetryShare = 0.5;
// The paper base shows through a crack: mean colourfulness (max - min of B, G, R) at most this,
// in grey levels. Real cracks on the sepia scans: 17-25; glints on the red saucer of coffee: 40-65.
constexpr double kPaperChroma = 30.0;

struct Sums {
    double pixels = 0, contrast = 0, step = 0, asymmetry = 0, chroma = 0;
};

}  // namespace

cv::Mat contentLineZones(const Ridges& ridges, const cv::Mat& lines, const cv::Mat& chroma,
                         int joinGap) {
    cv::Mat joined, labels;
    cv::dilate(lines, joined,
               cv::getStructuringElement(cv::MORPH_ELLIPSE, {joinGap, joinGap}));
    const int n = cv::connectedComponents(joined, labels, 8, CV_32S);
    std::vector<Sums> sums(n);
    for (int y = 0; y < labels.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        const uchar* c = lines.ptr<uchar>(y);
        const float* contrast = ridges.contrast.ptr<float>(y);
        const float* step = ridges.step.ptr<float>(y);
        const float* asymmetry = ridges.asymmetry.ptr<float>(y);
        const float* colour = chroma.ptr<float>(y);
        for (int x = 0; x < labels.cols; ++x) {
            if (!c[x]) continue;
            Sums& s = sums[l[x]];
            ++s.pixels;
            s.contrast += contrast[x];
            s.step += step[x];
            s.asymmetry += asymmetry[x];
            s.chroma += colour[x];
        }
    }
    std::vector<uchar> content(n, 0);
    for (int i = 1; i < n; ++i) {
        const Sums& s = sums[i];
        if (s.pixels == 0) continue;
        const bool onEdge = s.step > kMaxStepShare * s.contrast;
        const bool lopsided = s.asymmetry > kMaxAsymmetryShare * s.contrast;
        const bool coloured = s.chroma > kPaperChroma * s.pixels;
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
