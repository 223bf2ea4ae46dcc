// Which prompt-fill model the engine preloads (and photomend-cli fill uses) when none is named:
// PowerPaint v1, else SD-1.5 inpainting, in the manifest's order, never one the user switched off.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "core/engine/engine.h"
#include "core/engine/prompt_fill_request.h"
#include "tests/support/testdata.h"

namespace pm::engine {
namespace {

namespace fs = std::filesystem;

// The files promptFillModelInstalled looks for (nothing here loads them).
void installFolder(const std::string& folder) {
    for (const char* part : {"unet", "vae", "text_encoder", "tokenizer"}) fs::create_directories(fs::path(folder) / part);
    for (const char* file : {"unet/config.json", "vae/config.json", "text_encoder/config.json",
                             "unet/diffusion_pytorch_model.safetensors", "vae/diffusion_pytorch_model.safetensors",
                             "text_encoder/model.safetensors", "tokenizer/vocab.json", "tokenizer/merges.txt"})
        std::ofstream(fs::path(folder) / file) << "{}";
    ASSERT_TRUE(promptFillModelInstalled(folder));
}

TEST(PromptFillModelChoice, PowerPaintFirstThenSdInpaintingNeverASwitchedOffOne) {
    test::TempDir dir;
    EngineOptions options;  // the repository's manifest (defaultManifestPath)
    options.modelsDir = dir.path();
    const std::string powerPaint = dir.file("powerpaint-v1");
    const std::string sd = dir.file("sd-1.5-inpainting");

    EXPECT_EQ(promptFillModelFolder(options), "") << "nothing installed";
    installFolder(sd);
    EXPECT_EQ(promptFillModelFolder(options), sd) << "SD-1.5 inpainting alone is used";
    installFolder(powerPaint);
    EXPECT_EQ(promptFillModelFolder(options), powerPaint) << "PowerPaint comes first";

    options.disabledModels = {"powerpaint-v1"};
    EXPECT_EQ(promptFillModelFolder(options), sd) << "the preload loaded a model the user switched off";
    options.disabledModels = {"powerpaint-v1", "sd-1.5-inpainting"};
    EXPECT_EQ(promptFillModelFolder(options), "");

    options.promptFillModelFolder = dir.file("chosen");  // a folder the program was given wins
    EXPECT_EQ(promptFillModelFolder(options), dir.file("chosen"));
}

TEST(PromptFillModelChoice, AHalfInstalledFolderIsPassedOver) {
    test::TempDir dir;
    EngineOptions options;
    options.modelsDir = dir.path();
    fs::create_directories(dir.file("powerpaint-v1") + "/unet");  // an interrupted download
    installFolder(dir.file("sd-1.5-inpainting"));
    EXPECT_EQ(promptFillModelFolder(options), dir.file("sd-1.5-inpainting"));
}

}  // namespace
}  // namespace pm::engine
