#pragma once
// The selection mask drawn over the photo on the canvas.
#include <QColor>
#include <QImage>
#include <opencv2/core.hpp>

namespace pm::ui {

/// A mask (CV_8UC1, non-zero = selected) as a translucent overlay in `color`, each pixel as opaque as
/// the mask is high (a feathered mask's edge fades out). The image shares the
/// mask's memory (no copy, so painting a stroke costs nothing extra): the mask must outlive it and
/// must never be reallocated.
QImage maskOverlay(const cv::Mat& mask, QColor color);

}  // namespace pm::ui
