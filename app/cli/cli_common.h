#pragma once
// Pieces every photomend-cli subcommand shares: engine options from the command line, one-line
// errors and warnings, and running the planned tasks (task_plan.h) on one engine.
#include <QCommandLineParser>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/task_plan.h"
#include "core/engine/engine.h"

namespace pm::cli {

/// Adds --device and --models-dir.
void addEngineOptions(QCommandLineParser& parser);
/// Reads them back. Throws pm::Error for a bad --device value.
engine::EngineOptions engineOptions(const QCommandLineParser& parser);

/// Prints "photomend-cli: <message>" (one line) to stderr and returns the exit code 1.
int fail(const QString& message);
/// Prints "photomend-cli: warning: <file>: <message>" (one line) to stderr; the work goes on.
void warn(const QString& file, const QString& message);
/// Parses `arguments` (argv without the subcommand) or prints the error/help and returns false
/// with `exitCode` set.
bool parseOrExit(QCommandLineParser& parser, const QStringList& arguments, int* exitCode);

/// One task's work on the worker; returns a short summary for the "INPUT -> OUTPUT (summary)" line.
using TaskWork = std::function<std::string(const FileTask&, engine::JobContext&)>;

/// Runs `work` for every task on one engine (runBatch without decoding or saving stages): a bad
/// file is reported on stderr and skipped, the others still run. Returns 0 when all succeeded, else 1 (with a one-line reason last).
int runTasks(const engine::EngineOptions& options, const std::vector<FileTask>& tasks,
             const std::string& label, const TaskWork& work);

/// Runs jobs on an engine synchronously, collecting each job's error message.
class SyncEngine {
public:
    explicit SyncEngine(const engine::EngineOptions& options);
    ~SyncEngine();
    /// Runs `job` to the end; returns "" on success, else the error message.
    std::string run(const std::string& label, engine::Engine::Job job);
    engine::Engine& engine() { return *engine_; }

private:
    struct Shared;
    std::shared_ptr<Shared> shared_;
    std::unique_ptr<engine::Engine> engine_;
};

}  // namespace pm::cli
