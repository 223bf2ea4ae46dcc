#include "ui/mask_overlay.h"

namespace pm::ui {

QImage maskOverlay(const cv::Mat& mask, QColor color) {
    CV_Assert(mask.type() == CV_8UC1);
    // An indexed view: value v is the overlay colour at v/255 of its opacity, so a feathered mask
    // shows its soft edge the way Remove blends it (255 full, 0 transparent).
    QImage overlay(mask.data, mask.cols, mask.rows, int(mask.step), QImage::Format_Indexed8);
    QList<QRgb> table(256);
    for (int v = 0; v < 256; ++v)
        table[v] = qRgba(color.red(), color.green(), color.blue(), (color.alpha() * v + 127) / 255);
    overlay.setColorTable(table);
    return overlay;
}

}  // namespace pm::ui
