#include "core/ops/remove/patchmatch.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>

#include "core/ops/remove/patch_field.h"

namespace pm::ops {
namespace {

using patchmatch::Level;

// Matching runs on 8-bit colour (fast integer distances); the final vote reads the full-depth image.
cv::Mat toGuide(const cv::Mat& image) {
    cv::Mat guide = image;
    if (image.depth() == CV_16U) image.convertTo(guide, CV_8U, 1.0 / 257.0);
    if (guide.channels() == 4) cv::cvtColor(guide, guide, cv::COLOR_BGRA2BGR);
    return guide.isContinuous() && guide.data != image.data ? guide : guide.clone();
}

float holeRadius(const cv::Mat& hole) {
    cv::Mat distance;
    cv::distanceTransform(hole, distance, cv::DIST_L2, cv::DIST_MASK_3);
    double maxValue = 0.0;
    cv::minMaxLoc(distance, nullptr, &maxValue);
    return static_cast<float>(maxValue);
}

Level halve(const Level& fine) {
    Level coarse;
    coarse.radius = fine.radius;
    const cv::Size size((fine.guide.cols + 1) / 2, (fine.guide.rows + 1) / 2);
    cv::resize(fine.guide, coarse.guide, size, 0, 0, cv::INTER_AREA);
    cv::Mat hole;
    // A coarse pixel is unknown as soon as any fine pixel under it is.
    cv::resize(fine.hole, hole, size, 0, 0, cv::INTER_AREA);
    coarse.hole = hole > 0;
    return coarse;
}

// Without a single fully known patch there is nothing to copy from: diffuse instead.
cv::Mat diffusionFill(const cv::Mat& image, const cv::Mat& hole) {
    std::vector<cv::Mat> planes;
    cv::split(image, planes);
    for (cv::Mat& plane : planes) {
        cv::Mat asFloat, filled;
        plane.convertTo(asFloat, CV_32F);
        cv::inpaint(asFloat, hole, filled, 3, cv::INPAINT_TELEA);
        filled.convertTo(plane, image.depth());
    }
    cv::Mat result;
    cv::merge(planes, result);
    return result;
}

int iterationsAt(int level, int levels, const PatchMatchParams& params, int targets) {
    int iterations = params.fineIterations;
    if (levels > 1)
        iterations = params.fineIterations + (params.coarseIterations - params.fineIterations) * level /
                                                  (levels - 1);
    if (targets > 2 * params.workBudget) return 0;
    if (targets > params.workBudget) return 1;
    return iterations;
}

}  // namespace

cv::Mat patchMatchInpaint(const cv::Mat& image, const cv::Mat& hole, const PatchMatchParams& paramsIn) {
    PatchMatchParams params = paramsIn;
    if (const char* e = std::getenv("PM_FINE")) params.fineIterations = std::atoi(e);
    if (const char* e = std::getenv("PM_COARSE")) params.coarseIterations = std::atoi(e);
    if (const char* e = std::getenv("PM_PATCH")) params.patchSize = std::atoi(e);
    if (const char* e = std::getenv("PM_SWEEPS")) params.searchSweeps = std::atoi(e);
    CV_Assert(!image.empty() && (image.depth() == CV_8U || image.depth() == CV_16U));
    CV_Assert(hole.type() == CV_8UC1 && hole.size() == image.size());
    CV_Assert(params.patchSize >= 3 && params.patchSize % 2 == 1);
    const cv::Mat unknown = hole > 0;
    if (cv::countNonZero(unknown) == 0) return image.clone();
    auto checkpoint = [&] {
        if (params.checkpoint) params.checkpoint();
    };

    const int64 t0 = cv::getTickCount();
    std::vector<Level> levels(1);
    levels[0].radius = params.patchSize / 2;
    levels[0].guide = toGuide(image);
    levels[0].hole = unknown;
    const int minSide = std::max(4 * params.patchSize, 24);
    // Halve until the hole is about a patch wide: there the diffusion start is good enough.
    float radius = holeRadius(unknown);
    while (radius > static_cast<float>(levels[0].radius) &&
           std::min(levels.back().guide.cols, levels.back().guide.rows) / 2 >= minSide) {
        levels.push_back(halve(levels.back()));
        radius /= 2.0f;
    }
    const int bandReach = std::max(params.bandPixels, levels[0].radius);
    for (size_t i = 0; i < levels.size(); ++i) patchmatch::prepare(levels[i], i == 0 ? bandReach : 0);
    // Coarse levels where the hole swallowed every known patch cannot be matched: start finer.
    while (levels.size() > 1 && levels.back().sourceCount == 0) levels.pop_back();
    if (levels[0].sourceCount == 0) return diffusionFill(image, unknown);

    const int count = static_cast<int>(levels.size());
    {
        Level& coarsest = levels.back();
        cv::Mat start;
        cv::inpaint(coarsest.guide, coarsest.hole, start, 3, cv::INPAINT_TELEA);
        start.copyTo(coarsest.guide);
        patchmatch::randomField(coarsest, params.seed);
    }
    for (int l = count - 1; l >= 0; --l) {
        checkpoint();
        Level& level = levels[static_cast<size_t>(l)];
        const uint64_t seed = params.seed * 1000003ull + static_cast<uint64_t>(l) * 7919ull;
        if (l < count - 1) {
            patchmatch::upsampleField(levels[static_cast<size_t>(l + 1)], level, seed);
            const cv::Mat uniform(level.guide.size(), CV_32FC1, cv::Scalar(1));
            patchmatch::vote(level, uniform, level.guide, level.guide, level.hole);
        }
        const int full = std::max(level.guide.cols, level.guide.rows);
        // Far jumps matter where the structure is decided (coarsest); finer levels only refine.
        const int searchRadius = l == count - 1 ? full : std::min(full, 4 * params.patchSize);
        const int iterations = iterationsAt(l, count, params, level.targetCount);
        for (int it = 0; it < iterations; ++it) {
            checkpoint();
            patchmatch::updateDistances(level);
            patchmatch::searchField(level, params.searchSweeps, searchRadius, seed + static_cast<uint64_t>(it));
            patchmatch::vote(level, patchmatch::voteWeights(level), level.guide, level.guide, level.hole);
        }
        if (params.progress) params.progress(static_cast<double>(count - l) / count);
        if (std::getenv("PM_TIMING"))
            std::fprintf(stderr, "level %d %dx%d targets %d iters %d t=%.0f ms\n", l, level.guide.cols,
                         level.guide.rows, level.targetCount, iterations,
                         (cv::getTickCount() - t0) * 1000.0 / cv::getTickFrequency());
    }

    Level& finest = levels[0];
    patchmatch::updateDistances(finest);
    cv::Mat outMask = unknown;
    if (params.bandPixels > 0) {
        const int side = 2 * params.bandPixels + 1;
        cv::dilate(unknown, outMask, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(side, side)));
    }
    // The last vote reads the input itself: full depth, every channel (alpha too).
    cv::Mat out = image.clone();
    patchmatch::vote(finest, patchmatch::voteWeights(finest), image, out, outMask);
    if (std::getenv("PM_TIMING"))
        std::fprintf(stderr, "total t=%.0f ms\n", (cv::getTickCount() - t0) * 1000.0 / cv::getTickFrequency());
    return out;
}

}  // namespace pm::ops
