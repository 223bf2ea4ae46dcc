#pragma once
// Owns the core engine for the app and turns its worker-thread callbacks into queued signals on the
// GUI thread. Destroying the bridge cancels queued work and waits for the worker.
#include <QObject>
#include <QString>
#include <memory>

#include "core/engine/engine.h"

namespace pm::ui {

class EngineBridge : public QObject {
    Q_OBJECT
public:
    explicit EngineBridge(const engine::EngineOptions& options, QObject* parent = nullptr);
    ~EngineBridge() override;

    /// Queues a job on the worker; returns its request id.
    quint64 submit(const QString& label, engine::Engine::Job job);
    void cancel(quint64 id);
    bool isReady() const { return ready_; }
    /// The engine's state in the window's language ("Ready").
    QString stateMessage() const { return stateMessage_; }
    /// Core's own (English) words for the last state change, e.g. a broken model's problem.
    QString stateDetail() const { return stateDetail_; }
    /// "NVIDIA H100 80GB HBM3, 80 GB" or "CPU, 8 threads", in the window's language.
    QString deviceDescription() const;
    engine::Engine& engine() { return *engine_; }

signals:
    void stateChanged(const QString& message, bool ready);
    void progress(quint64 id, double fraction, const QString& stage);
    /// outcome: engine::JobOutcome as int; message: the error for Failed.
    void finished(quint64 id, int outcome, const QString& message);

private:
    std::unique_ptr<engine::Engine> engine_;
    bool ready_ = false;
    QString stateMessage_;
    QString stateDetail_;
};

}  // namespace pm::ui
