#pragma once
// How photomend-cli works through its photos (remove, repair, cartoon, split): a pipeline in which
// CPU threads decode the next photos while the engine's worker runs the model on the current one
// and other CPU threads encode and save the finished ones. One engine serves the whole batch, so a
// model is loaded and warmed once; at most `inFlight` photos are held in memory at any time; the
// lines it prints come in the order of the photos whatever order they finish in.
#include <QCommandLineParser>
#include <QString>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>

#include "app/cli/task_plan.h"
#include "core/engine/engine.h"
#include "core/image/image_io.h"
#include "photo_io/photo_saver.h"

namespace pm::cli {

/// One photo on its way through the pipeline.
struct BatchPhoto {
    FileTask task;
    image::LoadedPhoto photo;  ///< decoded by `load`
    cv::Mat mask;              ///< for commands with masks
    cv::Mat result;            ///< what `save` writes
    std::string summary;       ///< for the "INPUT -> OUTPUT (summary)" line
    /// Warnings are printed with the photo's line, so that they stay next to it.
    std::vector<std::pair<QString, QString>> warnings;

    /// A photo_io::LoadWarning that keeps the warning for the photo's line.
    photo_io::LoadWarning warner();
};

struct BatchSteps {
    std::string label;  ///< the engine job's name
    /// On a CPU thread: decode the photo (and its mask). Throws for a photo that cannot be used.
    std::function<void(BatchPhoto&)> load;
    /// On the engine's worker: the model's part. Throws pm::Error for a photo that fails.
    std::function<void(BatchPhoto&, engine::JobContext&)> process;
    /// On a CPU thread: encode and write the result. Throws pm::Error when it cannot be written.
    std::function<void(BatchPhoto&)> save;
};

struct BatchOptions {
    /// Photos held at once, from the start of their decoding to the end of their saving.
    int inFlight = 3;
    int decodeThreads = 1;
    int encodeThreads = 1;
    /// Print "N photos in S s: R photos/s ..." after a batch of more than one photo.
    bool closingLine = true;
};

/// Adds --in-flight (photos held in memory at once).
void addBatchOptions(QCommandLineParser& parser);
/// defaultBatchOptions() with --in-flight applied. Throws pm::Error for a bad value.
BatchOptions batchOptions(const QCommandLineParser& parser);

/// Threads for this machine: a quarter of the cores each for decoding and encoding (1 to 4), and
/// `inFlight` photos (at least 3: one decoding, one in the model, one saving).
BatchOptions defaultBatchOptions(int inFlight = 0);

struct BatchStats {
    int photos = 0;
    int failed = 0;
    double seconds = 0;
    int maxInFlight = 0;  ///< the most photos that were held at once
};

/// Runs every task through `steps` on one engine. For each photo, in order: its warnings, then
/// "INPUT -> OUTPUT (summary)" on stdout, or "INPUT: reason" on stderr (a failed photo does not stop
/// the others). Returns 0 when all succeeded, else 1 (with a one-line reason last).
int runBatch(const engine::EngineOptions& engineOptions, const std::vector<FileTask>& tasks,
             const BatchSteps& steps, const BatchOptions& options, BatchStats* stats = nullptr);

/// `load` for commands that take the photo as it is: photo_io::loadPhoto.
void loadPhotoOf(BatchPhoto& photo);
/// Saves `result` to the task's output in the format its name asks for, with the photo's metadata
/// and `action` in its history. Throws pm::Error.
void saveResultOf(BatchPhoto& photo, const std::string& action);

}  // namespace pm::cli
