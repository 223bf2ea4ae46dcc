#pragma once
// Owns the core engine for the app and turns its worker-thread callbacks into signals on the GUI
// thread: the engine's state on the bridge, each request's progress and end on its own EngineJob.
// Destroying the bridge cancels queued work and waits for the worker; jobs still pending then are
// deleted without a `finished`.
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>
#include <memory>

#include "core/engine/engine.h"
#include "ui/engine_job.h"

namespace pm::ui {

class EngineBridge : public QObject {
    Q_OBJECT
public:
    explicit EngineBridge(const engine::EngineOptions& options, QObject* parent = nullptr);
    ~EngineBridge() override;

    /// Queues `job` on the worker and returns its handle (owned by the bridge, deleted after its
    /// `finished`). Connect to it right away: its signals come from the event loop, never before
    /// submit returns.
    EngineJob* submit(const QString& label, engine::Engine::Job job);
    /// Reloads the models on the worker (after one was installed or removed), between jobs; the
    /// state goes to warming up and back to ready. The job's `finished` says when it is done.
    EngineJob* reloadModels();
    /// The options the engine was started with: its models folder and manifest.
    const engine::EngineOptions& options() const { return options_; }
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

private:
    void onProgress(quint64 id, double fraction, const QString& stage);
    void onFinished(quint64 id, engine::JobOutcome outcome, const QString& message);

    engine::EngineOptions options_;
    std::unique_ptr<engine::Engine> engine_;
    QHash<quint64, QPointer<EngineJob>> jobs_;  ///< submitted and not finished yet
    bool ready_ = false;
    QString stateMessage_;
    QString stateDetail_;
};

}  // namespace pm::ui
