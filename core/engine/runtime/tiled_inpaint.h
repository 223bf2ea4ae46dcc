#pragma once
// Inpainting in overlapping tiles: the GPU's answer to a request that ran out of memory at once.
// Torch-free: each tile goes through the caller's one-shot inpaint.
#include <functional>

#include <opencv2/core.hpp>

namespace pm::engine {

using InpaintOnce = std::function<cv::Mat(const cv::Mat& bgr, const cv::Mat& mask)>;

/// Splits bgr into tiles of about half its longer side (a multiple of `sizeMultiple`, at least
/// 128 px) overlapping by 32 px, inpaints those the mask touches with `once` and keeps each
/// tile's centre: the overlap gives its border pixels real context.
cv::Mat inpaintInTiles(const cv::Mat& bgr, const cv::Mat& mask, int sizeMultiple,
                       const InpaintOnce& once);

}  // namespace pm::engine
