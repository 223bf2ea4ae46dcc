#pragma once
// Fading, colour and grain: the tone part of "Repair old photo". Pure functions on whole images,
// and in-place versions that work band by band (a 500 MP photo needs no float copy of itself); any
// thread may call them. Every function takes CV_8U or CV_16U with 1, 3 (BGR) or 4 (BGRA) channels,
// returns the same type and size, and leaves an alpha channel untouched.
#include <cstdint>

#include <opencv2/core.hpp>

#include "core/engine/job_context.h"
#include "core/ops/tone/row_bands.h"

namespace pm::ops {

struct ToneParams {
    /// 0..1: restore faded colour (per-channel levels, colour cast removal, white balance).
    double colorStrength = 1.0;
    /// 0..1: remove grain and JPEG noise, keeping edges.
    double denoise = 0.5;
    /// 0..1: unsharp mask with limited halos.
    double sharpen = 0.0;
};

/// Stretches each channel between its 0.5% and 99.5% levels (faded blacks and whites, per-channel
/// casts), then neutralises what cast is left on the near-gray pixels in L*a*b*. strength blends
/// the result with the input; 0 returns the input bit for bit.
cv::Mat restoreColor(const cv::Mat& image, double strength);
/// restoreColor in place, band by band (bandPixels each): bit-identical to restoreColor. Photos
/// over 4 MP take their statistics from an 8-bit copy of about a megapixel (no float copy of the
/// photo), which may move the levels by a fraction of a grey level.
cv::Rect restoreColorInPlace(cv::Mat& image, double strength,
                             std::int64_t bandPixels = tone::kBandPixels);

/// Edge-preserving noise reduction scaled to the noise measured in the image: bilateral filtering
/// of luma at full resolution and of chroma at half resolution (colour noise is coarse). 0 =
/// unchanged.
cv::Mat reduceNoise(const cv::Mat& image, double strength);
/// reduceNoise in place, band by band with overlapping rows: within a grey level of reduceNoise on
/// the whole photo (the bilateral filter tabulates its weights over each band's value range).
cv::Rect reduceNoiseInPlace(cv::Mat& image, double strength,
                            std::int64_t bandPixels = tone::kBandPixels);

/// Unsharp mask on luma; the result never leaves its 3x3 neighbourhood's range by more than a few
/// levels, so edges get crisper without bright or dark halos. 0 = unchanged.
cv::Mat sharpen(const cv::Mat& image, double amount);
/// sharpen in place, band by band with overlapping rows: the same result as sharpen.
/// The in-place versions return the bounding box of the pixels they changed.
cv::Rect sharpenInPlace(cv::Mat& image, double amount, std::int64_t bandPixels = tone::kBandPixels);

/// restoreColor, reduceNoise, sharpen in this order, reporting progress. Throws pm::Cancelled.
cv::Mat applyTone(const cv::Mat& image, const ToneParams& params, engine::JobContext& context);

/// applyTone on a copy shrunk to maxSide pixels on its long side, for live slider previews.
cv::Mat previewTone(const cv::Mat& image, const ToneParams& params, int maxSide = 1024);

}  // namespace pm::ops
