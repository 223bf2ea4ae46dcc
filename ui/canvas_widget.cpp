#include "ui/canvas_widget.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>
#include <cmath>

#include "ui/click_selection.h"
#include "ui/document.h"
#include "ui/scissors_outline.h"

namespace pm::ui {

namespace {
constexpr double kWheelStep = 1.25;  // zoom factor per wheel notch
constexpr int kDividerGrab = 6;      // px either side of the split divider that grab it
const QColor kBackground(48, 48, 50);
constexpr int kLabelMargin = 10;   // px from the view's (or the split half's) corner
constexpr int kLabelPadding = 5;   // px around a label's text
constexpr int kBoxDragMin = 6;     // px the pointer must move before a Select press becomes a box
constexpr double kCloseOutline = 8;  // px from the first scissors point where a click closes the outline

QFont labelFont(QFont font) {
    font.setBold(true);
    return font;
}
}  // namespace

CanvasWidget::CanvasWidget(Document* document, QWidget* parent)
    : QWidget(parent), document_(document), clickSelection_(new ClickSelection(document, this)),
      scissors_(new ScissorsOutline(document, this)) {
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAcceptDrops(false);  // drops go to the main window
    setCursor(Qt::CrossCursor);
    connect(document, &Document::imageChanged, this, &CanvasWidget::updateImageRect);
    connect(document, &Document::maskChanged, this, &CanvasWidget::updateImageRect);
    connect(scissors_, &ScissorsOutline::outlineChanged, this, qOverload<>(&QWidget::update));
    // A new canvas size (extended, or that undone): a fitted view fits the new size.
    connect(document, &Document::sizeChanged, this, [this] {
        if (fitting_) fitToWindow();
        update();
    });
}

void CanvasWidget::setTool(BrushTool tool) {
    if (tool != BrushTool::Scissors) scissors_->cancel();  // an outline half drawn is not a selection
    // The model's image embedding is computed while the user aims the first click.
    if (tool == BrushTool::Select) clickSelection_->prepareModel();
    tool_ = tool;
    update();
}

bool CanvasWidget::boxDragged() const {
    return drag_ == Drag::Select && tool_ == BrushTool::Select &&
           (cursorPos_ - selectStart_).manhattanLength() >= kBoxDragMin;
}

QRect CanvasWidget::boxRect() const { return QRectF(selectStart_, cursorPos_).normalized().toRect(); }

void CanvasWidget::setBrushSize(double diameter) {
    const QRect old = outlineRect(cursorPos_);
    brushSize_ = std::clamp(diameter, 1.0, 2000.0);
    update(old | outlineRect(cursorPos_));
}

void CanvasWidget::setTransform(const ViewTransform& t) {
    if (t == transform_) return;
    transform_ = t;
    update();
    emit zoomChanged(transform_.zoom());
}

void CanvasWidget::fitToWindow() {
    fitting_ = true;
    ViewTransform t = transform_;
    t.fit(document_->size(), size());
    setTransform(t);
}

void CanvasWidget::actualSize() {
    fitting_ = false;
    ViewTransform t = transform_;
    t.actualSize(size());
    setTransform(t);
}

void CanvasWidget::zoomBy(double factor) {
    fitting_ = false;
    ViewTransform t = transform_;
    t.zoomAbout(t.zoom() * factor, QPointF(width() / 2.0, height() / 2.0));
    setTransform(t);
}

void CanvasWidget::setShowOriginal(bool show) {
    if (show == showOriginal_) return;
    showOriginal_ = show;
    update();
}

void CanvasWidget::setSplitCompare(bool split) {
    if (split == split_) return;
    split_ = split;
    update();
}

void CanvasWidget::setSplitPosition(double fraction) {
    splitPosition_ = std::clamp(fraction, 0.0, 1.0);
    update();
}

void CanvasWidget::setPreview(const QImage& preview) {
    preview_ = preview;
    update();
}

void CanvasWidget::resizeEvent(QResizeEvent*) {
    if (fitting_) fitToWindow();
}

void CanvasWidget::paintEvent(QPaintEvent* event) {
    QPainter painter(this);
    const QRect exposed = event->rect();
    painter.fillRect(exposed, kBackground);
    if (!document_) return;

    if (split_) {
        const int x = int(std::lround(splitPosition_ * width()));
        const QRect left = exposed & QRect(0, 0, x, height());
        const QRect right = exposed & QRect(x, 0, width() - x, height());
        if (!left.isEmpty()) drawPhoto(painter, left, true);
        if (!right.isEmpty()) drawPhoto(painter, right, false);
        painter.setPen(QPen(Qt::white, 2));
        painter.drawLine(x, 0, x, height());
    } else {
        drawPhoto(painter, exposed, showOriginal_);
    }
    drawCompareLabels(painter);

    if (boxDragged()) {
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(QColor(0, 0, 0, 200), 1));
        painter.drawRect(boxRect().adjusted(-1, -1, 1, 1));
        painter.setPen(QPen(QColor(255, 255, 255, 230), 1, Qt::DashLine));
        painter.drawRect(boxRect());
    }
    drawScissorsOutline(painter);
    if (cursorPos_.x() >= 0 && drag_ != Drag::Pan && !spaceHeld_ && !selecting() &&
        tool_ != BrushTool::Scissors) {
        const double r = brushSize_ / 2 * transform_.zoom();
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(QColor(0, 0, 0, 200), 1));
        painter.drawEllipse(cursorPos_, r + 1, r + 1);
        painter.setPen(QPen(QColor(255, 255, 255, 230), 1));
        painter.drawEllipse(cursorPos_, r, r);
    }
}

