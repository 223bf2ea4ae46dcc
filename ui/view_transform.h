#pragma once
// The canvas's view transform: widget = image * zoom + offset. A value class so the maths is unit-
// tested without a widget (Krita's KisCoordinatesConverter). Input is converted to image coordinates
// at the edge; masks and strokes are stored in image coordinates.
#include <QPointF>
#include <QRectF>
#include <QSize>

namespace pm::ui {

class ViewTransform {
public:
    static constexpr double kMinZoom = 1.0 / 64;
    static constexpr double kMaxZoom = 32.0;

    double zoom() const { return zoom_; }
    QPointF offset() const { return offset_; }

    QPointF imageToWidget(QPointF p) const { return p * zoom_ + offset_; }
    QPointF widgetToImage(QPointF p) const { return (p - offset_) / zoom_; }
    QRectF imageToWidget(const QRectF& r) const;
    QRectF widgetToImage(const QRectF& r) const;

    /// Zoom (clamped) keeping the image point under `anchor` (widget coordinates) where it is.
    void zoomAbout(double newZoom, QPointF anchor);
    void panBy(QPointF widgetDelta) { offset_ += widgetDelta; }
    /// Whole image visible and centred; never enlarges beyond 100%.
    void fit(QSize image, QSize view);
    /// 100%, centred on the same image point that was at the view's centre.
    void actualSize(QSize view);
    /// Centres the image in the view at the current zoom.
    void centre(QSize image, QSize view);

    bool operator==(const ViewTransform& o) const { return zoom_ == o.zoom_ && offset_ == o.offset_; }

private:
    double zoom_ = 1.0;
    QPointF offset_;
};

}  // namespace pm::ui
