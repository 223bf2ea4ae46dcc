#include "core/ops/remove/remove_object.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <future>

#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/image/pixel_diff.h"
#include "core/engine/inference_session.h"
#include "core/ops/remove/fill_regions.h"
#include "core/ops/remove/lama_fill.h"
#include "core/ops/remove/exemplar_fill.h"
#include "core/ops/remove/soft_mask.h"
#include "core/ops/remove/stage_timer.h"

namespace pm::ops {
namespace {

void checkInputs(const cv::Mat& image, const cv::Mat& mask, const RemoveParams& params) {
    if (image.empty()) throw Error("Remove object: the image is empty.");
    if (image.depth() != CV_8U && image.depth() != CV_16U)
        throw Error("Remove object: only 8-bit and 16-bit images are supported.");
    if (image.channels() != 1 && image.channels() != 3 && image.channels() != 4)
        throw Error("Remove object: the image must be grey, colour or colour with alpha.");
    if (mask.type() != CV_8UC1 || mask.size() != image.size())
        throw Error(
            "Remove object: the mask must be an 8-bit single-channel image of the photo's size (" +
            std::to_string(image.cols) + "x" + std::to_string(image.rows) + ").");
    if (params.growPixels < 0 || params.featherPixels < 0)
        throw Error("Remove object: grow and feather widths cannot be negative.");
}

cv::Rect grow(const cv::Rect& box, int by) {
    if (box.area() == 0) return {};
    return {box.x - by, box.y - by, box.width + 2 * by, box.height + 2 * by};
}

// The result starts as a copy of the whole photo: on a 24 MP photo the copy (and the first touch of
// its fresh pages) costs more than some fills, so every thread copies a band of rows.
cv::Mat parallelClone(const cv::Mat& image) {
    cv::Mat copy(image.size(), image.type());
    const size_t rowBytes = image.cols * image.elemSize();
    const int bands = std::max(1, std::min(64, image.rows / 32));
    cv::parallel_for_(cv::Range(0, bands), [&](const cv::Range& range) {
        const int top = static_cast<int>(static_cast<int64_t>(image.rows) * range.start / bands);
        const int bottom = static_cast<int>(static_cast<int64_t>(image.rows) * range.end / bands);
        if (image.isContinuous()) {
            std::memcpy(copy.ptr(top), image.ptr(top),
                        rowBytes * static_cast<size_t>(bottom - top));
            return;
        }
        for (int y = top; y < bottom; ++y) std::memcpy(copy.ptr(y), image.ptr(y), rowBytes);
    });
    return copy;
}

// The built-in fill searches on the GPU when the engine runs on one, unless the params force a
// place (benchmarks).
PatchMatchParams::Device searchDevice(const engine::JobContext& context, RemoveParams::Search search) {
    using Device = PatchMatchParams::Device;
    switch (search) {
        case RemoveParams::Search::Threads:
            return Device::Threads;
        case RemoveParams::Search::Gpu:
            return Device::Gpu;
        case RemoveParams::Search::TensorsOnCpu:
            return Device::TensorsOnCpu;
        case RemoveParams::Search::Auto:
            break;
    }
    return context.device().cuda ? Device::Gpu : Device::Threads;
}

// A crop's seam: blend weights of the fill and the part of the crop they reach. It depends on the
// hole alone, so it is worked out beside the fill.
struct Seam {
    cv::Mat weights;
    cv::Rect touched;
};

Seam seamOf(const cv::Mat& hole, int featherPixels) {
    Seam seam;
    seam.weights = featherWeights(hole, featherPixels);
    seam.touched = cv::boundingRect(seam.weights > 0.0f);
    return seam;
}

// A soft mask's seam is the mask itself: its weights over the crop (`part` of the weights of the
// mask's area lands on `inCrop`).
Seam softSeamOf(const cv::Mat& weights, cv::Rect part, cv::Rect inCrop, cv::Size crop) {
    Seam seam;
    seam.weights = cv::Mat(crop, CV_32FC1, cv::Scalar(0));
    weights(part).copyTo(seam.weights(inCrop));
    seam.touched = cv::boundingRect(seam.weights > 0.0f);
    return seam;
}

}  // namespace

FillEngine parseFillEngine(const std::string& text) {
    std::string lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower == "auto") return FillEngine::Auto;
    if (lower == "builtin" || lower == "built-in") return FillEngine::Builtin;
    if (lower == "lama") return FillEngine::Lama;
    throw Error("Unknown fill engine \"" + text + "\": use auto, builtin or lama.");
}

