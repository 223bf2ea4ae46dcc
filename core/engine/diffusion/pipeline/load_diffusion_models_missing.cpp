// TEMPORARY (branch sdpipe18): loadDiffusionModels() is built on the sdnets18 branch
// (core/engine/diffusion/models/). This stand-in only lets libphotomend-torch.so link (it links with
// --no-undefined) until both branches are merged; the merge removes this file and links the models
// library instead. Tests never reach it: they give the pipeline their own DiffusionModels.
#include "core/common/error.h"
#include "core/engine/diffusion/diffusion_models.h"

namespace pm::engine::diffusion {

std::unique_ptr<DiffusionModels> loadDiffusionModels(const std::string& folder, const DiffusionLoadOptions&) {
    throw Error("prompt fill models are not built in (cannot load " + folder + ")");
}

}  // namespace pm::engine::diffusion
