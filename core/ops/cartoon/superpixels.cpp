// Superpixels for the region flattening: SLIC (Achanta et al. 2012) on L*a*b*, a few iterations,
// written on OpenCV's core instead of ximgproc (its ScanSegment) so that the cartoon, and with it
// the window, does not load ximgproc and the image codecs it depends on. Each pixel is compared
// only with the centres within one grid step, so an iteration costs a few operations per pixel.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/ops/cartoon/cartoon_steps.h"

namespace pm::ops::cartoon {

namespace {

struct Centre {
    float x, y, l, a, b;
};

}  // namespace

cv::Mat superpixels(const cv::Mat& lab, int cellSide, double compactness, int iterations) {
    CV_Assert(lab.type() == CV_8UC3 && cellSide > 1);
    const int cols = std::max(1, int(std::lround(double(lab.cols) / cellSide)));
    const int rows = std::max(1, int(std::lround(double(lab.rows) / cellSide)));
    const float stepX = float(lab.cols) / cols, stepY = float(lab.rows) / rows;
    std::vector<Centre> centres;
    centres.reserve(size_t(cols) * rows);
    for (int j = 0; j < rows; ++j)
        for (int i = 0; i < cols; ++i) {
            const float x = (i + 0.5f) * stepX, y = (j + 0.5f) * stepY;
            const cv::Vec3b v = lab.at<cv::Vec3b>(std::min(int(y), lab.rows - 1), std::min(int(x), lab.cols - 1));
            centres.push_back({x, y, float(v[0]), float(v[1]), float(v[2])});
        }
    // Every pixel starts in its grid cell, so one that no centre reaches keeps a sensible label.
    cv::Mat labels(lab.size(), CV_32S);
    for (int y = 0; y < lab.rows; ++y) {
        int* l = labels.ptr<int>(y);
        const int j = std::min(rows - 1, int(y / stepY));
        for (int x = 0; x < lab.cols; ++x) l[x] = j * cols + std::min(cols - 1, int(x / stepX));
    }
    // Colour distance plus the spatial distance in grid steps weighted by `compactness` (L*a*b* units).
    const float spatial = float(compactness * compactness) / (stepX * stepY);
    const int reachX = int(std::ceil(stepX)), reachY = int(std::ceil(stepY));
    cv::Mat distance(lab.size(), CV_32F);
    std::vector<double> sums(centres.size() * 6);
    for (int it = 0; it < iterations; ++it) {
        distance.setTo(std::numeric_limits<float>::max());
        for (int k = 0; k < int(centres.size()); ++k) {
            const Centre& c = centres[k];
            const int x0 = std::max(0, int(c.x) - reachX), x1 = std::min(lab.cols, int(c.x) + reachX + 1);
            const int y0 = std::max(0, int(c.y) - reachY), y1 = std::min(lab.rows, int(c.y) + reachY + 1);
            for (int y = y0; y < y1; ++y) {
                const cv::Vec3b* p = lab.ptr<cv::Vec3b>(y);
                float* d = distance.ptr<float>(y);
                int* l = labels.ptr<int>(y);
                const float dy = y - c.y;
                for (int x = x0; x < x1; ++x) {
                    const float dl = p[x][0] - c.l, da = p[x][1] - c.a, db = p[x][2] - c.b, dx = x - c.x;
                    const float D = dl * dl + da * da + db * db + spatial * (dx * dx + dy * dy);
                    if (D < d[x]) {
                        d[x] = D;
                        l[x] = k;
                    }
                }
            }
        }
        // Each centre moves to the mean position and colour of its pixels.
        std::fill(sums.begin(), sums.end(), 0.0);
        for (int y = 0; y < lab.rows; ++y) {
            const cv::Vec3b* p = lab.ptr<cv::Vec3b>(y);
            const int* l = labels.ptr<int>(y);
            for (int x = 0; x < lab.cols; ++x) {
                double* s = &sums[size_t(l[x]) * 6];
                s[0] += x, s[1] += y, s[2] += p[x][0], s[3] += p[x][1], s[4] += p[x][2], s[5] += 1;
            }
        }
        for (size_t k = 0; k < centres.size(); ++k) {
            const double* s = &sums[k * 6];
            if (s[5] > 0)
                centres[k] = {float(s[0] / s[5]), float(s[1] / s[5]), float(s[2] / s[5]), float(s[3] / s[5]),
                              float(s[4] / s[5])};
        }
    }
    return labels;
}

}  // namespace pm::ops::cartoon
