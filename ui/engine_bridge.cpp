#include "ui/engine_bridge.h"

#include <QMetaObject>

#include "ui/user_messages.h"

namespace pm::ui {

EngineBridge::EngineBridge(const engine::EngineOptions& options, QObject* parent) : QObject(parent) {
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
        QMetaObject::invokeMethod(this, [this, id, fraction, text] {
            emit progress(id, fraction, text);
        }, Qt::QueuedConnection);
    };
    callbacks.onFinished = [this](uint64_t id, engine::JobOutcome outcome, const std::string& message) {
        const QString text = QString::fromStdString(message);
        QMetaObject::invokeMethod(this, [this, id, outcome, text] {
            emit finished(id, int(outcome), text);
        }, Qt::QueuedConnection);
    };
    engine_ = std::make_unique<engine::Engine>(options, std::move(callbacks));
}

EngineBridge::~EngineBridge() { engine_.reset(); }

quint64 EngineBridge::submit(const QString& label, engine::Engine::Job job) {
    return engine_->submit(label.toStdString(), std::move(job));
}

void EngineBridge::cancel(quint64 id) { engine_->cancel(id); }

QString EngineBridge::deviceDescription() const {
    return UserMessages::device(engine_->device());
}

}  // namespace pm::ui
