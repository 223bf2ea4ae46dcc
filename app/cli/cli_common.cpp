#include "app/cli/cli_common.h"

#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>

#include "app/cli/batch_pipeline.h"
#include "app/engine_environment.h"
#include "core/common/error.h"

namespace pm::cli {

void addEngineOptions(QCommandLineParser& parser) {
    parser.addOption({"device", "Where models run: auto, cpu or cuda (default auto).", "DEVICE", "auto"});
    parser.addOption({"models-dir", "Folder holding installed models (default: the user's data folder).", "DIR"});
}

engine::EngineOptions engineOptions(const QCommandLineParser& parser) {
    engine::EngineOptions options;
    options.device = engine::parseDevicePreference(parser.value("device").toStdString());
    if (parser.isSet("models-dir")) options.modelsDir = parser.value("models-dir").toStdString();
    app::applyEngineEnvironment(options);
    return options;
}

int fail(const QString& message) {
    QString line = message;
    line.replace('\n', ' ');
    std::fprintf(stderr, "photomend-cli: %s\n", line.toUtf8().constData());
    return 1;
}

void warn(const QString& file, const QString& message) {
    QString line = message;
    line.replace('\n', ' ');
    std::fprintf(stderr, "photomend-cli: warning: %s: %s\n", file.toUtf8().constData(),
                 line.toUtf8().constData());
    std::fflush(stderr);
}

bool parseOrExit(QCommandLineParser& parser, const QStringList& arguments, int* exitCode) {
    parser.addHelpOption();
    if (!parser.parse(arguments)) {
        *exitCode = fail(parser.errorText()) + 1;  // 2: usage error
        return false;
    }
    if (parser.isSet("help")) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        *exitCode = 0;
        return false;
    }
    return true;
}

struct SyncEngine::Shared {
    std::mutex mutex;
    std::condition_variable done;
    std::map<uint64_t, std::string> finished;  // job id -> error ("" = ok)
};

SyncEngine::SyncEngine(const engine::EngineOptions& options) : shared_(std::make_shared<Shared>()) {
    engine::EngineCallbacks callbacks;
    std::shared_ptr<Shared> shared = shared_;
    callbacks.onFinished = [shared](uint64_t id, engine::JobOutcome outcome, const std::string& message) {
        std::lock_guard<std::mutex> lock(shared->mutex);
        shared->finished[id] = outcome == engine::JobOutcome::Done
                                   ? std::string()
                                   : (message.empty() ? std::string("cancelled") : message);
        shared->done.notify_all();
    };
    engine_ = std::make_unique<engine::Engine>(options, std::move(callbacks));
}

SyncEngine::~SyncEngine() = default;

std::string SyncEngine::run(const std::string& label, engine::Engine::Job job) {
    const uint64_t id = engine_->submit(label, std::move(job));
    std::unique_lock<std::mutex> lock(shared_->mutex);
    shared_->done.wait(lock, [&] { return shared_->finished.count(id) > 0; });
    std::string error = shared_->finished[id];
    shared_->finished.erase(id);
    return error;
}

}  // namespace pm::cli

namespace pm::cli {

int runTasks(const engine::EngineOptions& options, const std::vector<FileTask>& tasks,
             const std::string& label, const TaskWork& work) {
    BatchSteps steps;
    steps.label = label;
    steps.process = [&](BatchPhoto& photo, engine::JobContext& context) {
        photo.summary = work(photo.task, context);
    };
    return runBatch(options, tasks, steps, defaultBatchOptions());
}

}  // namespace pm::cli
