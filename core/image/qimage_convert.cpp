#include "core/image/qimage_convert.h"

#include <opencv2/imgproc.hpp>

namespace pm::image {

namespace {
cv::Mat to8Bit(const cv::Mat& pixels) {
    if (pixels.depth() == CV_8U) return pixels;
    cv::Mat out;
    pixels.convertTo(out, CV_8U, pixels.depth() == CV_16U ? 1.0 / 257.0 : 255.0);
    return out;
}
}  // namespace

QImage toQImage(const cv::Mat& pixels) {
    const cv::Mat p8 = to8Bit(pixels);
    cv::Mat converted;
    QImage::Format format;
    switch (p8.channels()) {
    case 1:
        converted = p8;
        format = QImage::Format_Grayscale8;
        break;
    case 3:
        cv::cvtColor(p8, converted, cv::COLOR_BGR2RGB);
        format = QImage::Format_RGB888;
        break;
    case 4:
        // BGRA in memory is QImage's ARGB32 on little-endian machines.
        converted = p8;
        format = QImage::Format_ARGB32;
        break;
    default:
        return {};
    }
    return QImage(converted.data, converted.cols, converted.rows, int(converted.step), format).copy();
}

cv::Mat fromQImage(const QImage& image) {
    if (image.format() == QImage::Format_Grayscale8) {
        return cv::Mat(image.height(), image.width(), CV_8UC1, const_cast<uchar*>(image.constBits()),
                       size_t(image.bytesPerLine())).clone();
    }
    if (image.hasAlphaChannel()) {
        const QImage argb = image.convertToFormat(QImage::Format_ARGB32);
        return cv::Mat(argb.height(), argb.width(), CV_8UC4, const_cast<uchar*>(argb.constBits()),
                       size_t(argb.bytesPerLine())).clone();
    }
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    const cv::Mat view(rgb.height(), rgb.width(), CV_8UC3, const_cast<uchar*>(rgb.constBits()),
                       size_t(rgb.bytesPerLine()));
    cv::Mat bgr;
    cv::cvtColor(view, bgr, cv::COLOR_RGB2BGR);
    return bgr;
}

QImage maskOverlay(const cv::Mat& mask, QColor color) {
    CV_Assert(mask.type() == CV_8UC1 && mask.isContinuous());
    // An indexed view on the mask's own memory: 0 is transparent, anything else `color`.
    QImage overlay(mask.data, mask.cols, mask.rows, int(mask.step), QImage::Format_Indexed8);
    QList<QRgb> table(256, qPremultiply(color.rgba()));
    table[0] = qRgba(0, 0, 0, 0);
    overlay.setColorTable(table);
    return overlay;
}

}  // namespace pm::image
