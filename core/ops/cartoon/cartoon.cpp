#include "core/ops/cartoon/cartoon.h"

#include <algorithm>
#include <cctype>

#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/engine/inference_session.h"
#include "core/engine/runtime/tiled_image_to_image.h"
#include "core/image/pixel_convert.h"
#include "core/ops/cartoon/cartoon_steps.h"

namespace pm::ops {

namespace {

// The built-in cartoon is computed with its long side at most this, then brought to the output
// size guided by the photo: regions and lines need no more detail, and a 12 MP photo costs about
// what a 0.5 MP one does apart from the final guided pass.
constexpr int kWorkSide = 768;

// The cartoon model runs on tiles of at most this many pixels a side, overlapping by kModelOverlap.
constexpr int kModelTile = 1024;
constexpr int kModelOverlap = 64;

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return text;
}

cv::Mat resizeTo(const cv::Mat& image, cv::Size size) {
    if (image.size() == size) return image.clone();
    cv::Mat out;
    const bool shrinking = size.width < image.cols;
    cv::resize(image, out, size, 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_CUBIC);
    return out;
}

/// The built-in cartoon of an 8-bit BGR photo at its size, blended with it by `strength`.
cv::Mat builtinCartoon(const cv::Mat& bgr, CartoonStyle style, double strength, engine::JobContext& context) {
    const cartoon::Recipe& recipe = cartoon::recipeFor(style);
    const int longSide = std::max(bgr.cols, bgr.rows);
    const cv::Size workSize = cartoonOutputSize(bgr.size(), std::min(longSide, kWorkSide));
    const cv::Mat small = resizeTo(bgr, workSize);
    context.throwIfCancelled();
    context.progress(0.05, "smoothing");
    const cv::Mat smoothed = cartoon::smoothKeepingEdges(small, recipe);
    context.throwIfCancelled();
    context.progress(0.3, "flattening regions");
    const cv::Mat shaded = cartoon::shadeAndColour(cartoon::flattenRegions(smoothed, recipe), recipe);
    context.throwIfCancelled();
    context.progress(0.5, "drawing lines");
    const cv::Mat lines = cartoon::lineAlpha(smoothed, recipe);
    context.throwIfCancelled();
    context.progress(0.6, "bringing to size");
    return cartoon::composeCartoon(small, shaded, lines, bgr, recipe, strength);
}

cv::Mat modelCartoon(const cv::Mat& bgr, engine::JobContext& context) {
    engine::InferenceSession* model = context.model("cartoon");
    if (!model) {
        const std::string problem = context.modelProblem("cartoon");
        throw Error(problem.empty() ? "no cartoon model installed (see 'photomend-cli models list'); "
                                      "use the built-in engine"
                                    : "the cartoon model cannot be used: " + problem);
    }
    // Larger photos go through the model in overlapping tiles, blended across the overlap so no
    // seam shows: a network's memory grows with the pixels it sees at once (a 12 MP photo whole
    // would need tens of GB on the CPU), and AnimeGANv2 was trained on 512 px pictures.
    const size_t tiles = engine::tileStarts(bgr.rows, kModelTile, kModelOverlap).size() *
                         engine::tileStarts(bgr.cols, kModelTile, kModelOverlap).size();
    size_t done = 0;
    context.progress(0.1, "running the cartoon model");
    return engine::imageToImageInTiles(bgr, kModelTile, kModelOverlap, [&](const cv::Mat& tile) {
        context.throwIfCancelled();
        cv::Mat out = model->imageToImage(tile);
        context.progress(0.1 + 0.85 * double(++done) / double(tiles), "running the cartoon model");
        return out;
    });
}

/// `cartoon` (8-bit BGR) in the layout and depth of `like`, whose alpha it takes over.
cv::Mat toLayoutOf(const cv::Mat& cartoon, const cv::Mat& like) {
    cv::Mat out;
    if (like.channels() == 1) {
        cv::cvtColor(cartoon, out, cv::COLOR_BGR2GRAY);
    } else if (like.channels() == 4) {
        cv::Mat alpha8;
        cv::extractChannel(like, alpha8, 3);
        if (like.depth() == CV_16U) alpha8.convertTo(alpha8, CV_8U, 1.0 / 257);
        cv::cvtColor(cartoon, out, cv::COLOR_BGR2BGRA);
        cv::insertChannel(alpha8, out, 3);
    } else {
        out = cartoon;
    }
    if (like.depth() == CV_16U) {
        out.convertTo(out, CV_16U, 257.0);
        if (like.channels() == 4) {  // the alpha as it was, not rounded through 8 bits
            cv::Mat alpha;
            cv::extractChannel(like, alpha, 3);
            cv::insertChannel(alpha, out, 3);
        }
    }
    return out;
}

void checkInput(const cv::Mat& image) {
    const bool depthOk = image.depth() == CV_8U || image.depth() == CV_16U;
    const int c = image.channels();
    if (image.empty() || !depthOk || (c != 1 && c != 3 && c != 4))
        throw Error("cartoonize needs an 8- or 16-bit gray, colour or colour+alpha photo");
    if (image.cols < 8 || image.rows < 8) throw Error("the photo is too small to cartoonize (under 8 pixels)");
}

}  // namespace

