#include "core/engine/engine.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "core/common/error.h"
#include "core/engine/inference_session.h"
#include "core/engine/prompt_fill_request.h"
#include "core/engine/torch_backend.h"

namespace pm::engine {
namespace {

struct QueuedJob {
    uint64_t id = 0;
    std::string label;
    Engine::Job body;
    std::shared_ptr<std::atomic<bool>> cancel;
};

}  // namespace

class Engine::Impl {
public:
    Impl(EngineOptions options, EngineCallbacks callbacks)
        : options_(std::move(options)), callbacks_(std::move(callbacks)) {}

    void start() {
        worker_ = std::thread([this] { workerMain(); });
    }

    void stop() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
            for (auto& job : queue_) job.cancel->store(true);
            if (running_) running_->store(true);
        }
        wake_.notify_all();
        if (worker_.joinable()) worker_.join();
    }

    uint64_t submit(const std::string& label, Job job) {
        QueuedJob queued;
        queued.id = nextId_.fetch_add(1);
        queued.label = label;
        queued.body = std::move(job);
        queued.cancel = std::make_shared<std::atomic<bool>>(false);
        const uint64_t id = queued.id;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (stopping_) queued.cancel->store(true);
            queue_.push_back(std::move(queued));
        }
        wake_.notify_all();
        return id;
    }

    void cancel(uint64_t id) {
        std::lock_guard<std::mutex> lock(mutex_);
        for (auto& job : queue_)
            if (job.id == id) job.cancel->store(true);
        if (running_ && runningId_ == id) running_->store(true);
    }

    void waitIdle() {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [this] {
            return state_ == EngineState::Stopped ||
                   (state_ == EngineState::Ready && queue_.empty() && !running_);
        });
    }

    void waitReady() {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [this] {
            return state_ == EngineState::Ready || state_ == EngineState::Stopped;
        });
    }

    EngineState state() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return state_;
    }
    DeviceInfo device() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return device_;
    }
    std::vector<ModelStatus> models() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return models_;
    }
    bool sessionStats(const std::string& task, SessionStats* out) const {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = sessions_.find(task);
        if (it == sessions_.end()) return false;
        if (out) *out = it->second->stats();
        return true;
    }

    InferenceSession* session(const std::string& task) {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = sessions_.find(task);
        return it == sessions_.end() ? nullptr : it->second.get();
    }
    /// The first broken model's problem for a task, "" when none is broken.
    std::string problem(const std::string& task) const {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const ModelStatus& status : models_)
            if (status.entry.task == task && status.state == ModelState::Broken) return status.problem;
        return {};
    }
    const EngineCallbacks& callbacks() const { return callbacks_; }

private:
    class Context;

    // The callback runs first so that whoever waitReady()s has already been told.
    void setState(EngineState state, const std::string& message) {
        if (callbacks_.onState) callbacks_.onState(state, message);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            state_ = state;
        }
        changed_.notify_all();
    }

    bool stopping() {
        std::lock_guard<std::mutex> lock(mutex_);
        return stopping_;
    }

    void startUp();
    void loadModels(const DeviceInfo& device);
    /// Loads (and on a GPU warms) the installed prompt-fill model; a problem is reported, not thrown.
    void preparePromptFill(const DeviceInfo& device);
    void reloadOnWorker();

public:
    // A job like any other, so it waits for the running one: no job can hold a session it drops.
    uint64_t reload() {
        return submit("reload models", [this](JobContext&) { reloadOnWorker(); });
    }

