#pragma once
// What a running job may use: its cancel flag, a progress reporter and the loaded models.
// Operations in core/ops take a JobContext& so they run the same under the engine's worker thread,
// in the CLI and in tests (LocalJobContext).
#include <atomic>
#include <functional>
#include <string>
#include <utility>

#include "core/engine/device.h"

namespace pm::engine {

class InferenceSession;

class JobContext {
public:
    virtual ~JobContext() = default;

    /// True once the job was cancelled; operations check it between tiles and stages.
    virtual bool cancelled() const = 0;
    /// Throws pm::Cancelled when cancelled().
    void throwIfCancelled() const;
    /// fraction in 0..1 of the whole job; stage is a short human-readable label.
    virtual void progress(double fraction, const std::string& stage) = 0;
    /// The installed, verified and enabled model for a task ("inpaint", "face", "cartoon"), or
    /// nullptr when there is none and the operation should use its built-in algorithm.
    virtual InferenceSession* model(const std::string& task) = 0;
    /// Why model(task) is null when a model for it is installed but unusable (e.g. "big-lama.pt: not
    /// a TorchScript model"); "" when none is installed. Lets a tool name the file in its error.
    virtual std::string modelProblem(const std::string& /*task*/) const { return {}; }
    virtual const DeviceInfo& device() const = 0;
};

/// A context without models, for tests and for work outside the engine.
class LocalJobContext : public JobContext {
public:
    LocalJobContext();
    /// Work that can use a GPU (the built-in fill's search) uses it when `device` is CUDA.
    explicit LocalJobContext(DeviceInfo device) : device_(std::move(device)) {}
    bool cancelled() const override { return cancel.load(); }
    void progress(double fraction, const std::string& stage) override;
    InferenceSession* model(const std::string& task) override;
    const DeviceInfo& device() const override { return device_; }

    std::atomic<bool> cancel{false};
    std::function<void(double, const std::string&)> onProgress;  ///< optional
    InferenceSession* session = nullptr;  ///< returned for every task when set (tests)

private:
    DeviceInfo device_;
};

}  // namespace pm::engine
