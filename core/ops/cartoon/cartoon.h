#pragma once
// Cartoonize: the built-in cartoon (no model) and the model path. The built-in one is drawn from
// the photo: edge-preserving smoothing, regions flattened to their colour, soft luminance steps,
// dark lines on the photo's real edges, livelier colour. It works at a reduced scale where that pays
// and is brought back to the output size guided by the photo, so edges stay where they are.
#include <string>

#include <opencv2/core.hpp>

#include "core/engine/job_context.h"

namespace pm::ops {

enum class CartoonStyle {
    Anime,  ///< soft: gentle steps, thin lines in a darker shade of the colour under them
    Comic,  ///< ink: flatter regions, harder steps, bold black lines
};

enum class CartoonEngine {
    Builtin,  ///< the built-in cartoon, always available
    Model,    ///< an installed cartoon model (task "cartoon"), e.g. AnimeGANv2
};

struct CartoonParams {
    CartoonStyle style = CartoonStyle::Anime;
    /// 0..1: how much of the cartoon replaces the photo; 0 returns the photo (resized to the
    /// output size) bit for bit. 0.7-0.8 looks natural.
    double strength = 0.75;
    /// Long side of the output in pixels; 0 keeps the photo's size.
    int longSide = 0;
    CartoonEngine engine = CartoonEngine::Builtin;
};

/// "anime" / "comic" (case-insensitive). Throws pm::Error naming the accepted values.
CartoonStyle parseCartoonStyle(const std::string& text);
std::string toString(CartoonStyle style);
/// "builtin" / "model". Throws pm::Error.
CartoonEngine parseCartoonEngine(const std::string& text);
/// "original" or "0" = 0, else a long side of 16..16384 pixels. Throws pm::Error.
int parseCartoonLongSide(const std::string& text);

/// The output size for a photo of `size`: its own, or scaled so the long side is `longSide`.
cv::Size cartoonOutputSize(cv::Size size, int longSide);

struct CartoonResult {
    cv::Mat image;           ///< of cartoonOutputSize(), the input's depth and channels
    std::string engineUsed;  ///< "built-in" or the model's name
};

/// The cartoon of `image` (CV_8U or CV_16U; gray, BGR or BGRA: alpha is kept, resized). Reports
/// progress; throws pm::Cancelled, and pm::Error for the model engine when no cartoon model is
/// installed or usable.
CartoonResult cartoonize(const cv::Mat& image, const CartoonParams& params, engine::JobContext& context);

/// The built-in cartoon on a copy shrunk to maxSide pixels on its long side, for live previews
/// (params.longSide and params.engine are ignored: the preview shows the built-in look).
cv::Mat previewCartoon(const cv::Mat& image, const CartoonParams& params, int maxSide = 1024);

}  // namespace pm::ops