CartoonStyle parseCartoonStyle(const std::string& text) {
    const std::string t = lower(text);
    if (t == "anime") return CartoonStyle::Anime;
    if (t == "comic") return CartoonStyle::Comic;
    throw Error("unknown cartoon style '" + text + "' (use anime or comic)");
}

std::string toString(CartoonStyle style) { return style == CartoonStyle::Comic ? "comic" : "anime"; }

CartoonEngine parseCartoonEngine(const std::string& text) {
    const std::string t = lower(text);
    if (t == "builtin" || t == "built-in") return CartoonEngine::Builtin;
    if (t == "model") return CartoonEngine::Model;
    throw Error("unknown cartoon engine '" + text + "' (use builtin or model)");
}

int parseCartoonLongSide(const std::string& text) {
    const std::string t = lower(text);
    if (t == "original" || t == "0") return 0;
    size_t used = 0;
    int value = 0;
    try {
        value = std::stoi(t, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != t.size() || value < 16 || value > 16384)
        throw Error("long side '" + text + "' must be 'original' or 16 to 16384 pixels");
    return value;
}

cv::Size cartoonOutputSize(cv::Size size, int longSide) {
    const int current = std::max(size.width, size.height);
    if (longSide <= 0 || current == longSide || current == 0) return size;
    const double f = double(longSide) / current;
    return {std::max(1, int(std::lround(size.width * f))), std::max(1, int(std::lround(size.height * f)))};
}

CartoonResult cartoonize(const cv::Mat& image, const CartoonParams& params, engine::JobContext& context) {
    checkInput(image);
    context.throwIfCancelled();
    CartoonResult result;
    const cv::Mat photo = resizeTo(image, cartoonOutputSize(image.size(), params.longSide));
    const double strength = std::clamp(params.strength, 0.0, 1.0);
    const bool model = params.engine == CartoonEngine::Model;
    result.engineUsed = model ? "model" : "built-in";
    if (strength <= 0.0 && !model) {
        result.image = photo;
        return result;
    }
    const cv::Mat bgr = image::toBgr8(photo);
    // An 8-bit colour photo is blended in the same pass that draws the cartoon; other layouts are
    // blended in their own depth below, so a 16-bit photo keeps its levels where it shows through.
    const bool blendedAlready = !model && photo.type() == CV_8UC3;
    cv::Mat drawn;
    if (model) {
        drawn = modelCartoon(bgr, context);
        result.engineUsed = context.model("cartoon")->entry().name;
    } else {
        drawn = builtinCartoon(bgr, params.style, blendedAlready ? strength : 1.0, context);
    }
    context.throwIfCancelled();
    if (blendedAlready) {
        result.image = drawn;
        context.progress(1.0, "done");
        return result;
    }
    context.progress(0.95, "blending");
    if (strength <= 0.0) {
        result.image = photo;
    } else {
        const cv::Mat cartoon = toLayoutOf(drawn, photo);
        cv::addWeighted(cartoon, strength, photo, 1.0 - strength, 0.0, result.image);
    }
    context.progress(1.0, "done");
    return result;
}

cv::Mat previewCartoon(const cv::Mat& image, const CartoonParams& params, int maxSide) {
    CartoonParams preview = params;
    preview.engine = CartoonEngine::Builtin;
    const int longSide = std::max(image.cols, image.rows);
    preview.longSide = maxSide > 0 && longSide > maxSide ? maxSide : 0;
    engine::LocalJobContext context;
    return cartoonize(image, preview, context).image;
}

}  // namespace pm::ops
