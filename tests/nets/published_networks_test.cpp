// GPEN-BFR-512 and AnimeGANv2 defined in C++: their parameter names and shapes are those of the
// published checkpoints, random weights saved the way torch.save writes them load and run, and a
// checkpoint that does not fit is refused naming the tensor.
//
// The tables below were derived by hand from the published architecture code:
//   GPEN: github.com/yangxy/GPEN face_model/gpen_model.py (FullGenerator(512, 512, 8,
//         channel_multiplier=2, narrow=1), as face_model/face_gan.py builds it for GPEN-BFR-512)
//   AnimeGANv2: github.com/bryandlee/animegan2-pytorch model.py (Generator)
#include <algorithm>
#include <cmath>
#include <map>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "core/common/error.h"
#include "core/engine/device.h"
#include "core/engine/inference_session.h"
#include "core/engine/model_registry.h"
#include "core/engine/nets/animegan2.h"
#include "core/engine/nets/gpen.h"
#include "core/engine/nets/load_weights.h"
#include "core/engine/nets/networks.h"
#include "core/engine/nets/state_dict_file.h"
#include "tests/nets/torch_save_format.h"
#include "tests/support/testdata.h"

namespace pm::engine::nets {
namespace {

struct Table {
    std::map<std::string, std::vector<int64_t>> parameters, buffers;
};

Table tableOf(torch::nn::Module& module) {
    Table t;
    for (const auto& p : module.named_parameters(true)) t.parameters[p.key()] = p.value().sizes().vec();
    for (const auto& b : module.named_buffers(true)) t.buffers[b.key()] = b.value().sizes().vec();
    return t;
}

int64_t elements(const std::map<std::string, std::vector<int64_t>>& shapes) {
    int64_t n = 0;
    for (const auto& [name, shape] : shapes) {
        int64_t e = 1;
        for (auto d : shape) e *= d;
        n += e;
    }
    return n;
}

TEST(PublishedNetworks, GpenHasTheParametersOfGpenBfr512) {
    GpenGenerator gpen;
    const Table t = tableOf(*gpen);
    // 8 mapping layers, the constant, conv1 + to_rgb1, 7 resolutions of two StyledConvs and a
    // ToRGB, 8 encoder stages and final_linear.
    EXPECT_EQ(t.parameters.size(), 142u);
    EXPECT_EQ(elements(t.parameters), 71005223);  // 284 MB of fp32 weights
    // The blur kernels of the 7 upsampling convs, 7 ToRGB upsamplers and 7 downsampling encoder
    // stages; GPEN has no noise buffers (its "noise" is the encoder's feature maps).
    EXPECT_EQ(t.buffers.size(), 21u);
    EXPECT_EQ(elements(t.buffers), 21 * 16);
    const std::map<std::string, std::vector<int64_t>> published = {
        {"ecd0.0.0.weight", {64, 3, 1, 1}},
        {"ecd0.0.1.bias", {64}},
        {"ecd1.0.1.weight", {128, 64, 3, 3}},
        {"ecd7.0.1.weight", {512, 512, 3, 3}},
        {"ecd7.0.2.bias", {512}},
        {"final_linear.0.weight", {512, 8192}},
        {"final_linear.0.bias", {512}},
        {"generator.style.1.weight", {512, 512}},
        {"generator.style.8.bias", {512}},
        {"generator.input.input", {1, 512, 4, 4}},
        {"generator.conv1.conv.weight", {1, 512, 512, 3, 3}},
        {"generator.conv1.conv.modulation.weight", {512, 512}},
        {"generator.conv1.noise.weight", {1}},
        {"generator.conv1.activate.bias", {1024}},
        {"generator.to_rgb1.conv.weight", {1, 3, 1024, 1, 1}},
        {"generator.to_rgb1.bias", {1, 3, 1, 1}},
        {"generator.convs.0.conv.weight", {1, 512, 1024, 3, 3}},
        {"generator.convs.12.conv.weight", {1, 64, 256, 3, 3}},
        {"generator.convs.13.conv.modulation.bias", {128}},
        {"generator.convs.13.activate.bias", {128}},
        {"generator.to_rgbs.6.conv.weight", {1, 3, 128, 1, 1}},
        {"generator.to_rgbs.6.conv.modulation.weight", {128, 512}},
    };
    for (const auto& [name, shape] : published) {
        ASSERT_TRUE(t.parameters.count(name)) << name;
        EXPECT_EQ(t.parameters.at(name), shape) << name;
    }
    for (const char* name : {"ecd1.0.0.kernel", "generator.convs.0.conv.blur.kernel",
                             "generator.to_rgbs.0.upsample.kernel"}) {
        ASSERT_TRUE(t.buffers.count(name)) << name;
        EXPECT_EQ(t.buffers.at(name), std::vector<int64_t>({4, 4})) << name;
    }
    EXPECT_FALSE(t.parameters.count("generator.convs.1.conv.blur.kernel"));  // not upsampling
}

TEST(PublishedNetworks, AnimeGan2HasTheParametersOfItsGenerator) {
    AnimeGan2Generator anime;
    const Table t = tableOf(*anime);
    EXPECT_EQ(t.parameters.size(), 77u);
    EXPECT_EQ(elements(t.parameters), 2143552);
    EXPECT_TRUE(t.buffers.empty());
    const std::map<std::string, std::vector<int64_t>> published = {
        {"block_a.0.1.weight", {32, 3, 7, 7}},
        {"block_a.0.2.weight", {32}},
        {"block_a.0.2.bias", {32}},
        {"block_a.1.1.weight", {64, 32, 3, 3}},
        {"block_b.0.1.weight", {128, 64, 3, 3}},
        {"block_c.1.layers.0.1.weight", {256, 128, 1, 1}},
        {"block_c.1.layers.1.1.weight", {256, 1, 3, 3}},  // depthwise, with a bias
        {"block_c.1.layers.1.1.bias", {256}},
        {"block_c.1.layers.2.weight", {256, 256, 1, 1}},
        {"block_c.1.layers.3.weight", {256}},
        {"block_c.2.layers.0.1.weight", {512, 256, 1, 1}},
        {"block_c.4.layers.2.weight", {256, 512, 1, 1}},
        {"block_c.5.1.weight", {128, 256, 3, 3}},
        {"block_d.1.1.weight", {128, 128, 3, 3}},
        {"block_e.2.1.weight", {32, 64, 7, 7}},
        {"out_layer.0.weight", {3, 32, 1, 1}},
    };
    for (const auto& [name, shape] : published) {
        ASSERT_TRUE(t.parameters.count(name)) << name;
        EXPECT_EQ(t.parameters.at(name), shape) << name;
    }
    EXPECT_FALSE(t.parameters.count("block_a.0.1.bias"));  // ConvNormLReLU convs have no bias
}

// Every tensor moved away from a fresh module's initial values, so that a loader that skipped
// one would show.
test::StateDict perturbed(torch::nn::Module& module) {
    torch::NoGradGuard noGrad;
    for (auto& p : module.named_parameters(true)) p.value().add_(0.05 * torch::randn_like(p.value()));
    for (auto& b : module.named_buffers(true)) b.value().mul_(1.1);
    return test::stateDictOf(module);
}

std::string loadError(const std::string& architecture, const std::string& path) {
    try {
        loadNetwork(architecture, path);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(PublishedNetworks, AnimeGan2CheckpointInBothFormatsRunsAsSaved) {
    torch::manual_seed(1);
    AnimeGan2Generator source;
    source->eval();
    const auto tensors = perturbed(*source);
    const auto input = torch::rand({1, 3, 64, 48}) * 2 - 1;
    torch::NoGradGuard noGrad;
    const auto expected = source->forward(input);
    test::TempDir dir;
    for (auto format : {test::TorchSaveFormat::Zip, test::TorchSaveFormat::Legacy}) {
        const std::string path = dir.file(format == test::TorchSaveFormat::Zip ? "face_paint_512_v2.pt" : "paprika.pt");
        test::torchSaveStateDict(tensors, path, format);
        Network net = loadNetwork("animeganv2", path);
        const auto out = net.forward(input);
        ASSERT_EQ(out.sizes(), torch::IntArrayRef({1, 3, 64, 48}));
        EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
        EXPECT_LE(out.abs().max().item<float>(), 1.0f);  // tanh
        EXPECT_TRUE(torch::allclose(out, expected, 1e-5, 1e-6)) << path;
    }
}

// The published size: every tensor of the file ends up in the network, and one 512² face runs.
TEST(PublishedNetworks, GpenBfr512CheckpointLoadsEveryTensorAndRuns) {
    torch::manual_seed(2);
    GpenGenerator source;
    const auto tensors = perturbed(*source);
    test::TempDir dir;
    test::torchSaveStateDict(tensors, dir.file("GPEN-BFR-512.pth"), test::TorchSaveFormat::Zip);
    Network net = loadNetwork("gpen-bfr-512", dir.file("GPEN-BFR-512.pth"));
    EXPECT_EQ(net.fixedSize, 512);
    std::map<std::string, torch::Tensor> loaded;
    for (const auto& p : net.module->named_parameters(true)) loaded[p.key()] = p.value();
    for (const auto& b : net.module->named_buffers(true)) loaded[b.key()] = b.value();
    ASSERT_EQ(loaded.size(), tensors.size());
    for (const auto& [name, t] : tensors) EXPECT_TRUE(torch::equal(loaded.at(name), t)) << name;
    torch::NoGradGuard noGrad;
    const auto out = net.forward(torch::rand({1, 3, 512, 512}) * 2 - 1);
    ASSERT_EQ(out.sizes(), torch::IntArrayRef({1, 3, 512, 512}));
    EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
    EXPECT_GT(out.std().item<float>(), 0.0f);
}

// The same code at a small size (a fraction of the CPU time): the loaded network computes what
// the saved one did.
TEST(PublishedNetworks, GpenCheckpointRunsAsSaved) {
    torch::manual_seed(5);
    const GpenOptions small{32, 64, 2, 2, 0.125};
    GpenGenerator source(small);
    source->eval();
    const auto tensors = perturbed(*source);
    test::TempDir dir;
    test::torchSaveStateDict(tensors, dir.file("gpen-32.pth"), test::TorchSaveFormat::Legacy);
    GpenGenerator loaded(small);
    loadWeights(*loaded, readStateDict(dir.file("gpen-32.pth")), "gpen-32.pth", "gpen");
    loaded->eval();
    const auto input = torch::rand({2, 3, 32, 32}) * 2 - 1;  // a batch: the grouped convolutions
    torch::NoGradGuard noGrad;
    const auto out = loaded->forward(input);
    ASSERT_EQ(out.sizes(), torch::IntArrayRef({2, 3, 32, 32}));
    EXPECT_TRUE(torch::isfinite(out).all().item<bool>());
    EXPECT_TRUE(torch::allclose(out, source->forward(input), 1e-4, 1e-5));
    // Each image of the batch is restored on its own (its own style, its own features).
    EXPECT_TRUE(torch::allclose(out[1], loaded->forward(input.slice(0, 1, 2))[0], 1e-4, 1e-5));
}

TEST(PublishedNetworks, ACheckpointThatDoesNotFitIsRefusedNamingTheTensor) {
    torch::manual_seed(3);
    AnimeGan2Generator source;
    const auto good = test::stateDictOf(*source);
    test::TempDir dir;

    auto wrongShape = good;
    for (auto& [name, t] : wrongShape)
        if (name == "block_c.2.layers.0.1.weight") t = torch::randn({256, 256, 1, 1});
    test::torchSaveStateDict(wrongShape, dir.file("shape.pt"), test::TorchSaveFormat::Zip);
    const std::string shape = loadError("animeganv2", dir.file("shape.pt"));
    EXPECT_NE(shape.find("shape.pt: block_c.2.layers.0.1.weight has shape [256, 256, 1, 1], the "
                         "animeganv2 network expects [512, 256, 1, 1]"),
              std::string::npos)
        << shape;

    auto missing = good;
    missing.erase(std::find_if(missing.begin(), missing.end(),
                               [](auto& e) { return e.first == "out_layer.0.weight"; }));
    test::torchSaveStateDict(missing, dir.file("missing.pt"), test::TorchSaveFormat::Zip);
    const std::string lacks = loadError("animeganv2", dir.file("missing.pt"));
    EXPECT_NE(lacks.find("missing.pt: lacks out_layer.0.weight"), std::string::npos) << lacks;

    auto extra = good;
    extra.emplace_back("block_f.0.1.weight", torch::randn({3}));
    test::torchSaveStateDict(extra, dir.file("extra.pt"), test::TorchSaveFormat::Zip);
    const std::string holds = loadError("animeganv2", dir.file("extra.pt"));
    EXPECT_NE(holds.find("extra.pt: holds block_f.0.1.weight, which the animeganv2 network does not have"),
              std::string::npos)
        << holds;

    // GPEN's weights are not AnimeGAN's: the first foreign tensor is named.
    test::torchSaveStateDict({{"ecd0.0.0.weight", torch::randn({64, 3, 1, 1})}}, dir.file("gpen.pt"),
                             test::TorchSaveFormat::Zip);
    EXPECT_NE(loadError("animeganv2", dir.file("gpen.pt")).find("holds ecd0.0.0.weight"), std::string::npos);
}

ModelEntry stateDictEntry(const std::string& file, const std::string& architecture,
                          const std::string& contract) {
    const std::string json = R"({"models": [{"id": "cartoon", "task": "cartoon", "file": ")" + file +
                             R"(", "format": "state_dict", "architecture": ")" + architecture +
                             R"(", "contract": )" + contract + "}]}";
    return ModelRegistry::parse(json, "/").entries().at(0);
}

