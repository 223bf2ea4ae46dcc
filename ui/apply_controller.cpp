#include "ui/apply_controller.h"

#include "core/common/error.h"
#include "ui/document.h"
#include "ui/engine_bridge.h"

namespace pm::ui {

struct ApplyController::Pending {
    QPointer<Document> document;
    quint64 stateAtStart = 0;
    QString undoText;
    ops::RemoveResult result;  // written by the worker, read after `finished`
};

ApplyController::ApplyController(EngineBridge* bridge, QObject* parent)
    : QObject(parent), bridge_(bridge) {
    connect(bridge_, &EngineBridge::finished, this, &ApplyController::onFinished);
    connect(bridge_, &EngineBridge::progress, this, [this](quint64 id, double fraction, const QString& stage) {
        if (id == jobId_) emit progress(int(fraction * 100), stage);
    });
}

bool ApplyController::applyRemove(Document* document, const ops::RemoveParams& params) {
    if (isBusy()) return false;
    if (!document || !document->hasMask()) {
        emit failed(tr("Paint over what should be removed first."));
        return false;
    }
    auto pending = std::make_shared<Pending>();
    pending->document = document;
    pending->stateAtStart = document->pixelStateId();
    pending->undoText = tr("Remove object");
    // Immutable snapshots: the worker never sees the document.
    const cv::Mat image = document->image().clone();
    const cv::Mat mask = document->mask().clone();
    jobId_ = bridge_->submit(pending->undoText, [pending, image, mask, params](engine::JobContext& context) {
        pending->result = ops::removeObject(image, mask, params, context);
    });
    pending_ = pending;
    emit busyChanged(true);
    emit progress(0, tr("Queued"));
    return true;
}

void ApplyController::cancel() {
    if (jobId_) bridge_->cancel(jobId_);
}

void ApplyController::onFinished(quint64 id, int outcome, const QString& message) {
    if (id != jobId_) return;  // stale or someone else's
    const std::shared_ptr<Pending> pending = std::move(pending_);
    jobId_ = 0;
    emit busyChanged(false);
    switch (engine::JobOutcome(outcome)) {
    case engine::JobOutcome::Cancelled:
        emit cancelled();
        return;
    case engine::JobOutcome::Failed:
        emit failed(message);
        return;
    case engine::JobOutcome::Done:
        break;
    }
    Document* document = pending->document;
    if (!document) return;  // closed meanwhile
    if (document->pixelStateId() != pending->stateAtStart) {
        emit failed(tr("The photo changed while the operation ran; its result was not applied."));
        return;
    }
    document->applyResult(pending->result.image, pending->result.changed, pending->undoText);
    emit applied(tr("Removed with %1").arg(QString::fromStdString(pending->result.engineUsed)));
}

}  // namespace pm::ui
