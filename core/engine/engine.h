#pragma once
// The inference engine: one long-lived worker thread with a job queue, the chosen device and the
// loaded models. It preloads and warms the enabled installed models at start-up without blocking
// its owner; jobs queue behind the warm-up. Callbacks run on the worker thread: the UI's
// EngineBridge turns them into queued Qt signals. The worker never touches a document; jobs own
// immutable inputs.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/engine/device.h"
#include "core/engine/inference_session.h"
#include "core/engine/job_context.h"
#include "core/engine/model_registry.h"

namespace pm::engine {

enum class EngineState { Starting, WarmingUp, Ready, Stopped };
enum class JobOutcome { Done, Cancelled, Failed };

/// Everything the engine is told; core reads no environment variables. The programs fill the
/// per-user folders and the measurement switches (app/engine_environment.h), tests and benchmarks
/// set what they need.
struct EngineOptions {
    DevicePreference device = DevicePreference::Auto;
    /// The installed models (the programs: ~/.local/share/PhotoMend/models); "" = none installed.
    std::string modelsDir;
    std::string manifestPath;  ///< "" = defaultManifestPath()
    bool preload = true;       ///< load and warm the enabled installed models at start
    std::vector<std::string> disabledModels;  ///< ids the user switched off
    /// The prompt-fill model (a diffusers folder), loaded and warmed at its working sizes at start
    /// on a GPU when it is installed (on a CPU at the first fill); "" = the first installed one that
    /// is not switched off (promptFillModelFolder below).
    std::string promptFillModelFolder;
    bool allowHalf = true;                    ///< fp16 on the GPU where the manifest allows it
    bool cudaGraphs = true;                   ///< replay captured CUDA graphs at the warmed buckets
    /// The GPU warm-up cache's folder (the programs: ~/.cache/photomend/engine); "" = no cache.
    std::string warmCacheDir;
    GpuSwitches gpu;     ///< measurement switches of the GPU path
    bool trace = false;  ///< SessionOptions::trace

    /// The manifest to read: manifestPath, or defaultManifestPath() when it is "".
    std::string manifest() const;
};

/// The prompt-fill model the programs use when they are not given one: options.promptFillModelFolder
/// when set; else the folder of the first "prompt-fill" entry of the manifest, in its order (PowerPaint
/// v1, then SD-1.5 inpainting), that is installed in options.modelsDir (promptFillModelInstalled) and
/// not in options.disabledModels. "" when there is none (or no models folder).
std::string promptFillModelFolder(const EngineOptions& options);

struct EngineCallbacks {
    /// State changes and their message ("warming up on NVIDIA H100", "ready", a model problem...).
    std::function<void(EngineState, const std::string& message)> onState;
    std::function<void(uint64_t jobId, double fraction, const std::string& stage)> onProgress;
    /// message: the error for Failed, "" otherwise.
    std::function<void(uint64_t jobId, JobOutcome, const std::string& message)> onFinished;
};

class Engine {
public:
    /// A job's body; it reads its inputs from its captures and writes its outputs into memory it
    /// owns (e.g. a shared_ptr), which the owner reads after onFinished. Throws pm::Cancelled to
    /// stop early.
    using Job = std::function<void(JobContext&)>;

    Engine(EngineOptions options, EngineCallbacks callbacks);
    /// Cancels queued and running jobs and waits for the worker to finish.
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    /// Queues a job; returns its request id (> 0). Thread-safe.
    uint64_t submit(const std::string& label, Job job);
    /// Sets the job's cancel flag (queued jobs are dropped, the running one stops at its next
    /// check).
    void cancel(uint64_t jobId);
    /// Queues a reload of the models (after one was installed or removed): on the worker, between
    /// jobs, the loaded models are dropped and the manifest's installed ones loaded and warmed again,
    /// as at start-up, so the app needs no restart. Returns its request id; onFinished ends it.
    uint64_t reloadModels();
    /// Blocks until the queue is empty and no job runs (tests, CLI).
    void waitIdle();
    /// Blocks until warm-up is over (state Ready); the CLI uses this.
    void waitReady();

    EngineState state() const;
    DeviceInfo device() const;
    /// Every manifest model with its status after loading (Verified / Broken: reason / ...).
    std::vector<ModelStatus> models() const;
    /// Statistics of the loaded model for a task, if any (tests assert on warm-up behaviour).
    bool sessionStats(const std::string& task, struct SessionStats* out) const;

    class Impl;

private:
    std::unique_ptr<Impl> d_;
};

}  // namespace pm::engine
