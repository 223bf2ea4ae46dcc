#include "core/engine/nets/networks.h"

#include <filesystem>

#include "core/common/error.h"
#include "core/engine/nets/animegan2.h"
#include "core/engine/nets/gpen.h"
#include "core/engine/nets/load_weights.h"
#include "core/engine/nets/state_dict_file.h"

namespace pm::engine::nets {

Network makeNetwork(const std::string& architecture) {
    Network n;
    if (architecture == "gpen-bfr-512") {
        GpenGenerator gpen{GpenOptions{}};
        n.module = gpen.ptr();
        n.forward = [gpen](const torch::Tensor& x) mutable { return gpen->forward(x); };
        n.fixedSize = gpen->options().size;
    } else if (architecture == "animeganv2") {
        AnimeGan2Generator anime;
        n.module = anime.ptr();
        n.forward = [anime](const torch::Tensor& x) mutable { return anime->forward(x); };
    } else {
        throw Error("unknown network architecture \"" + architecture +
                    "\" (PhotoMend defines \"gpen-bfr-512\" and \"animeganv2\")");
    }
    return n;
}

Network loadNetwork(const std::string& architecture, const std::string& path) {
    Network n = makeNetwork(architecture);
    const auto tensors = readStateDict(path);
    loadWeights(*n.module, tensors, std::filesystem::path(path).filename().string(), architecture);
    n.module->eval();
    return n;
}

}  // namespace pm::engine::nets
