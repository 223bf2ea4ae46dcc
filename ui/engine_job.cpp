#include "ui/engine_job.h"

#include "ui/engine_bridge.h"

namespace pm::ui {

EngineJob::EngineJob(EngineBridge* bridge, quint64 id)
    : QObject(bridge), bridge_(bridge), id_(id) {}

void EngineJob::cancel() {
    if (bridge_) bridge_->engine().cancel(id_);
}

}  // namespace pm::ui
