#include "ui/mask_overlay.h"

namespace pm::ui {

QImage maskOverlay(const cv::Mat& mask, QColor color) {
    CV_Assert(mask.type() == CV_8UC1);
    // An indexed view: entry 0 transparent, every other value the overlay colour.
    QImage overlay(mask.data, mask.cols, mask.rows, int(mask.step), QImage::Format_Indexed8);
    QList<QRgb> table(256, color.rgba());
    table[0] = qRgba(0, 0, 0, 0);
    overlay.setColorTable(table);
    return overlay;
}

}  // namespace pm::ui
