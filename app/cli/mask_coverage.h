#pragma once
// A mask that marks nothing or everything makes `remove` a no-op (or leaves nothing to fill from)
// that would still "succeed"; a mask that marks most of the photo is usually inverted.
#include <QString>

#include <opencv2/core.hpp>

#include "photo_io/photo_saver.h"

namespace pm::cli {

/// Above this share of the photo the mask is reported as probably inverted (a warning only).
constexpr double kInvertedMaskShare = 0.5;

/// Throws pm::Error when `mask` (CV_8UC1, non-zero = remove) marks no pixel or every pixel; prints a
/// warning through `warning` when it marks more than kInvertedMaskShare of the photo.
void checkMaskCoverage(const QString& maskPath, const cv::Mat& mask,
                       const photo_io::LoadWarning& warning);

}  // namespace pm::cli
