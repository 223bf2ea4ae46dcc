// Smoothing and region flattening: the "painted" part of the cartoon.
#include <algorithm>
#include <numeric>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "core/ops/cartoon/cartoon_steps.h"

namespace pm::ops::cartoon {

cv::Mat smoothKeepingEdges(const cv::Mat& bgr, const Recipe& recipe) {
    // Several small bilateral passes flatten texture like one large one at a fraction of its cost,
    // and stop at edges better than one pass with a wide colour sigma. Two buffers of its own:
    // the photo is never written.
    cv::Mat current = bgr.clone(), next;
    for (int i = 0; i < recipe.smoothPasses; ++i) {
        cv::bilateralFilter(current, next, 7, recipe.smoothSigma, 3.0);
        std::swap(current, next);
    }
    return current;
}

namespace {

struct RegionStats {
    cv::Vec3d sum{0, 0, 0};
    double count = 0;
    cv::Vec3d mean() const { return count > 0 ? sum / count : sum; }
};

int findRoot(std::vector<int>& parent, int i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
}

struct Edge {
    int a, b;
    double distance;
};

// SLIC settings: colour counts about as much as a grid step of distance at 10 L*a*b* units, and
// four iterations settle the borders on the smoothed image (which has little texture left).
constexpr double kCompactness = 10.0;
constexpr int kIterations = 4;
// The border-rounding guided filter is fitted at half the working scale: its window (9 px) is
// wide against that, and it costs a quarter.
constexpr int kGuideSubsample = 2;

}  // namespace

cv::Mat flattenRegions(const cv::Mat& smoothed, const Recipe& recipe) {
    cv::Mat lab;
    cv::cvtColor(smoothed, lab, cv::COLOR_BGR2Lab);
    // Superpixels of about 12 x 12 working pixels: small enough to follow a nose or an eyelid.
    cv::Mat labels = superpixels(lab, 12, kCompactness, kIterations);
    double maxLabel = 0;
    cv::minMaxLoc(labels, nullptr, &maxLabel);
    const int count = int(maxLabel) + 1;

    std::vector<RegionStats> stats(count);
    for (int y = 0; y < lab.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        const cv::Vec3b* p = lab.ptr<cv::Vec3b>(y);
        for (int x = 0; x < lab.cols; ++x) {
            RegionStats& s = stats[l[x]];
            s.sum += cv::Vec3d(p[x][0], p[x][1], p[x][2]);
            s.count += 1;
        }
    }
    // Neighbouring superpixels, each pair once (adjacent labels are found on right/down steps).
    std::vector<Edge> edges;
    std::vector<std::vector<int>> seen(count);
    auto addEdge = [&](int a, int b) {
        if (a == b) return;
        if (a > b) std::swap(a, b);
        std::vector<int>& s = seen[a];
        if (std::find(s.begin(), s.end(), b) != s.end()) return;
        s.push_back(b);
        edges.push_back({a, b, cv::norm(stats[a].mean() - stats[b].mean())});
    };
    for (int y = 0; y + 1 < lab.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        const int* below = labels.ptr<int>(y + 1);
        for (int x = 0; x + 1 < lab.cols; ++x) {
            addEdge(l[x], l[x + 1]);
            addEdge(l[x], below[x]);
        }
    }
    // Merge the most similar neighbours first; the test uses the merged regions' current means,
    // so a slow gradient does not chain into one region spanning dark to light.
    std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.distance < b.distance; });
    std::vector<int> parent(count);
    std::iota(parent.begin(), parent.end(), 0);
    for (const Edge& e : edges) {
        if (e.distance > recipe.mergeDistance) break;
        const int a = findRoot(parent, e.a), b = findRoot(parent, e.b);
        if (a == b || cv::norm(stats[a].mean() - stats[b].mean()) > recipe.mergeDistance) continue;
        parent[b] = a;
        stats[a].sum += stats[b].sum;
        stats[a].count += stats[b].count;
    }
    std::vector<cv::Vec3b> colour(count);
    for (int i = 0; i < count; ++i) {
        const cv::Vec3d m = stats[findRoot(parent, i)].mean();
        colour[i] = cv::Vec3b(cv::saturate_cast<uchar>(m[0]), cv::saturate_cast<uchar>(m[1]),
                              cv::saturate_cast<uchar>(m[2]));
    }
    cv::Mat flatLab(lab.size(), CV_8UC3);
    for (int y = 0; y < lab.rows; ++y) {
        const int* l = labels.ptr<int>(y);
        cv::Vec3b* out = flatLab.ptr<cv::Vec3b>(y);
        for (int x = 0; x < lab.cols; ++x) out[x] = colour[l[x]];
    }
    cv::Mat flat;
    cv::cvtColor(flatLab, flat, cv::COLOR_Lab2BGR);
    // Superpixel borders run in small stairs; where the smoothed image has no edge under them the
    // guided filter rounds them off, where it has one the border stays crisp.
    flat = colourGuidedFilter(smoothed, flat, 4, 0.01, kGuideSubsample);
    cv::Mat blended;
    cv::addWeighted(flat, recipe.flatten, smoothed, 1.0 - recipe.flatten, 0.0, blended);
    return blended;
}

cv::Mat shadeAndColour(const cv::Mat& bgr, const Recipe& recipe) {
    // A smooth staircase on L: within each step the tone is pulled towards the step's middle (a
    // power curve, flat in the middle, rising steeply only near the step's ends), so steps read
    // as cel shading without the hard contours of a global quantisation; the curve is continuous.
    cv::Mat lut(1, 256, CV_8UC3);
    const double step = 255.0 / recipe.steps;
    const double k = recipe.stepHardness;
    for (int v = 0; v < 256; ++v) {
        const double position = v / step;
        const double n = std::floor(position);
        const double t = position - n - 0.5;  // -0.5..0.5 within the step
        const double pulled = 0.5 * std::pow(std::abs(2 * t), k) * (t < 0 ? -1 : 1);
        const double stepped = (n + 0.5 + pulled) * step;
        const double l = (1.0 - recipe.stepMix) * v + recipe.stepMix * stepped;
        const double chroma = 128.0 + (v - 128.0) * recipe.saturation;
        lut.at<cv::Vec3b>(v) = cv::Vec3b(cv::saturate_cast<uchar>(l), cv::saturate_cast<uchar>(chroma),
                                         cv::saturate_cast<uchar>(chroma));
    }
    cv::Mat lab;
    cv::cvtColor(bgr, lab, cv::COLOR_BGR2Lab);
    cv::LUT(lab, lut, lab);
    cv::Mat out;
    cv::cvtColor(lab, out, cv::COLOR_Lab2BGR);
    return out;
}

}  // namespace pm::ops::cartoon