namespace {

// The fill. `inPlace`: the crops are pasted into `image` itself (each crop is filled before it is
// written, and the crops never overlap), instead of into a copy of the photo.
RemoveResult fillMasked(const cv::Mat& image, const cv::Mat& mask, const RemoveParams& params,
                        engine::JobContext& context, bool inPlace) {
    StageTimer timer("remove", params.profile);
    checkInputs(image, mask, params);
    context.throwIfCancelled();
    engine::InferenceSession* lama = nullptr;
    if (params.engine != FillEngine::Builtin) lama = context.model("inpaint");
    if (params.engine == FillEngine::Lama && !lama) {
        const std::string problem = context.modelProblem("inpaint");
        throw Error(problem.empty()
                        ? "LaMa is not installed: put big-lama.pt in the models folder "
                          "(photomend-cli info shows where), or choose the built-in fill engine."
                        : "LaMa cannot be used: " + problem +
                              "; replace the file, or choose the built-in fill engine.");
    }

    RemoveResult result;
    result.engineUsed = lama ? "LaMa on " + lama->device().name : "built-in PatchMatch";
    // Nothing reads the copy before the first paste: it is made beside the fill, whose serial
    // stages leave most cores idle.
    std::future<cv::Mat> copy;
    if (!inPlace) copy = std::async(std::launch::async, parallelClone, std::cref(image));
    auto output = [&]() -> cv::Mat& {
        if (result.image.empty()) result.image = inPlace ? image : copy.get();
        return result.image;
    };
    // Everything but that copy works on the mask's bounding box (grown) and the crops around it.
    const cv::Rect frame(0, 0, image.cols, image.rows);
    const cv::Rect area = grow(cv::boundingRect(mask), params.growPixels) & frame;
    if (area.area() == 0) {
        output();
        context.progress(1.0, "Removing object");
        return result;
    }
    // A soft (feathered) mask is its own seam: it is neither grown nor given a seam band, which
    // would reach pixels it leaves alone (soft_mask.h).
    const bool soft = params.softMask && isSoftMask(mask(area));
    const cv::Mat hole = soft ? softMaskHole(mask(area))
                              : growMaskByWidth(mask(area), params.growPixels,
                                                std::min(params.thinGrowPixels, params.growPixels),
                                                params.thinRadius);
    const cv::Mat softWeights = soft ? softMaskWeights(mask(area)) : cv::Mat();
    timer.lap("grow mask");
    const PatchMatchParams& defaults = params.builtin;
    RegionPlan plan;
    plan.minMargin = std::max(plan.minMargin, params.featherPixels + 4 * defaults.patchSize);
    // The network wants wide context; patches are found close to the hole, and every extra pixel of
    // crop costs the CPU time on large photos.
    if (!lama) plan.marginRatio = 0.5;
    const std::vector<cv::Rect> boxes = planFillRegions(hole, area, image.size(), plan);
    timer.lap("plan regions");

    const double regions = static_cast<double>(boxes.size());
    for (size_t i = 0; i < boxes.size(); ++i) {
        context.throwIfCancelled();
        const cv::Rect box = boxes[i];
        context.progress(static_cast<double>(i) / regions, "Removing object");
        const cv::Mat crop = image(box);
        // Boxes reach past the grown mask's bounding box by their margins: zero there.
        cv::Mat cropHole(box.size(), CV_8UC1, cv::Scalar(0));
        const cv::Rect holePart = box & area;
        hole(holePart - area.tl()).copyTo(cropHole(holePart - box.tl()));
        std::future<Seam> seam =
            soft ? std::async(std::launch::deferred, softSeamOf, std::cref(softWeights), holePart - area.tl(),
                              holePart - box.tl(), box.size())
                 : std::async(std::launch::async, seamOf, std::cref(cropHole), params.featherPixels);
        cv::Mat fill;
        if (lama) {
            fill = lamaFill(*lama, crop, cropHole, params.lamaMaxSide);
        } else {
            PatchMatchParams pmParams = params.builtin;
            pmParams.bandPixels = params.featherPixels;
            pmParams.device = searchDevice(context, params.search);
            pmParams.profile = params.profile;
            pmParams.checkpoint = [&context] { context.throwIfCancelled(); };
            pmParams.progress = [&context, i, regions](double f) {
                context.progress((static_cast<double>(i) + f) / regions, "Removing object");
            };
            fill = patchMatchInpaint(crop, cropHole, pmParams);
        }
        timer.lap("fill crop");
        context.throwIfCancelled();
        const Seam done = seam.get();
        timer.lap("feather weights");
        cv::Mat target = output()(box);
        timer.lap("clone image");
        const cv::Rect touched = done.touched;
        // In place the crop is the target: what changed is told from a copy of the part touched.
        const cv::Mat before = inPlace ? crop(touched).clone() : crop(touched);
        pasteFeathered(target, fill, done.weights);
        timer.lap("paste");
        const cv::Rect changed = image::differingRect(before, target(touched));
        if (changed.area() > 0) result.changed |= changed + box.tl() + touched.tl();
        timer.lap("changed box");
    }
    output();
    context.progress(1.0, "Removing object");
    return result;
}

}  // namespace

RemoveResult removeObject(const cv::Mat& image, const cv::Mat& mask, const RemoveParams& params,
                          engine::JobContext& context) {
    return fillMasked(image, mask, params, context, false);
}

RemoveResult removeObjectInPlace(cv::Mat& image, const cv::Mat& mask, const RemoveParams& params,
                                 engine::JobContext& context) {
    return fillMasked(image, mask, params, context, true);
}

}  // namespace pm::ops
