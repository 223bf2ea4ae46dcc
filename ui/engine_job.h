#pragma once
// One request to the engine, as seen from the GUI thread: whoever submitted it connects to its
// progress and finished signals and nobody else hears them (as Gwenview's DocumentJob). The bridge
// owns the job and deletes it (deleteLater) once `finished` has been emitted, so keep it in a
// QPointer when it must be reached later, e.g. to cancel it.
#include <QObject>
#include <QPointer>
#include <QString>

#include "core/engine/engine.h"

namespace pm::ui {

class EngineBridge;

class EngineJob : public QObject {
    Q_OBJECT
public:
    /// The engine's request id (> 0), for log lines and tests.
    quint64 id() const { return id_; }
    /// Asks the engine to stop: a queued job is dropped, a running one stops at its next check.
    /// `finished` still comes, with Cancelled (or Done, when the job was already past its checks).
    void cancel();

signals:
    /// fraction in 0..1 of the whole job; stage is a short label from the operation.
    void progress(double fraction, const QString& stage);
    /// Emitted once; message: the error for Failed, "" otherwise. The job is deleted afterwards.
    void finished(pm::engine::JobOutcome outcome, const QString& message);

private:
    friend class EngineBridge;
    EngineJob(EngineBridge* bridge, quint64 id);

    QPointer<EngineBridge> bridge_;
    quint64 id_;
};

}  // namespace pm::ui
