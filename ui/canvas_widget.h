#pragma once
// Shows one document and turns mouse input into mask strokes in image coordinates. Draws only the
// exposed region, from a downscaled copy when zoomed out. Never changes image pixels itself.
#include <QPointer>
#include <QVector>
#include <QWidget>

#include "core/ops/selection/mask_tools.h"
#include "ui/view_transform.h"

namespace pm::ui {

class ClickSelection;
class ScissorsOutline;
class Document;

/// Select: a click adds the object under it to the mask (Shift+click or a right click: not this),
/// a drag draws a box around the object. Wand: a click adds the similar colour (Shift: takes it out).
/// Scissors: clicks along an outline that snaps to edges; a double-click or a click on the first
/// point closes it into the mask, Esc drops it.
enum class BrushTool { Brush, Eraser, Select, Wand, Scissors };

class CanvasWidget : public QWidget {
    Q_OBJECT
public:
    explicit CanvasWidget(Document* document, QWidget* parent = nullptr);

    Document* document() const { return document_; }
    const ViewTransform& transform() const { return transform_; }

    void setTool(BrushTool tool);
    BrushTool tool() const { return tool_; }
    /// Brush diameter in image pixels.
    void setBrushSize(double diameter);
    double brushSize() const { return brushSize_; }

    /// Click-to-select on this canvas's document.
    ClickSelection* clickSelection() const { return clickSelection_; }
    /// Intelligent Scissors on this canvas's document.
    ScissorsOutline* scissors() const { return scissors_; }
    void setWandSettings(const ops::selection::WandSettings& settings) { wandSettings_ = settings; }

    void fitToWindow();
    void actualSize();
    void zoomBy(double factor);  ///< about the view's centre

    /// Hold-to-compare: show the original photo instead of the current pixels.
    void setShowOriginal(bool show);
    bool showsOriginal() const { return showOriginal_; }
    /// Split compare: original left of the divider, current right; the divider is draggable.
    void setSplitCompare(bool split);
    bool splitCompare() const { return split_; }
    /// Divider position as a fraction of the width (0..1).
    double splitPosition() const { return splitPosition_; }
    void setSplitPosition(double fraction);
    /// A live preview of a pending adjustment, shown instead of the photo (any size: it is scaled
    /// over the whole photo). A null image ends the preview.
    void setPreview(const QImage& preview);
    bool hasPreview() const { return !preview_.isNull(); }

    /// A caption over a compare view, in widget coordinates.
    struct CompareLabel {
        QString text;
        QRect rect;
    };
    /// What is drawn over the photo now: "Before" over the original and "After" over the edit in
    /// split compare, "Before" while the original is held; nothing otherwise.
    QVector<CompareLabel> compareLabels() const;

signals:
    void zoomChanged(double zoom);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    void drawPhoto(QPainter& painter, const QRect& exposed, bool original);
    void drawCompareLabels(QPainter& painter);
    void drawScissorsOutline(QPainter& painter);
    void updateImageRect(const QRect& imageRect);
    QRect outlineRect(QPointF centre) const;
    bool nearDivider(QPointF pos) const;
    void setTransform(const ViewTransform& t);

    QPointer<Document> document_;
    ViewTransform transform_;
    bool fitting_ = true;  // refit on resize until the user zooms or pans
    BrushTool tool_ = BrushTool::Brush;
    double brushSize_ = 40;
    bool showOriginal_ = false;
    bool split_ = false;
    double splitPosition_ = 0.5;
    QImage preview_;

    bool selecting() const { return tool_ == BrushTool::Select || tool_ == BrushTool::Wand; }
    bool boxDragged() const;
    QRect boxRect() const;  ///< the box being dragged, widget coordinates

    ClickSelection* clickSelection_;
    ScissorsOutline* scissors_;
    ops::selection::WandSettings wandSettings_;
    QPointF selectStart_;
    bool selectNegative_ = false;

    enum class Drag { None, Stroke, Pan, Divider, Select };
    Drag drag_ = Drag::None;
    bool spaceHeld_ = false;
    QPointF lastPos_;
    QPointF cursorPos_{-1, -1};
};

}  // namespace pm::ui
