#pragma once
// The size at which a model runs a request, and the way back to the caller's size. Torch-free:
// only the contract's sizes decide.
#include <utility>

#include <opencv2/core.hpp>

#include "core/engine/model_registry.h"

namespace pm::engine {

int roundUp(int value, int multiple);

/// Padded size (H, W) for a request of rows x cols: the fixed size, else the smallest bucket that
/// holds it (on the CPU only when that at most doubles the pixels), else the size multiple.
std::pair<int, int> paddedSize(const ModelContract& contract, int rows, int cols, bool gpu);

/// The side of the square input that start-up checks run at (the contract check, the fp16 error):
/// the fixed size, else 64 rounded up to the size multiple.
int checkSide(const ModelContract& contract);

/// A request's pixels at the padded (or fixed) size -> the caller's size: a crop, or for a
/// fixed-size model a resize (area when shrinking).
cv::Mat finishRequest(const cv::Mat& padded, const cv::Size& size, bool fixed, bool shrinking);

}  // namespace pm::engine
