#pragma once
// cv::Mat <-> QImage for the UI (display, clipboard, drag and drop). Only the Qt build links this
// (target pm_image_qt); core itself has no Qt dependency. Both directions copy the pixels, so the
// result never aliases the source and may be handed to another thread.
#include <QImage>
#include <opencv2/core.hpp>

namespace pm::image {

/// PhotoMend pixels (CV_8U/CV_16U; gray, BGR or BGRA) as a QImage of the matching depth:
/// Grayscale8/16, RGB888, RGBA8888 (not premultiplied), RGBX64 or RGBA64. A null QImage for an
/// empty or unsupported Mat.
QImage toQImage(const cv::Mat& pixels);

/// A QImage in PhotoMend's layout: gray stays gray, colour becomes BGR, alpha BGRA; 16-bit-per-
/// channel formats stay 16-bit, everything else becomes 8-bit. Premultiplied alpha is undone.
/// An empty Mat for a null image.
cv::Mat fromQImage(const QImage& image);

}  // namespace pm::image
