#pragma once
// Intelligent Scissors on one document: each click adds a point of an outline and the part from
// the previous point snaps to the photo's edges (core/ops/selection/outline_trace.h); clicking near
// the first point or a double-click closes the outline and adds its inside to the mask as one undo
// step; cancel() (Esc) drops the outline and leaves the mask alone. Lives on the GUI thread: the
// edge map is built on the first click (a copy of at most 1024 px, a fraction of a second) and the
// shortest-path map at each point, so no worker is needed.
#include <QObject>
#include <QPoint>
#include <memory>
#include <vector>

#include <opencv2/core.hpp>

namespace pm::ops::selection { class OutlineTracer; }

namespace pm::ui {

class Document;

class ScissorsOutline : public QObject {
    Q_OBJECT
public:
    explicit ScissorsOutline(Document* document, QObject* parent = nullptr);
    ~ScissorsOutline() override;

    /// Adds a point (image coordinates). A point within `closeDistance` image pixels of the first
    /// point, once the outline has three points, closes it instead. Returns true when it closed.
    bool addPoint(QPoint point, double closeDistance);
    /// Closes the outline back to its first point and adds its inside to the mask (one undo step).
    /// Does nothing with fewer than three points.
    void close();
    /// Drops the outline; the mask is untouched.
    void cancel();

    bool active() const { return !points_.empty(); }
    int pointCount() const { return int(points_.size()); }
    /// The traced outline so far, first point first (image coordinates).
    const std::vector<cv::Point>& outline() const { return outline_; }
    /// The path the next click at `point` would add (for the live preview); empty when inactive.
    std::vector<cv::Point> previewTo(QPoint point) const;

signals:
    /// The outline changed (a point, a close or a cancel): the canvas repaints it.
    void outlineChanged();
    /// A closed outline went into the mask.
    void selectionApplied();

private:
    void appendPathTo(cv::Point point);

    Document* document_;
    std::unique_ptr<ops::selection::OutlineTracer> tracer_;
    quint64 tracerState_ = 0;  // the pixels the tracer's edge map was built from
    std::vector<cv::Point> points_;   // the clicked points
    std::vector<cv::Point> outline_;  // the snapped path through them
};

}  // namespace pm::ui