void CanvasWidget::drawPhoto(QPainter& painter, const QRect& exposed, bool original) {
    painter.save();
    painter.setClipRect(exposed);
    const QRectF imageBounds(QPointF(0, 0), QSizeF(document_->size()));
    const QRectF visible = transform_.widgetToImage(QRectF(exposed)).adjusted(-1, -1, 1, 1) & imageBounds;
    if (!visible.isEmpty()) {
        const double zoom = transform_.zoom();
        painter.setRenderHint(QPainter::SmoothPixmapTransform, zoom < 1.0);
        // The smallest pyramid level that still has at least one source pixel per screen pixel.
        int level = 0;
        while (level < 8 && zoom * std::pow(2.0, level + 1) <= 1.0) ++level;
        const QImage& source = original ? document_->displayOriginal(level)
                               : !preview_.isNull() ? preview_
                                                    : document_->displayLevel(level);
        const double scale = double(source.width()) / document_->size().width();
        const QRectF sourceRect(visible.x() * scale, visible.y() * scale, visible.width() * scale,
                                visible.height() * scale);
        const QRectF target = transform_.imageToWidget(visible);
        painter.drawImage(target, source, sourceRect);
        const QRectF masked = visible & QRectF(document_->maskBounds());
        if (!original && !masked.isEmpty())
            painter.drawImage(transform_.imageToWidget(masked), document_->maskOverlay(), masked);
    }
    painter.restore();
}

QVector<CanvasWidget::CompareLabel> CanvasWidget::compareLabels() const {
    if (!document_ || (!split_ && !showOriginal_)) return {};
    const QFontMetrics metrics(labelFont(font()));
    const auto label = [&](const QString& text, bool right) {
        QRect rect = metrics.boundingRect(text).adjusted(-kLabelPadding, -kLabelPadding, kLabelPadding, kLabelPadding);
        rect.moveTop(kLabelMargin);
        if (right) rect.moveRight(width() - 1 - kLabelMargin);
        else rect.moveLeft(kLabelMargin);
        return CompareLabel{text, rect};
    };
    if (!split_) return {label(tr("Before"), false)};
    return {label(tr("Before"), false), label(tr("After"), true)};
}

