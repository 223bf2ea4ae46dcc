#include "ui/scissors_outline.h"

#include <cmath>

#include "core/ops/selection/outline_trace.h"
#include "ui/document.h"

namespace pm::ui {

namespace sel = ops::selection;

ScissorsOutline::ScissorsOutline(Document* document, QObject* parent)
    : QObject(parent), document_(document) {}

ScissorsOutline::~ScissorsOutline() = default;

bool ScissorsOutline::addPoint(QPoint point, double closeDistance) {
    const cv::Point p(point.x(), point.y());
    if (points_.size() >= 3 && std::hypot(p.x - points_.front().x, p.y - points_.front().y) <= closeDistance) {
        close();
        return true;
    }
    if (points_.empty()) {
        // The edge map belongs to the pixels: a fill or an undo since the last outline needs a new one.
        if (!tracer_ || tracerState_ != document_->pixelStateId()) {
            tracer_ = std::make_unique<sel::OutlineTracer>(document_->image());
            tracerState_ = document_->pixelStateId();
        }
        outline_ = {p};
    } else {
        appendPathTo(p);
    }
    points_.push_back(p);
    tracer_->setAnchor(p);
    emit outlineChanged();
    return false;
}

void ScissorsOutline::appendPathTo(cv::Point point) {
    const std::vector<cv::Point> path = tracer_->pathTo(point);
    // The path starts at the anchor, which the outline already ends with.
    outline_.insert(outline_.end(), path.begin() + (path.empty() ? 0 : 1), path.end());
    if (path.empty()) outline_.push_back(point);
}

std::vector<cv::Point> ScissorsOutline::previewTo(QPoint point) const {
    if (points_.empty() || !tracer_) return {};
    return tracer_->pathTo({point.x(), point.y()});
}

void ScissorsOutline::close() {
    if (points_.size() < 3) return;
    appendPathTo(points_.front());
    const cv::Mat inside = sel::OutlineTracer::fillOutline(outline_, document_->image().size());
    points_.clear();
    outline_.clear();
    document_->setMask(document_->mask() | inside, tr("Scissors selection"));
    emit outlineChanged();
    emit selectionApplied();
}

void ScissorsOutline::cancel() {
    if (points_.empty()) return;
    points_.clear();
    outline_.clear();
    emit outlineChanged();
}

}  // namespace pm::ui
