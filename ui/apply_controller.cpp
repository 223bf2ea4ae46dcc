#include "ui/apply_controller.h"

#include "ui/document.h"
#include "ui/engine_bridge.h"

namespace pm::ui {

struct ApplyController::Pending {
    QPointer<Document> document;
    quint64 stateAtStart = 0;
    OpOutput output;  // written by the worker, read after `finished`
};

ApplyController::ApplyController(EngineBridge* bridge, QObject* parent)
    : QObject(parent), bridge_(bridge) {
    qRegisterMetaType<Document*>();  // `applied` carries one; the header only declares the class
}

bool ApplyController::run(Document* document, const QString& label, OpJob job, bool needsMask) {
    if (isBusy() || !document) return false;
    if (needsMask && !document->hasMask()) {
        emit failed(tr("Paint over what should be removed first."));
        return false;
    }
    auto pending = std::make_shared<Pending>();
    pending->document = document;
    pending->stateAtStart = document->pixelStateId();
    // Immutable snapshots: the worker never sees the document.
    const cv::Mat image = document->image().clone();
    const cv::Mat mask = document->mask().clone();
    job_ = bridge_->submit(label, [pending, image, mask, job](engine::JobContext& context) {
        pending->output = job(image, mask, context);
    });
    connect(job_, &EngineJob::progress, this, [this](double fraction, const QString& stage) {
        emit progress(int(fraction * 100), stage);
    });
    connect(job_, &EngineJob::finished, this,
            [this, pending](engine::JobOutcome outcome, const QString& message) {
                onFinished(*pending, outcome, message);
            });
    emit busyChanged(true);
    emit progress(0, tr("Queued"));
    return true;
}

bool ApplyController::applyStep(Document* document, const OpOutput::Step& step) {
    const QString text = QString::fromStdString(step.undoText);
    if (step.image.size() != document->image().size()) {
        document->replaceImage(step.image, text);
        return true;
    }
    return document->applyResult(step.image, step.changed, text);
}

void ApplyController::cancel() {
    if (job_) job_->cancel();
}

void ApplyController::onFinished(const Pending& pending, engine::JobOutcome outcome,
                                 const QString& message) {
    job_ = nullptr;
    emit busyChanged(false);
    switch (outcome) {
    case engine::JobOutcome::Cancelled:
        emit cancelled();
        return;
    case engine::JobOutcome::Failed:
        emit failed(message);
        return;
    case engine::JobOutcome::Done:
        break;
    }
    Document* document = pending.document;
    if (!document) return;  // closed meanwhile
    if (document->pixelStateId() != pending.stateAtStart) {
        emit failed(tr("The photo changed while the operation ran; its result was not applied."));
        return;
    }
    const OpOutput& output = pending.output;
    if (!output.choices.empty()) {
        emit choicesReady(document, pending.stateAtStart, output.choices);
        return;
    }
    QStringList engines;
    for (const OpOutput::Step& step : output.steps) {
        applyStep(document, step);
        engines << QStringLiteral("%1 (%2)").arg(QString::fromStdString(step.undoText),
                                                 QString::fromStdString(step.engineUsed));
    }
    if (!output.mask.empty()) document->setMask(output.mask, QString::fromStdString(output.maskText));
    QString summary = QString::fromStdString(output.summary);
    if (summary.isEmpty())
        summary = engines.isEmpty() ? tr("Nothing needed changing.") : engines.join(QStringLiteral(", "));
    emit applied(summary, document);
}

}  // namespace pm::ui
