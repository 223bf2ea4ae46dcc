#pragma once
// Remove object: fills the masked pixels from their surroundings. Works on a crop around each masked
// region, so a 24 MP photo never goes through a model whole, and changes only the (grown) mask plus a
// feathered seam band: every other pixel stays bit-identical. A soft (feathered) mask, with
// RemoveParams::softMask, is filled where it is at least half and blended in where it is less;
// where it is 0 nothing changes (soft_mask.h).
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/engine/job_context.h"
#include "core/ops/remove/exemplar_fill.h"

namespace pm::ops {

enum class FillEngine { Auto, Builtin, Lama };

/// "auto" | "builtin" | "lama". Throws pm::Error otherwise.
FillEngine parseFillEngine(const std::string& text);

struct RemoveParams {
    FillEngine engine = FillEngine::Auto;
    int growPixels = 4;      ///< dilate the mask first: tight masks leave halos of the object
    /// ... except thin marks (scratches, hairs: parts at most 2 thinRadius pixels wide), which
    /// grow this much: each grown pixel turns a scratch a pixel or two wide into a wider hole that
    /// is filled less well (quality bench, bench/quality/STRUCTURE_FILL.md). Never more than
    /// growPixels.
    int thinGrowPixels = 0;
    /// 12 (was 9): brush strokes up to 24 px wide keep their width; the quality bench's strokes
    /// (7-18 px, anti-aliased) scored 20.27 dB with it and the narrowShare of 0.75, against 19.47
    /// with 9 (bench/quality/STRUCTURE_FILL.md). Objects, wider, still grow growPixels.
    float thinRadius = 12.0f;
    int featherPixels = 3;   ///< width of the blended seam band outside the grown mask
    /// The mask's grey levels are how much of each pixel goes (a feathered selection, the app's
    /// mask): a mask with values between 0 and 255 is filled where >= 128 and blended in below,
    /// without grow or seam band, and pixels where it is 0 stay as they are (soft_mask.h). Off: any
    /// non-zero pixel is removed (mask files, scripts). A 0/255 mask is hard either way.
    bool softMask = false;
    /// LaMa sees each crop at most this large (longer side); larger crops are shrunk for the model and
    /// its fill enlarged again, so a huge region never goes through the network at full size.
    int lamaMaxSide = 1024;
    /// Where the built-in fill's patch search runs. Auto: on the GPU when the job's engine uses
    /// one, else on CPU threads. The others force it, for benchmarks (TensorsOnCpu measures the
    /// GPU's algorithm where there is no GPU).
    enum class Search { Auto, Threads, Gpu, TensorsOnCpu } search = Search::Auto;
    /// Print the time of every stage to stderr (for the speed benchmarks).
    bool profile = false;
    /// The built-in fill's settings; its seam band, device, profiling, checkpoint and progress are
    /// set from the fields above and the job.
    PatchMatchParams builtin;
};

struct RemoveResult {
    cv::Mat image;                   ///< same size and type as the input
    cv::Rect changed;                ///< bounding box of every changed pixel (for undo patches)
    std::string engineUsed;          ///< "LaMa on NVIDIA H100", "LaMa on CPU", "built-in PatchMatch"
};

/// image: CV_8U or CV_16U, 1/3/4 channels. mask: CV_8UC1 of the same size, non-zero = remove.
/// Throws pm::Error (e.g. Lama forced but not installed), pm::Cancelled.
RemoveResult removeObject(const cv::Mat& image, const cv::Mat& mask, const RemoveParams& params,
                          engine::JobContext& context);
/// removeObject on `image` itself, for photos too large to copy: the result's image shares its
/// pixels. On an exception (cancelled, failed fill) crops already filled stay filled.
RemoveResult removeObjectInPlace(cv::Mat& image, const cv::Mat& mask, const RemoveParams& params,
                                 engine::JobContext& context);

}  // namespace pm::ops
