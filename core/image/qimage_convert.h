#pragma once
// cv::Mat <-> QImage for the UI. Lives in core/image because that folder owns every conversion between
// image types, but it is its own target (pm_image_qt): core itself never links Qt.
#include <QImage>
#include <opencv2/core.hpp>

namespace pm::image {

/// A display copy: 8-bit per channel (16-bit data is scaled), BGR -> RGB888, BGRA -> ARGB32,
/// gray -> Grayscale8. Always deep-copies, so the QImage may outlive the Mat.
QImage toQImage(const cv::Mat& pixels);

/// The inverse for 8-bit images: Grayscale8 -> CV_8UC1, RGB888/RGB32 -> CV_8UC3 BGR,
/// ARGB32 (with alpha) -> CV_8UC4 BGRA. Deep copy.
cv::Mat fromQImage(const QImage& image);

/// A mask (CV_8UC1, non-zero = selected) as a translucent overlay in `color` for the canvas. The
/// image shares the mask's memory (no copy): the mask must outlive it and never be reallocated.
QImage maskOverlay(const cv::Mat& mask, QColor color);

}  // namespace pm::image
