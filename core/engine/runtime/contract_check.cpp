#include "core/engine/runtime/contract_check.h"

#include <cstdio>
#include <vector>

#include <torch/torch.h>

#include "core/common/error.h"

namespace pm::engine {

void checkContractOutput(const at::Tensor& out, int side, const ModelContract& contract,
                         const std::string& fileName) {
    const std::vector<int64_t> expected{1, 3, side, side};
    if (out.sizes().vec() != expected)
        throw Error(fileName + ": wrong contract: expected output " +
                    std::string(c10::str(torch::IntArrayRef(expected))) + ", got " +
                    std::string(c10::str(out.sizes())));
    auto values = out.detach().to(torch::kCPU, torch::kFloat32);
    if (!torch::isfinite(values).all().item<bool>())
        throw Error(fileName + ": wrong contract: expected finite values, got NaN or infinity");
    const double low = contract.range == image::ValueRange::MinusOneOne ? -1.0 : 0.0, high = 1.0;
    const double slack = 0.05 * (high - low);
    const double min = values.min().item<double>(), max = values.max().item<double>();
    if (min < low - slack || max > high + slack) {
        char got[64];
        std::snprintf(got, sizeof got, "%.3g..%.3g", min, max);
        throw Error(fileName + ": wrong contract: expected values in " + rangeName(contract.range) +
                    ", got " + got);
    }
}

}  // namespace pm::engine
