// Loading tiny SD-1.5-inpainting-shaped diffusers folders the tests write (safetensors and .bin,
// plain and PowerPaint-v1 layout) and running the three networks through DiffusionModels.
#include <filesystem>
#include <functional>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "core/engine/diffusion/diffusion_models.h"
#include "core/engine/diffusion/models/diffusers_folder.h"
#include "core/engine/diffusion/models/safetensors_file.h"
#include "tests/diffusion_models/tiny_diffusers_folder.h"
#include "tests/support/testdata.h"

namespace fs = std::filesystem;

namespace pm::engine::diffusion {
namespace {

using test::NamedTensors;

std::unique_ptr<DiffusionModels> load(const std::string& folder) {
    return loadDiffusionModels(folder, DiffusionLoadOptions{});
}

std::string loadError(const std::string& folder) {
    try {
        load(folder);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

torch::Tensor tokenIds(int64_t batch) {
    // Start token, a few words, end token, then padding, as CLIP's tokenizer lays a prompt out.
    auto ids = torch::full({batch, 77}, 2, torch::kLong);
    ids.index_put_({torch::indexing::Slice(), 0}, 0);
    for (int64_t b = 0; b < batch; ++b)
        for (int64_t i = 1; i < 6; ++i) ids[b][i] = 10 + 7 * b + i;
    return ids;
}

struct Outputs {
    torch::Tensor text, noise, latents, image;
};

Outputs runAll(DiffusionModels& m) {
    torch::manual_seed(11);
    Outputs o;
    o.text = m.encodeText(tokenIds(2));
    const auto input = torch::randn({2, 9, 8, 8});
    o.noise = m.predictNoise(input, torch::tensor(981), o.text);
    o.latents = m.encodeImage(torch::rand({1, 3, 64, 64}) * 2 - 1);
    o.image = m.decodeLatents(o.latents);
    return o;
}

void replaceTensor(const std::string& file, const std::string& name,
                   const std::function<void(NamedTensors&, NamedTensors::iterator)>& edit) {
    auto tensors = readWeightFile(file);
    auto it = std::find_if(tensors.begin(), tensors.end(),
                           [&](const NamedTensor& t) { return t.name == name; });
    ASSERT_NE(it, tensors.end()) << name;
    edit(tensors, it);
    writeSafetensors(tensors, file);
}

TEST(DiffusionNetworks, ATinySafetensorsFolderRunsWithTheContractsShapes) {
    test::TempDir dir;
    test::writeTinyFolder(dir.path(), test::WeightFormat::Safetensors);
    auto models = load(dir.path());
    EXPECT_EQ(models->maxTokens(), 77);
    EXPECT_DOUBLE_EQ(models->scalingFactor(), 0.18215);  // the config's default, as diffusers'
    EXPECT_EQ(models->dtype(), torch::kFloat);
    const auto o = runAll(*models);
    EXPECT_EQ(o.text.sizes(), (std::vector<int64_t>{2, 77, 32}));
    EXPECT_EQ(o.noise.sizes(), (std::vector<int64_t>{2, 4, 8, 8}));
    EXPECT_EQ(o.latents.sizes(), (std::vector<int64_t>{1, 4, 8, 8}));
    EXPECT_EQ(o.image.sizes(), (std::vector<int64_t>{1, 3, 64, 64}));
    for (const auto* t : {&o.text, &o.noise, &o.latents, &o.image}) {
        EXPECT_TRUE(torch::isfinite(*t).all().item<bool>());
        EXPECT_GT(t->std().item<double>(), 1e-3);  // not a constant: the weights are used
    }
    // The two prompts differ, and so do their embeddings and the noise they predict.
    EXPECT_FALSE(torch::allclose(o.text[0], o.text[1]));
    EXPECT_FALSE(torch::allclose(o.noise[0], o.noise[1]));
}

TEST(DiffusionNetworks, OutputsAreDeterministicAndDependOnTheWeights) {
    test::TempDir a, b, c;
    test::writeTinyFolder(a.path(), test::WeightFormat::Safetensors, 1);
    test::writeTinyFolder(b.path(), test::WeightFormat::Safetensors, 1);
    test::writeTinyFolder(c.path(), test::WeightFormat::Safetensors, 5);
    const auto x = runAll(*load(a.path())), y = runAll(*load(b.path())), z = runAll(*load(c.path()));
    EXPECT_TRUE(torch::equal(x.text, y.text));
    EXPECT_TRUE(torch::equal(x.noise, y.noise));
    EXPECT_TRUE(torch::equal(x.image, y.image));
    EXPECT_FALSE(torch::allclose(x.text, z.text));
    EXPECT_FALSE(torch::allclose(x.noise, z.noise));
    EXPECT_FALSE(torch::allclose(x.image, z.image));
}

TEST(DiffusionNetworks, TheTextEncoderIsCausalAndTheUNetFollowsTheTimestep) {
    test::TempDir dir;
    test::writeTinyFolder(dir.path(), test::WeightFormat::Safetensors);
    auto models = load(dir.path());
    auto ids = tokenIds(1);
    const auto before = models->encodeText(ids);
    ids[0][10] = 50;  // a later token must not change earlier positions (CLIP's causal mask)
    const auto after = models->encodeText(ids);
    namespace I = torch::indexing;
    EXPECT_TRUE(torch::allclose(before.index({0, I::Slice(0, 10)}), after.index({0, I::Slice(0, 10)}),
                                1e-5, 1e-6));
    EXPECT_FALSE(torch::allclose(before.index({0, I::Slice(10)}), after.index({0, I::Slice(10)})));

    torch::manual_seed(2);
    const auto input = torch::randn({1, 9, 8, 8});
    const auto at1 = models->predictNoise(input, torch::tensor(1), before);
    const auto at999 = models->predictNoise(input, torch::tensor({999}), before);
    EXPECT_FALSE(torch::allclose(at1, at999));
    // A scalar timestep and one per batch entry mean the same.
    const auto two = models->predictNoise(torch::cat({input, input}), torch::tensor({1, 999}),
                                          torch::cat({before, before}));
    EXPECT_TRUE(torch::allclose(two[0], at1[0], 1e-4, 1e-5));
    EXPECT_TRUE(torch::allclose(two[1], at999[0], 1e-4, 1e-5));
    // Latent sizes not divisible by the UNet's stride work (diffusers' forward_upsample_size).
    EXPECT_EQ(models->predictNoise(torch::randn({1, 9, 7, 9}), torch::tensor(5), before).sizes(),
              (std::vector<int64_t>{1, 4, 7, 9}));
}

TEST(DiffusionNetworks, TorchBinFoldersGiveTheSameResultsAsSafetensors) {
    test::TempDir st, bin;
    test::writeTinyFolder(st.path(), test::WeightFormat::Safetensors);
    test::writeTinyFolder(bin.path(), test::WeightFormat::TorchBin);
    ASSERT_TRUE(fs::exists(bin.path() + "/unet/diffusion_pytorch_model.bin"));
    ASSERT_FALSE(fs::exists(bin.path() + "/unet/diffusion_pytorch_model.safetensors"));
    const auto x = runAll(*load(st.path())), y = runAll(*load(bin.path()));
    EXPECT_TRUE(torch::equal(x.text, y.text));
    EXPECT_TRUE(torch::equal(x.noise, y.noise));
    EXPECT_TRUE(torch::equal(x.image, y.image));
}

// transformers 5 writes CLIPTextModel's tensors without "text_model." (found by the golden run
// against the published code on the GPU machine): such a folder loads and encodes the same.
TEST(DiffusionNetworks, TransformersFiveTextEncoderNamesLoadAsTheFourOnes) {
    test::TempDir four, five;
    test::writeTinyFolder(four.path(), test::WeightFormat::Safetensors);
    test::writeTinyFolder(five.path(), test::WeightFormat::Safetensors);
    const auto file = five.path() + "/text_encoder/model.safetensors";
    auto tensors = readWeightFile(file);
    for (auto& t : tensors) {
        ASSERT_EQ(t.name.rfind("text_model.", 0), 0u) << t.name;
        t.name = t.name.substr(11);
    }
    writeSafetensors(tensors, file);
    EXPECT_TRUE(torch::equal(load(four.path())->encodeText(tokenIds(2)), load(five.path())->encodeText(tokenIds(2))));
}

TEST(DiffusionNetworks, OldVaeAttentionNamesLoadAsTheNewOnes) {
    test::TempDir fresh, old;
    test::writeTinyFolder(fresh.path(), test::WeightFormat::Safetensors);
    test::writeTinyFolder(old.path(), test::WeightFormat::Safetensors);
    const auto file = old.path() + "/vae/diffusion_pytorch_model.safetensors";
    auto tensors = readWeightFile(file);
    const std::vector<std::pair<std::string, std::string>> oldNames = {
        {".to_q.", ".query."}, {".to_k.", ".key."}, {".to_v.", ".value."}, {".to_out.0.", ".proj_attn."}};
    int renamed = 0;
    for (auto& t : tensors)
        for (const auto& [from, to] : oldNames) {
            const auto at = t.name.find(from);
            if (at == std::string::npos) continue;
            t.name.replace(at, from.size(), to);
            // Converted original checkpoints hold them as 1x1 convolutions: the encoder's here.
            if (t.tensor.dim() == 2 && t.name.rfind("encoder.", 0) == 0)
                t.tensor = t.tensor.unsqueeze(-1).unsqueeze(-1);
            ++renamed;
            break;
        }
    EXPECT_EQ(renamed, 16);  // encoder and decoder: 4 projections, weight and bias
    writeSafetensors(tensors, file);
    const auto x = runAll(*load(fresh.path())), y = runAll(*load(old.path()));
    EXPECT_TRUE(torch::equal(x.latents, y.latents));
    EXPECT_TRUE(torch::equal(x.image, y.image));
}

TEST(DiffusionNetworks, AMissingTensorIsAnErrorNamingFileAndTensor) {
    test::TempDir dir;
    test::writeTinyFolder(dir.path(), test::WeightFormat::Safetensors);
    const auto file = dir.path() + "/unet/diffusion_pytorch_model.safetensors";
    const std::string name = "down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight";
    replaceTensor(file, name, [](NamedTensors& all, NamedTensors::iterator it) { all.erase(it); });
    const auto error = loadError(dir.path());
    EXPECT_NE(error.find(file), std::string::npos) << error;
    EXPECT_NE(error.find("lacks " + name), std::string::npos) << error;
}

TEST(DiffusionNetworks, AMisshapedTensorIsAnErrorWithBothShapes) {
    test::TempDir dir;
    test::writeTinyFolder(dir.path(), test::WeightFormat::Safetensors);
    const auto file = dir.path() + "/unet/diffusion_pytorch_model.safetensors";
    const std::string name = "down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight";
    replaceTensor(file, name, [](NamedTensors&, NamedTensors::iterator it) {
        it->tensor = torch::zeros({32, 768});
    });
    const auto error = loadError(dir.path());
    EXPECT_NE(error.find(file), std::string::npos) << error;
    EXPECT_NE(error.find(name + " has shape [32, 768]"), std::string::npos) << error;
    EXPECT_NE(error.find("expects [32, 32]"), std::string::npos) << error;
}

TEST(DiffusionNetworks, AnExtraTensorIsAnErrorButPositionIdsAreNot) {
    test::TempDir dir;
    test::writeTinyFolder(dir.path(), test::WeightFormat::Safetensors);  // holds position_ids
    ASSERT_NO_THROW(load(dir.path()));
    const auto file = dir.path() + "/text_encoder/model.safetensors";
    auto tensors = readWeightFile(file);
    tensors.push_back({"text_projection.weight", torch::zeros({32, 32})});
    writeSafetensors(tensors, file);
    const auto error = loadError(dir.path());
    EXPECT_NE(error.find(file), std::string::npos) << error;
    EXPECT_NE(error.find("text_projection.weight"), std::string::npos) << error;
}

TEST(DiffusionNetworks, ATruncatedWeightFileIsRefusedNamingIt) {
    test::TempDir dir;
    test::writeTinyFolder(dir.path(), test::WeightFormat::Safetensors);
    const auto file = dir.path() + "/vae/diffusion_pytorch_model.safetensors";
    fs::resize_file(file, fs::file_size(file) - 100);
    const auto error = loadError(dir.path());
    EXPECT_NE(error.find(file), std::string::npos) << error;
    EXPECT_NE(error.find("truncated"), std::string::npos) << error;
}

TEST(DiffusionNetworks, AMissingNetworkOrConfigMistakeIsNamed) {
    test::TempDir dir;
    test::writeTinyFolder(dir.path(), test::WeightFormat::Safetensors);
    fs::remove(dir.path() + "/vae/diffusion_pytorch_model.safetensors");
    const auto error = loadError(dir.path());
    EXPECT_NE(error.find("has no vae weights"), std::string::npos) << error;
    EXPECT_NE(error.find("vae/diffusion_pytorch_model.safetensors"), std::string::npos) << error;

    test::TempDir other;
    test::writeTinyFolder(other.path(), test::WeightFormat::Safetensors);
    auto config = test::tinyUNetConfig();
    config.replace(config.find("\"DownBlock2D\""), 13, "\"SimpleDownBlock2D\"");
    test::writeText(other.path() + "/unet/config.json", config);
    EXPECT_NE(loadError(other.path()).find("SimpleDownBlock2D is not supported"), std::string::npos)
        << loadError(other.path());
}

// PowerPaint v1 as its app.py loads it: unet/unet.safetensors and
// text_encoder/text_encoder.safetensors whose token embedding is EmbeddingLayerWithFixes'
// (wrapped.weight + trainable_embeddings.P_ctxt / P_shape / P_obj, 10 vectors each).
TEST(DiffusionNetworks, PowerPaintV1LayoutLoadsWithItsTaskTokens) {
    test::TempDir plain, ppt;
    test::writeTinyFolder(plain.path(), test::WeightFormat::Safetensors);
    test::writeTinyFolder(ppt.path(), test::WeightFormat::Safetensors);
    fs::rename(ppt.path() + "/unet/diffusion_pytorch_model.safetensors", ppt.path() + "/unet/unet.safetensors");
    const auto textFile = ppt.path() + "/text_encoder/model.safetensors";
    auto tensors = readWeightFile(textFile);
    fs::remove(textFile);
    torch::manual_seed(9);
    std::vector<torch::Tensor> taskVectors;
    for (auto& t : tensors)
        if (t.name == "text_model.embeddings.token_embedding.weight")
            t.name = "text_model.embeddings.token_embedding.wrapped.weight";
    for (const char* token : {"P_obj", "P_ctxt", "P_shape"}) {
        taskVectors.push_back(torch::randn({10, 32}) * 0.2);
        tensors.push_back({std::string("text_model.embeddings.token_embedding.trainable_embeddings.") + token,
                           taskVectors.back()});
    }
    test::writeWeights(tensors, ppt.path() + "/text_encoder/text_encoder.safetensors");

    // The same table written plainly: the PowerPaint ids follow CLIP's 100 in add_tokens' order.
    const auto plainFile = plain.path() + "/text_encoder/model.safetensors";
    auto table = readWeightFile(plainFile);
    for (auto& t : table)
        if (t.name == "text_model.embeddings.token_embedding.weight")
            t.tensor = torch::cat({t.tensor, taskVectors[0], taskVectors[1], taskVectors[2]});
    writeSafetensors(table, plainFile);

    auto pptModels = load(ppt.path());
    auto plainModels = load(plain.path());
    ASSERT_EQ(powerPaintTaskTokens().size(), 30u);
    EXPECT_EQ(powerPaintTaskTokens()[0], "P_obj_0");
    auto ids = tokenIds(1);
    for (int i = 0; i < 10; ++i) ids[0][1 + i] = 100 + i;  // "P_obj" -> P_obj_0 .. P_obj_9
    const auto a = pptModels->encodeText(ids), b = plainModels->encodeText(ids);
    EXPECT_TRUE(torch::equal(a, b));
    // The task vectors are used: P_ctxt's ids give another embedding.
    for (int i = 0; i < 10; ++i) ids[0][1 + i] = 110 + i;
    EXPECT_FALSE(torch::allclose(pptModels->encodeText(ids), a));
    // Past the added tokens is outside the vocabulary, and says so.
    ids[0][1] = 130;
    try {
        pptModels->encodeText(ids);
        ADD_FAILURE() << "id 130 accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("130-token vocabulary"), std::string::npos) << e.what();
    }
    torch::manual_seed(4);
    const auto input = torch::randn({1, 9, 8, 8});
    EXPECT_TRUE(torch::equal(pptModels->predictNoise(input, torch::tensor(10), a),
                             plainModels->predictNoise(input, torch::tensor(10), a)));
}

TEST(DiffusionNetworks, PowerPaintsFirstLayoutWithTheTextEncoderBesideTheUNet) {
    test::TempDir dir;
    test::writeTinyFolder(dir.path(), test::WeightFormat::Safetensors);
    fs::rename(dir.path() + "/text_encoder/model.safetensors", dir.path() + "/unet/text_encoder.safetensors");
    EXPECT_NO_THROW(load(dir.path()));
}

}  // namespace
}  // namespace pm::engine::diffusion