private:
    void runJob(QueuedJob& job);

    void workerMain() {
        try {
            startUp();
        } catch (const std::exception& e) {
            // The built-in algorithms still work without any model: report and carry on.
            if (callbacks_.onState) callbacks_.onState(EngineState::WarmingUp, e.what());
        }
        setState(EngineState::Ready, "ready");
        for (auto& [task, session] : sessions_) {
            std::unique_lock<std::mutex> lock(mutex_);
            if (stopping_ || !queue_.empty()) break;  // a request comes first; next start again
            lock.unlock();
            session->afterReady();
        }
        for (;;) {
            QueuedJob job;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
                if (queue_.empty()) break;  // stopping with nothing left
                job = std::move(queue_.front());
                queue_.pop_front();
                if (!job.cancel->load()) {
                    running_ = job.cancel;
                    runningId_ = job.id;
                }
            }
            if (job.cancel->load()) {
                if (callbacks_.onFinished) callbacks_.onFinished(job.id, JobOutcome::Cancelled, "");
            } else {
                runJob(job);
            }
            {
                std::lock_guard<std::mutex> lock(mutex_);
                running_.reset();
                runningId_ = 0;
            }
            changed_.notify_all();
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            sessions_.clear();
        }
        setState(EngineState::Stopped, "stopped");
    }

    EngineOptions options_;
    EngineCallbacks callbacks_;
    std::thread worker_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;     // the worker waits for jobs or stop
    std::condition_variable changed_;  // owners wait for state and idleness
    std::deque<QueuedJob> queue_;
    std::shared_ptr<std::atomic<bool>> running_;
    uint64_t runningId_ = 0;
    std::atomic<uint64_t> nextId_{1};
    bool stopping_ = false;
    EngineState state_ = EngineState::Starting;
    DeviceInfo device_;
    std::vector<ModelStatus> models_;
    std::map<std::string, std::unique_ptr<InferenceSession>> sessions_;
};

class Engine::Impl::Context : public JobContext {
public:
    Context(Impl& engine, const QueuedJob& job, const DeviceInfo& device)
        : engine_(engine), job_(job), device_(device) {}
    bool cancelled() const override { return job_.cancel->load(); }
    void progress(double fraction, const std::string& stage) override {
        if (engine_.callbacks().onProgress)
            engine_.callbacks().onProgress(job_.id, std::clamp(fraction, 0.0, 1.0), stage);
    }
    InferenceSession* model(const std::string& task) override { return engine_.session(task); }
    std::string modelProblem(const std::string& task) const override { return engine_.problem(task); }
    const DeviceInfo& device() const override { return device_; }

private:
    Impl& engine_;
    const QueuedJob& job_;
    DeviceInfo device_;
};

void Engine::Impl::startUp() {
    const DeviceInfo device = selectDevice(options_.device);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        device_ = device;
    }
    std::string message = "warming up on " + device.describe();
    if (!device.reason.empty() && !device.cuda && options_.device == DevicePreference::Cuda)
        message += " (" + device.reason + ")";
    setState(EngineState::WarmingUp, message);
    loadModels(device);
}

void Engine::Impl::loadModels(const DeviceInfo& device) {
    const std::string& modelsDir = options_.modelsDir;
    std::vector<ModelStatus> statuses = ModelRegistry::load(options_.manifest(), modelsDir).scan();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        models_ = statuses;
    }
    for (auto& status : statuses) {
        if (stopping()) break;
        const auto& disabled = options_.disabledModels;
        const bool enabled =
            std::find(disabled.begin(), disabled.end(), status.entry.id) == disabled.end();
        if (!options_.preload || !enabled || status.state != ModelState::Installed) continue;
        if (status.entry.isFolder()) continue;  // a prompt-fill folder: the fill loads it itself
        try {
            SessionOptions sessionOptions;
            sessionOptions.allowHalf = options_.allowHalf;
            sessionOptions.cudaGraphs = options_.cudaGraphs;
            sessionOptions.warmCacheDir = options_.warmCacheDir;
            sessionOptions.gpu = options_.gpu;
            sessionOptions.trace = options_.trace;
            auto session =
                InferenceSession::load(status.entry, status.path, device, sessionOptions);
            session->warmUp();
            status.state = ModelState::Verified;
            std::lock_guard<std::mutex> lock(mutex_);
            // One model per task: the first enabled one in manifest order wins.
            sessions_.emplace(status.entry.task, std::move(session));
        } catch (const std::exception& e) {
            status.state = ModelState::Broken;
            status.problem = e.what();
            if (callbacks_.onState) callbacks_.onState(EngineState::WarmingUp, status.problem);
        }
        std::lock_guard<std::mutex> lock(mutex_);
        models_ = statuses;
    }
    // Only a GPU gains from it: there the load and the warm-up are most of a first fill. On a CPU a
    // fill takes minutes anyway, and preloading would hold 4 GB of weights for users who never fill.
    if (options_.preload && device.cuda && !stopping()) preparePromptFill(device);
}

