#include "ui/engine_bridge.h"

#include <QMetaObject>

#include "ui/user_messages.h"

namespace pm::ui {

EngineBridge::EngineBridge(const engine::EngineOptions& options, QObject* parent)
    : QObject(parent), options_(options) {
    // Callbacks run on the engine's worker: hop to the GUI thread. Queued calls to `this` are
    // dropped by Qt if the bridge is gone, and the destructor joins the worker before that anyway.
    engine::EngineCallbacks callbacks;
    callbacks.onState = [this](engine::EngineState state, const std::string& message) {
        // The state line shows the state in the window's language; core's English sentence (which
        // may name a broken model) stays available as the detail.
        const QString detail = QString::fromStdString(message);
        const bool ready = state == engine::EngineState::Ready;
        QMetaObject::invokeMethod(this, [this, state, detail, ready] {
            ready_ = ready;
            stateMessage_ = UserMessages::engineState(state);
            stateDetail_ = detail;
            emit stateChanged(stateMessage_, ready);
        }, Qt::QueuedConnection);
    };
    callbacks.onProgress = [this](uint64_t id, double fraction, const std::string& stage) {
        const QString text = QString::fromStdString(stage);
        QMetaObject::invokeMethod(
            this, [this, id, fraction, text] { onProgress(id, fraction, text); },
            Qt::QueuedConnection);
    };
    callbacks.onFinished = [this](uint64_t id, engine::JobOutcome outcome, const std::string& message) {
        const QString text = QString::fromStdString(message);
        QMetaObject::invokeMethod(
            this, [this, id, outcome, text] { onFinished(id, outcome, text); },
            Qt::QueuedConnection);
    };
    engine_ = std::make_unique<engine::Engine>(options, std::move(callbacks));
}

EngineBridge::~EngineBridge() { engine_.reset(); }

EngineJob* EngineBridge::submit(const QString& label, engine::Engine::Job job) {
    // The worker may end the job before this returns, but its callbacks only reach onFinished
    // through this (GUI) thread's event loop, so the job is registered by then.
    auto* handle = new EngineJob(this, engine_->submit(label.toStdString(), std::move(job)));
    jobs_.insert(handle->id(), handle);
    return handle;
}

EngineJob* EngineBridge::reloadModels() {
    auto* handle = new EngineJob(this, engine_->reloadModels());
    jobs_.insert(handle->id(), handle);
    return handle;
}

void EngineBridge::onProgress(quint64 id, double fraction, const QString& stage) {
    if (EngineJob* job = jobs_.value(id)) emit job->progress(fraction, stage);
}

void EngineBridge::onFinished(quint64 id, engine::JobOutcome outcome, const QString& message) {
    EngineJob* job = jobs_.take(id);
    if (!job) return;
    emit job->finished(outcome, message);
    job->deleteLater();
}

QString EngineBridge::deviceDescription() const {
    return UserMessages::device(engine_->device());
}

}  // namespace pm::ui
