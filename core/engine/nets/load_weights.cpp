#include "core/engine/nets/load_weights.h"

#include <map>
#include <sstream>

#include "core/common/error.h"

namespace pm::engine::nets {
namespace {

std::string shapeOf(const torch::Tensor& t) {
    std::ostringstream s;
    s << t.sizes();
    return s.str();
}

std::string andMore(size_t count) {
    return count > 1 ? " (and " + std::to_string(count - 1) + " more)" : "";
}

}  // namespace

void loadWeights(torch::nn::Module& module, const std::vector<NamedTensor>& tensors,
                 const std::string& fileName, const std::string& architecture) {
    std::map<std::string, torch::Tensor> expected;
    for (const auto& p : module.named_parameters(true)) expected.emplace(p.key(), p.value());
    for (const auto& b : module.named_buffers(true)) expected.emplace(b.key(), b.value());

    std::map<std::string, const torch::Tensor*> given;
    std::vector<std::string> unexpected;
    for (const auto& t : tensors) {
        auto it = expected.find(t.name);
        if (it == expected.end()) {
            unexpected.push_back(t.name);
            continue;
        }
        if (!given.emplace(t.name, &t.tensor).second)
            throw Error(fileName + ": holds " + t.name + " twice");
        if (!t.tensor.is_floating_point())
            throw Error(fileName + ": " + t.name + " is not a floating-point tensor");
        if (t.tensor.sizes() != it->second.sizes())
            throw Error(fileName + ": " + t.name + " has shape " + shapeOf(t.tensor) + ", the " +
                        architecture + " network expects " + shapeOf(it->second) +
                        " (a checkpoint of another size or variant?)");
    }
    if (!unexpected.empty())
        throw Error(fileName + ": holds " + unexpected.front() + andMore(unexpected.size()) +
                    ", which the " + architecture +
                    " network does not have (a checkpoint of another network?)");
    std::vector<std::string> missing;
    for (const auto& [name, tensor] : expected)
        if (!given.count(name)) missing.push_back(name);
    if (!missing.empty())
        throw Error(fileName + ": lacks " + missing.front() + andMore(missing.size()) +
                    " of the " + architecture + " network (a truncated or different checkpoint?)");

    torch::NoGradGuard noGrad;
    for (auto& [name, target] : expected) target.copy_(*given.at(name));
}

}  // namespace pm::engine::nets
