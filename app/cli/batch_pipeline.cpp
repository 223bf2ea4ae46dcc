#include "app/cli/batch_pipeline.h"

#include <QThread>
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "app/cli/cli_common.h"
#include "core/common/error.h"

namespace pm::cli {

photo_io::LoadWarning BatchPhoto::warner() {
    return [this](const QString& file, const QString& message) { warnings.emplace_back(file, message); };
}

BatchOptions defaultBatchOptions(int inFlight) {
    BatchOptions options;
    const int quarter = std::clamp(QThread::idealThreadCount() / 4, 1, 4);
    options.decodeThreads = quarter;
    options.encodeThreads = quarter;
    options.inFlight = inFlight > 0 ? inFlight : std::max(3, 2 * quarter + 1);
    return options;
}

void addBatchOptions(QCommandLineParser& parser) {
    parser.addOption({"in-flight",
                      "Photos of a folder held in memory at once: decoding, in the model or being "
                      "saved (default: 3 or more on a machine with many cores).",
                      "N"});
}

BatchOptions batchOptions(const QCommandLineParser& parser) {
    if (!parser.isSet("in-flight")) return defaultBatchOptions();
    bool ok = false;
    const int inFlight = parser.value("in-flight").toInt(&ok);
    if (!ok || inFlight < 1)
        throw Error("--in-flight '" + parser.value("in-flight").toStdString() +
                    "' must be a whole number of photos, at least 1");
    return defaultBatchOptions(inFlight);
}

void loadPhotoOf(BatchPhoto& photo) {
    photo.photo = photo_io::loadPhoto(photo.task.input, photo.warner());
}

void saveResultOf(BatchPhoto& photo, const std::string& action) {
    const photo_io::WriteResult written = photo_io::savePhoto(
        photo.task.output, photo.result,
        photo_io::saveOptionsFor(photo.task.output, photo.photo.format, photo.photo.jpegQuality),
        photo.photo.metadata, action);
    if (!written.ok) throw Error(written.error.toStdString());
}

namespace {

enum class Stage { Decoding, Decoded, Processed, Done };

struct Item {
    BatchPhoto photo;
    Stage stage = Stage::Decoding;
    std::string error;  // "" = fine so far
};

// The three stages share one lock: they take it only to hand a photo on, never while working.
class Pipeline {
public:
    Pipeline(const std::vector<FileTask>& tasks, const BatchSteps& steps, const BatchOptions& options,
             SyncEngine& engine)
        : tasks_(tasks), steps_(steps), options_(options), engine_(engine), items_(tasks.size()) {}

    BatchStats run() {
        const auto start = std::chrono::steady_clock::now();
        std::vector<std::thread> threads;
        for (int i = 0; i < std::max(1, options_.decodeThreads); ++i) threads.emplace_back([this] { decode(); });
        threads.emplace_back([this] { model(); });
        for (int i = 0; i < std::max(1, options_.encodeThreads); ++i) threads.emplace_back([this] { encode(); });
        print();
        for (std::thread& t : threads) t.join();
        stats_.photos = static_cast<int>(tasks_.size());
        stats_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return stats_;
    }

private:
    template <typename Work>
    static void attempt(Item& item, Work&& work) {
        if (!item.error.empty()) return;
        try {
            work();
        } catch (const std::exception& e) {
            item.error = e.what();
        }
    }

    void decode() {
        for (;;) {
            Item* item = nullptr;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                // Slots are taken in the photos' order, and the model takes them in the same order,
                // so the oldest photo held can always move on: the bound cannot deadlock.
                changed_.wait(lock, [&] { return next_ >= tasks_.size() || inFlight_ < limit(); });
                if (next_ >= tasks_.size()) return;
                const size_t index = next_++;
                stats_.maxInFlight = std::max(stats_.maxInFlight, ++inFlight_);
                items_[index] = std::make_unique<Item>();
                item = items_[index].get();
                item->photo.task = tasks_[index];
            }
            if (steps_.load) attempt(*item, [&] { steps_.load(item->photo); });
            advance(*item, Stage::Decoded);
        }
    }