TEST(PublishedNetworks, AManifestStateDictEntryServesImageToImage) {
    torch::manual_seed(4);
    AnimeGan2Generator source;
    test::TempDir dir;
    test::torchSaveStateDict(test::stateDictOf(*source), dir.file("face_paint_512_v2.pt"),
                             test::TorchSaveFormat::Zip);
    const ModelEntry entry = stateDictEntry("face_paint_512_v2.pt", "animeganv2",
                                            R"({"kind": "image2image", "range": "-1..1", "sizeMultiple": 8, "buckets": [32]})");
    EXPECT_EQ(entry.format, "state_dict");
    EXPECT_EQ(entry.architecture, "animeganv2");
    auto session = InferenceSession::load(entry, dir.file("face_paint_512_v2.pt"),
                                          selectDevice(DevicePreference::Cpu));
    session->warmUp();
    cv::Mat photo(37, 29, CV_8UC3);  // an odd size: padded to the multiple of 8, cropped back
    cv::randu(photo, 0, 256);
    const cv::Mat out = session->imageToImage(photo);
    EXPECT_EQ(out.size(), photo.size());
    EXPECT_EQ(out.type(), CV_8UC3);
    EXPECT_EQ(session->stats().warmupCalls, 1);
    EXPECT_EQ(session->stats().calls, 2);
}