void CanvasWidget::drawCompareLabels(QPainter& painter) {
    const QVector<CompareLabel> labels = compareLabels();
    if (labels.isEmpty()) return;
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setFont(labelFont(font()));
    const int divider = int(std::lround(splitPosition_ * width()));
    for (const CompareLabel& label : labels) {
        // In split compare each label stays on its own side of the divider, however far it is dragged.
        if (split_) {
            const bool left = label.rect.center().x() < width() / 2;
            painter.setClipRect(left ? QRect(0, 0, divider, height()) : QRect(divider, 0, width() - divider, height()));
        }
        painter.setPen(Qt::NoPen);
        painter.setBrush(QColor(0, 0, 0, 160));
        painter.drawRoundedRect(label.rect, 4, 4);
        painter.setPen(Qt::white);
        painter.drawText(label.rect, Qt::AlignCenter, label.text);
    }
    painter.restore();
}

void CanvasWidget::drawScissorsOutline(QPainter& painter) {
    if (!scissors_->active()) return;
    std::vector<cv::Point> points = scissors_->outline();
    if (cursorPos_.x() >= 0) {
        const std::vector<cv::Point> preview =
            scissors_->previewTo(transform_.widgetToImage(cursorPos_).toPoint());
        points.insert(points.end(), preview.begin(), preview.end());
    }
    QPolygonF line;
    line.reserve(int(points.size()));
    for (const cv::Point& p : points) line << transform_.imageToWidget(QPointF(p.x + 0.5, p.y + 0.5));
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(Qt::NoBrush);
    // Dark under light: the outline shows on bright and dark photos alike.
    painter.setPen(QPen(QColor(0, 0, 0, 200), 3));
    painter.drawPolyline(line);
    painter.setPen(QPen(QColor(255, 255, 80, 240), 1.5));
    painter.drawPolyline(line);
    const QPointF first = line.isEmpty() ? QPointF() : line.front();
    painter.drawEllipse(first, kCloseOutline / 2, kCloseOutline / 2);  // where a click closes it
    painter.restore();
}

void CanvasWidget::updateImageRect(const QRect& imageRect) {
    update(transform_.imageToWidget(QRectF(imageRect)).toAlignedRect().adjusted(-2, -2, 2, 2));
}

QRect CanvasWidget::outlineRect(QPointF centre) const {
    const double r = brushSize_ / 2 * transform_.zoom() + 3;
    return QRectF(centre.x() - r, centre.y() - r, 2 * r, 2 * r).toAlignedRect();
}

bool CanvasWidget::nearDivider(QPointF pos) const {
    return split_ && std::abs(pos.x() - splitPosition_ * width()) <= kDividerGrab;
}

void CanvasWidget::mousePressEvent(QMouseEvent* event) {
    const QPointF pos = event->position();
    lastPos_ = pos;
    if (event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && spaceHeld_)) {
        drag_ = Drag::Pan;
        setCursor(Qt::ClosedHandCursor);
    } else if (event->button() == Qt::LeftButton && nearDivider(pos)) {
        drag_ = Drag::Divider;
    } else if (tool_ == BrushTool::Scissors && document_ && event->button() == Qt::LeftButton) {
        scissors_->addPoint(transform_.widgetToImage(pos).toPoint(), kCloseOutline / transform_.zoom());
    } else if (selecting() && document_ &&
               (event->button() == Qt::LeftButton || event->button() == Qt::RightButton)) {
        drag_ = Drag::Select;
        selectStart_ = pos;
        cursorPos_ = pos;
        selectNegative_ = event->button() == Qt::RightButton || (event->modifiers() & Qt::ShiftModifier);
    } else if (event->button() == Qt::LeftButton && document_) {
        drag_ = Drag::Stroke;
        const QPointF p = transform_.widgetToImage(pos);
        document_->beginStroke(tool_ == BrushTool::Eraser);
        document_->strokeSegment(p, p, brushSize_ / 2);
    }
}

