#include "core/image/qimage_convert.h"

#include <cstring>

#include <opencv2/imgproc.hpp>

namespace pm::image {
namespace {

// Copies rows because a QImage's bytesPerLine is padded to 4 bytes and a Mat's step may differ.
QImage copyToQImage(const cv::Mat& m, QImage::Format format) {
    QImage image(m.cols, m.rows, format);
    if (image.isNull()) return image;  // allocation failed
    const size_t rowBytes = static_cast<size_t>(m.cols) * m.elemSize();
    for (int y = 0; y < m.rows; ++y) std::memcpy(image.scanLine(y), m.ptr(y), rowBytes);
    return image;
}

cv::Mat copyFromQImage(const QImage& image, int type) {
    cv::Mat m(image.height(), image.width(), type);
    const size_t rowBytes = static_cast<size_t>(m.cols) * m.elemSize();
    for (int y = 0; y < m.rows; ++y) std::memcpy(m.ptr(y), image.constScanLine(y), rowBytes);
    return m;
}

bool sixteenBitColour(QImage::Format f) {
    return f == QImage::Format_RGBX64 || f == QImage::Format_RGBA64 ||
           f == QImage::Format_RGBA64_Premultiplied;
}

}  // namespace

QImage toQImage(const cv::Mat& pixels) {
    if (pixels.empty()) return QImage();
    const bool deep = pixels.depth() == CV_16U;
    if (!deep && pixels.depth() != CV_8U) return QImage();
    cv::Mat rgb;
    switch (pixels.channels()) {
        case 1:
            return copyToQImage(pixels,
                                deep ? QImage::Format_Grayscale16 : QImage::Format_Grayscale8);
        case 3:
            if (!deep) {
                cv::cvtColor(pixels, rgb, cv::COLOR_BGR2RGB);
                return copyToQImage(rgb, QImage::Format_RGB888);
            }
            // Qt has no 16-bit RGB without a fourth channel; RGBX64 ignores it.
            cv::cvtColor(pixels, rgb, cv::COLOR_BGR2RGBA);
            return copyToQImage(rgb, QImage::Format_RGBX64);
        case 4:
            cv::cvtColor(pixels, rgb, cv::COLOR_BGRA2RGBA);
            return copyToQImage(rgb, deep ? QImage::Format_RGBA64 : QImage::Format_RGBA8888);
        default:
            return QImage();
    }
}

cv::Mat fromQImage(const QImage& image) {
    if (image.isNull()) return cv::Mat();
    const QImage::Format format = image.format();
    if (format == QImage::Format_Grayscale8) return copyFromQImage(image, CV_8UC1);
    if (format == QImage::Format_Grayscale16) return copyFromQImage(image, CV_16UC1);

    const bool deep = sixteenBitColour(format);
    cv::Mat out;
    if (image.hasAlphaChannel()) {
        const QImage rgba =
            image.convertToFormat(deep ? QImage::Format_RGBA64 : QImage::Format_RGBA8888);
        cv::cvtColor(copyFromQImage(rgba, deep ? CV_16UC4 : CV_8UC4), out, cv::COLOR_RGBA2BGRA);
    } else if (deep) {
        const QImage rgbx = image.convertToFormat(QImage::Format_RGBX64);
        cv::cvtColor(copyFromQImage(rgbx, CV_16UC4), out, cv::COLOR_RGBA2BGR);
    } else {
        const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
        cv::cvtColor(copyFromQImage(rgb, CV_8UC3), out, cv::COLOR_RGB2BGR);
    }
    return out;
}

}  // namespace pm::image
