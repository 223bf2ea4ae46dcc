#pragma once
// TorchBackend::promptFill's body: the models of the request's folder, loaded once and kept for the
// next request on the same device, then runPromptFill with the job's progress and cancel flag; and
// TorchBackend::preparePromptFill, which loads and warms them at engine start.
// Private to libphotomend-torch.so.
#include <string>

#include "core/engine/device.h"
#include "core/engine/job_context.h"
#include "core/engine/prompt_fill_request.h"

namespace pm::engine::diffusion {

/// fp16 with CUDA graphs on CUDA, fp32 on the CPU (diffusionLoadOptions). Reports "loading the
/// prompt-fill model" and then each step as progress ("variation 1 of 2, step 3 of 20"). Throws
/// pm::Error naming the folder when its models cannot be loaded, pm::Cancelled when the job is
/// cancelled.
PromptFillResult promptFillOnDevice(const PromptFillRequest& request, const DeviceInfo& device, JobContext& context);

/// Loads `folder`'s models for `device` (kept for promptFillOnDevice) and, on CUDA, warms the
/// working-size buckets (promptFillBuckets), so the first request runs as fast as later ones. On
/// the CPU it only loads: a warm-up there would cost minutes and gain nothing. Throws pm::Error
/// as promptFillOnDevice.
void preparePromptFillOnDevice(const std::string& folder, const DeviceInfo& device);

}  // namespace pm::engine::diffusion