void CanvasWidget::mouseMoveEvent(QMouseEvent* event) {
    const QPointF pos = event->position();
    const QRect oldOutline = outlineRect(cursorPos_);
    cursorPos_ = pos;
    switch (drag_) {
    case Drag::Pan: {
        fitting_ = false;
        ViewTransform t = transform_;
        t.panBy(pos - lastPos_);
        setTransform(t);
        break;
    }
    case Drag::Divider:
        setSplitPosition(pos.x() / std::max(1, width()));
        break;
    case Drag::Stroke:
        document_->strokeSegment(transform_.widgetToImage(lastPos_), transform_.widgetToImage(pos),
                                 brushSize_ / 2);
        break;
    case Drag::Select:
        update();  // the box
        break;
    case Drag::None:
        if (scissors_->active()) update();  // the live path to the pointer
        setCursor(nearDivider(pos) ? Qt::SplitHCursor
                                   : (spaceHeld_ ? Qt::OpenHandCursor : Qt::CrossCursor));
        break;
    }
    lastPos_ = pos;
    update(oldOutline | outlineRect(pos));
}

void CanvasWidget::mouseReleaseEvent(QMouseEvent* event) {
    if (drag_ == Drag::Select && document_) {
        cursorPos_ = event->position();
        const QPoint at = transform_.widgetToImage(event->position()).toPoint();
        if (boxDragged()) {
            clickSelection_->setBox(transform_.widgetToImage(QRectF(boxRect())).toAlignedRect());
        } else if (tool_ == BrushTool::Wand) {
            clickSelection_->wand(at, selectNegative_, wandSettings_);
        } else {
            clickSelection_->addClick(at, !selectNegative_);
        }
        update();
    } else if (drag_ == Drag::Stroke && document_) {
        document_->strokeSegment(transform_.widgetToImage(lastPos_),
                                 transform_.widgetToImage(event->position()), brushSize_ / 2);
        document_->endStroke();
    }
    drag_ = Drag::None;
    setCursor(spaceHeld_ ? Qt::OpenHandCursor : Qt::CrossCursor);
}

void CanvasWidget::mouseDoubleClickEvent(QMouseEvent* event) {
    // The double-click's first press already added its point; the double-click closes the outline.
    if (tool_ == BrushTool::Scissors && event->button() == Qt::LeftButton) scissors_->close();
    else mousePressEvent(event);
}

void CanvasWidget::wheelEvent(QWheelEvent* event) {
    const double notches = event->angleDelta().y() / 120.0;
    if (notches == 0) return;
    fitting_ = false;
    ViewTransform t = transform_;
    t.zoomAbout(t.zoom() * std::pow(kWheelStep, notches), event->position());
    setTransform(t);
    event->accept();
}

void CanvasWidget::keyPressEvent(QKeyEvent* event) {
    if (event->isAutoRepeat()) return;
    if (event->key() == Qt::Key_Space) {
        spaceHeld_ = true;
        setCursor(Qt::OpenHandCursor);
    } else if (event->key() == Qt::Key_Backslash) {
        setShowOriginal(true);
    } else if (event->key() == Qt::Key_Escape && scissors_->active()) {
        scissors_->cancel();
    } else {
        QWidget::keyPressEvent(event);
    }
}

void CanvasWidget::keyReleaseEvent(QKeyEvent* event) {
    if (event->isAutoRepeat()) return;
    if (event->key() == Qt::Key_Space) {
        spaceHeld_ = false;
        setCursor(Qt::CrossCursor);
    } else if (event->key() == Qt::Key_Backslash) {
        setShowOriginal(false);
    } else {
        QWidget::keyReleaseEvent(event);
    }
}

void CanvasWidget::leaveEvent(QEvent*) {
    const QRect old = outlineRect(cursorPos_);
    cursorPos_ = QPointF(-1, -1);
    update(old);
}

}  // namespace pm::ui
