#pragma once
// Runs the current mode on the engine's worker for one document and applies the result as one undo
// step when it comes back. Requests are immutable snapshots; a result whose document was closed or
// whose pixels changed meanwhile is dropped, never applied to the wrong state.
#include <QObject>
#include <QPointer>
#include <memory>

#include "core/ops/remove/remove_object.h"

namespace pm::ui {

class Document;
class EngineBridge;

class ApplyController : public QObject {
    Q_OBJECT
public:
    explicit ApplyController(EngineBridge* bridge, QObject* parent = nullptr);

    /// Starts Remove object on the document's current mask. Returns false (and emits failed) when
    /// there is nothing to do or a job is already running.
    bool applyRemove(Document* document, const ops::RemoveParams& params);
    void cancel();
    bool isBusy() const { return jobId_ != 0; }

signals:
    void busyChanged(bool busy);
    void progress(int percent, const QString& stage);
    /// The result was applied; `summary` is for the status bar (e.g. which engine filled).
    void applied(const QString& summary);
    void cancelled();
    void failed(const QString& message);

private:
    struct Pending;
    void onFinished(quint64 id, int outcome, const QString& message);

    EngineBridge* bridge_;
    quint64 jobId_ = 0;
    std::shared_ptr<Pending> pending_;
};

}  // namespace pm::ui
