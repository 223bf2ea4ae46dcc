// The C++ GPEN-BFR-512 and AnimeGANv2 give the published Python code's output on files the
// published code saved itself. bench/gpu/nets_golden.py builds each network from its authors'
// repository, saves its state dict with torch.save (as the published checkpoints are saved) and a
// fixed input with the output; this test loads both. It needs Python with PyTorch and the two
// repositories, so it runs where they are (the GPU machine, bench/gpu/run_gpu_validation.sh with
// PM_GPU_NETS_GOLDEN=1) and skips elsewhere: PM_NETS_GOLDEN_DIR names the folder.
#include <cstdlib>
#include <filesystem>
#include <map>

#include <gtest/gtest.h>

#include "core/engine/nets/networks.h"
#include "core/engine/nets/state_dict_file.h"

namespace pm::engine::nets {
namespace {

std::map<std::string, torch::Tensor> tensorsIn(const std::string& path) {
    std::map<std::string, torch::Tensor> out;
    for (const NamedTensor& t : readStateDict(path)) out[t.name] = t.tensor;
    return out;
}

void expectPublishedOutput(const std::string& architecture, const std::string& name) {
    const char* dir = std::getenv("PM_NETS_GOLDEN_DIR");
    if (!dir || !std::filesystem::exists(std::string(dir) + "/" + name + ".pth"))
        GTEST_SKIP() << "no golden files (PM_NETS_GOLDEN_DIR, made by bench/gpu/nets_golden.py)";
    const std::string base = std::string(dir) + "/" + name;
    Network net = loadNetwork(architecture, base + ".pth");
    auto io = tensorsIn(base + "_io.pt");
    ASSERT_TRUE(io.count("input") && io.count("output"));
    torch::NoGradGuard noGrad;
    const torch::Tensor ours = net.forward(io["input"].to(torch::kFloat32));
    const torch::Tensor theirs = io["output"].to(torch::kFloat32);
    ASSERT_EQ(ours.sizes(), theirs.sizes());
    const double maxDiff = (ours - theirs).abs().max().item<double>();
    const double scale = theirs.abs().max().item<double>();
    std::printf("%s: max |C++ - published| %.3g of output scale %.3g\n", name.c_str(), maxDiff, scale);
    EXPECT_LT(maxDiff, 1e-3 * std::max(1.0, scale));
}

TEST(PublishedCode, AnimeGan2GivesThePublishedCodesOutput) { expectPublishedOutput("animeganv2", "animegan2"); }

TEST(PublishedCode, GpenBfr512GivesThePublishedCodesOutput) { expectPublishedOutput("gpen-bfr-512", "gpen"); }

}  // namespace
}  // namespace pm::engine::nets