TEST(PublishedNetworks, TheManifestNamesOnlyArchitecturesPhotoMendDefines) {
    try {
        stateDictEntry("x.pt", "stylegan3", R"({"kind": "image2image"})");
        FAIL() << "an unknown architecture was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("\"architecture\" must be one of"), std::string::npos) << e.what();
    }
    // A GPEN entry whose contract is not GPEN's fixed 512 square is refused when it loads.
    test::TempDir dir;
    test::torchSaveStateDict({{"ecd0.0.0.weight", torch::zeros({64, 3, 1, 1})}}, dir.file("GPEN-BFR-512.pth"),
                             test::TorchSaveFormat::Zip);
    const ModelEntry entry = stateDictEntry("GPEN-BFR-512.pth", "gpen-bfr-512",
                                            R"({"kind": "image2image", "range": "-1..1", "fixedSize": 256})");
    try {
        InferenceSession::load(entry, dir.file("GPEN-BFR-512.pth"), selectDevice(DevicePreference::Cpu));
        FAIL() << "a contract that is not GPEN's was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("takes 512 pixel squares"), std::string::npos) << e.what();
    }
}

TEST(PublishedNetworks, TheShippedManifestLoadsThePublishedCheckpoints) {
    const auto registry = ModelRegistry::load(defaultManifestPath(), "/");
    std::map<std::string, ModelEntry> byId;
    for (const auto& e : registry.entries()) byId[e.id] = e;
    ASSERT_TRUE(byId.count("gpen-bfr-512"));
    EXPECT_EQ(byId["gpen-bfr-512"].format, "state_dict");
    EXPECT_EQ(byId["gpen-bfr-512"].architecture, "gpen-bfr-512");
    EXPECT_EQ(byId["gpen-bfr-512"].file, "GPEN-BFR-512.pth");
    ASSERT_TRUE(byId.count("animegan2-face-paint-512-v2"));
    EXPECT_EQ(byId["animegan2-face-paint-512-v2"].format, "state_dict");
    EXPECT_EQ(byId["animegan2-face-paint-512-v2"].architecture, "animeganv2");
    EXPECT_EQ(byId["animegan2-face-paint-512-v2"].file, "face_paint_512_v2.pt");
}

}  // namespace
}  // namespace pm::engine::nets
