#pragma once
// The Remove/Fill mode's prompt fill (issue 18) as an OpJob: the request built from the options'
// settings and the document's snapshots, progress per denoising step ("Step 12 of 30", with the time
// left once a step was timed), and its results: one variation is one undo step, several are offered
// to pick from. Who runs the request is passed in, so tests can use a fake model.
#include <functional>
#include <string>

#include "core/engine/prompt_fill_request.h"
#include "ui/apply_controller.h"

namespace pm::ui {

/// Runs one request on the engine's worker (throws pm::Error or pm::Cancelled).
using PromptFillRunner =
    std::function<engine::PromptFillResult(const engine::PromptFillRequest&, engine::JobContext&)>;

/// The libtorch module's promptFill on the job's device.
PromptFillRunner backendPromptFillRunner();

/// What a step took on the CPU, in seconds, once a fill there is done (on the worker thread), so
/// the next fill's time can be told before it starts.
using StepTimed = std::function<void(double secondsPerStep)>;

/// The job for `settings` with the model in `modelFolder`.
OpJob promptFillJob(const engine::PromptFillSettings& settings, const std::string& modelFolder,
                    PromptFillRunner runner, StepTimed onCpuStepTimed = {});

}  // namespace pm::ui