void Engine::Impl::preparePromptFill(const DeviceInfo& device) {
    // A model the user switched off is neither loaded nor given 2-4 GB of the GPU at start.
    const std::string folder = promptFillModelFolder(options_);
    if (folder.empty() || !promptFillModelInstalled(folder)) return;  // the module is not opened for nothing
    try {
        std::string problem;
        const TorchBackend* backend = torchBackend(&problem);
        if (!backend) throw Error(problem);
        backend->preparePromptFill(folder, device);
    } catch (const std::exception& e) {
        // The fill reports it again when asked for; the other tools are not held up.
        if (callbacks_.onState) callbacks_.onState(EngineState::WarmingUp, std::string("prompt fill: ") + e.what());
    }
}

void Engine::Impl::reloadOnWorker() {
    DeviceInfo device;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        device = device_;
        sessions_.clear();
    }
    setState(EngineState::WarmingUp, "reloading models on " + device.describe());
    try {
        loadModels(device);
    } catch (...) {
        // A manifest that cannot be read fails the reload; the built-in tools still work.
        setState(EngineState::Ready, "ready");
        throw;
    }
    setState(EngineState::Ready, "ready");
}

void Engine::Impl::runJob(QueuedJob& job) {
    DeviceInfo device;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        device = device_;
    }
    Context context(*this, job, device);
    JobOutcome outcome = JobOutcome::Done;
    std::string message;
    try {
        job.body(context);
    } catch (const Cancelled&) {
        outcome = JobOutcome::Cancelled;
    } catch (const std::exception& e) {
        outcome = JobOutcome::Failed;
        message = e.what();
    } catch (...) {
        outcome = JobOutcome::Failed;
        message = job.label + ": failed with an unknown error";
    }
    if (callbacks_.onFinished) callbacks_.onFinished(job.id, outcome, message);
}

Engine::Engine(EngineOptions options, EngineCallbacks callbacks)
    : d_(std::make_unique<Impl>(std::move(options), std::move(callbacks))) {
    d_->start();
}

Engine::~Engine() {
    d_->stop();
}

uint64_t Engine::submit(const std::string& label, Job job) {
    return d_->submit(label, std::move(job));
}
void Engine::cancel(uint64_t jobId) {
    d_->cancel(jobId);
}
std::string EngineOptions::manifest() const {
    return manifestPath.empty() ? defaultManifestPath() : manifestPath;
}

std::string promptFillModelFolder(const EngineOptions& options) {
    if (!options.promptFillModelFolder.empty()) return options.promptFillModelFolder;
    if (options.modelsDir.empty()) return {};
    const auto& disabled = options.disabledModels;
    auto switchedOff = [&](const std::string& id) {
        return std::find(disabled.begin(), disabled.end(), id) != disabled.end();
    };
    std::vector<ModelStatus> statuses;
    try {
        statuses = ModelRegistry::load(options.manifest(), options.modelsDir).scan();
    } catch (const std::exception&) {
        // No readable manifest: PowerPaint's folder, as before the manifest listed folder models.
        const std::string folder = defaultPromptFillModelFolder(options.modelsDir);
        return !switchedOff("powerpaint-v1") && promptFillModelInstalled(folder) ? folder : std::string();
    }
    for (const ModelStatus& status : statuses)
        if (status.entry.task == "prompt-fill" && status.entry.isFolder() && status.state != ModelState::NotInstalled &&
            !switchedOff(status.entry.id) && promptFillModelInstalled(status.path))
            return status.path;
    return {};
}

uint64_t Engine::reloadModels() {
    return d_->reload();
}
void Engine::waitIdle() {
    d_->waitIdle();
}
void Engine::waitReady() {
    d_->waitReady();
}
EngineState Engine::state() const {
    return d_->state();
}
DeviceInfo Engine::device() const {
    return d_->device();
}
std::vector<ModelStatus> Engine::models() const {
    return d_->models();
}
bool Engine::sessionStats(const std::string& task, SessionStats* out) const {
    return d_->sessionStats(task, out);
}

}  // namespace pm::engine
