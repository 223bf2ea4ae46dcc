#include "ui/view_transform.h"

#include <algorithm>

namespace pm::ui {

QRectF ViewTransform::imageToWidget(const QRectF& r) const {
    return {imageToWidget(r.topLeft()), r.size() * zoom_};
}

QRectF ViewTransform::widgetToImage(const QRectF& r) const {
    return {widgetToImage(r.topLeft()), r.size() / zoom_};
}

void ViewTransform::zoomAbout(double newZoom, QPointF anchor) {
    const QPointF imagePoint = widgetToImage(anchor);
    zoom_ = std::clamp(newZoom, kMinZoom, kMaxZoom);
    offset_ = anchor - imagePoint * zoom_;
}

void ViewTransform::fit(QSize image, QSize view) {
    if (image.isEmpty() || view.isEmpty()) return;
    const double z = std::min(double(view.width()) / image.width(),
                              double(view.height()) / image.height());
    zoom_ = std::clamp(std::min(z, 1.0), kMinZoom, kMaxZoom);
    centre(image, view);
}

void ViewTransform::actualSize(QSize view) {
    zoomAbout(1.0, QPointF(view.width() / 2.0, view.height() / 2.0));
}

void ViewTransform::centre(QSize image, QSize view) {
    offset_ = QPointF((view.width() - image.width() * zoom_) / 2.0,
                      (view.height() - image.height() * zoom_) / 2.0);
}

}  // namespace pm::ui