    void model() {
        for (size_t index = 0; index < tasks_.size(); ++index) {
            Item* item = waitFor(index, Stage::Decoded);
            if (steps_.process && item->error.empty()) {
                const std::string error = engine_.run(steps_.label, [&](engine::JobContext& context) {
                    steps_.process(item->photo, context);
                });
                if (!error.empty()) item->error = error;
            }
            std::lock_guard<std::mutex> lock(mutex_);
            item->stage = Stage::Processed;
            toEncode_.push_back(item);
            changed_.notify_all();
        }
        std::lock_guard<std::mutex> lock(mutex_);
        modelDone_ = true;
        changed_.notify_all();
    }

    void encode() {
        for (;;) {
            Item* item = nullptr;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                changed_.wait(lock, [&] { return !toEncode_.empty() || modelDone_; });
                if (toEncode_.empty()) return;
                item = toEncode_.front();
                toEncode_.pop_front();
            }
            if (steps_.save) attempt(*item, [&] { steps_.save(item->photo); });
            // The pixels go now; only the line to print stays until the photos before it are printed.
            item->photo.photo.pixels.release();
            item->photo.mask.release();
            item->photo.result.release();
            std::lock_guard<std::mutex> lock(mutex_);
            item->stage = Stage::Done;
            --inFlight_;
            changed_.notify_all();
        }
    }

    void print() {
        for (size_t index = 0; index < tasks_.size(); ++index) {
            Item* item = waitFor(index, Stage::Done);
            for (const auto& [file, message] : item->photo.warnings) warn(file, message);
            const FileTask& task = item->photo.task;
            if (item->error.empty()) {
                std::printf("%s -> %s (%s)\n", qPrintable(task.input), qPrintable(task.output),
                            item->photo.summary.c_str());
                std::fflush(stdout);
            } else {
                ++stats_.failed;
                lastError_ = QString::fromStdString(item->error);
                if (tasks_.size() > 1)
                    std::fprintf(stderr, "%s: %s\n", qPrintable(task.input), qPrintable(lastError_));
                std::fflush(stderr);
            }
            std::lock_guard<std::mutex> lock(mutex_);
            items_[index].reset();
        }
    }

public:
    const QString& lastError() const { return lastError_; }

private:
    int limit() const { return std::max(1, options_.inFlight); }

    Item* waitFor(size_t index, Stage stage) {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [&] { return items_[index] && items_[index]->stage >= stage; });
        return items_[index].get();
    }

    void advance(Item& item, Stage stage) {
        std::lock_guard<std::mutex> lock(mutex_);
        item.stage = stage;
        changed_.notify_all();
    }

    const std::vector<FileTask>& tasks_;
    const BatchSteps& steps_;
    const BatchOptions& options_;
    SyncEngine& engine_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::unique_ptr<Item>> items_;
    size_t next_ = 0;
    int inFlight_ = 0;
    std::deque<Item*> toEncode_;
    bool modelDone_ = false;
    BatchStats stats_;
    QString lastError_;
};

}  // namespace

int runBatch(const engine::EngineOptions& engineOptions, const std::vector<FileTask>& tasks,
             const BatchSteps& steps, const BatchOptions& options, BatchStats* stats) {
    SyncEngine engine(engineOptions);
    Pipeline pipeline(tasks, steps, options, engine);
    const BatchStats done = pipeline.run();
    if (stats) *stats = done;
    if (tasks.size() > 1 && options.closingLine) {
        std::printf("%d photos in %.2f s: %.2f photos/s (at most %d in memory at once)\n", done.photos,
                    done.seconds, done.seconds > 0 ? done.photos / done.seconds : 0.0, done.maxInFlight);
        std::fflush(stdout);
    }
    if (done.failed == 0) return 0;
    return fail(tasks.size() == 1 ? pipeline.lastError()
                                  : QStringLiteral("%1 of %2 photos failed").arg(done.failed).arg(tasks.size()));
}

}  // namespace pm::cli
