// photomend-cli fill, end to end as far as it goes without a prompt-fill model: the arguments it
// refuses, and the message that names the folder it looked in when no model is installed. (A run
// with the tiny networks of tests/diffusion_models comes once the networks are in.)
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "tests/e2e/cli_runner.h"
#include "tests/support/testdata.h"

namespace pm::test {
namespace {

namespace fs = std::filesystem;

struct FillFiles {
    TempDir dir;
    std::string photo = dir.file("photo.png");
    std::string mask = dir.file("mask.png");
    FillFiles() {
        cv::imwrite(photo, texturedBackground({64, 48}));
        cv::imwrite(mask, diskMask({64, 48}, {32, 24}, 8));
    }
};

TEST(CliFill, NamesTheFolderItLookedInWhenNoModelIsInstalled) {
    FillFiles f;
    const std::string models = f.dir.file("models");
    fs::create_directories(models);
    const CliResult r = runCli({"fill", q(f.photo), "--mask", q(f.mask), "--prompt", "a red brick wall",
                                "--output", q(f.dir.file("out.png")), "--models-dir", q(models), "--device", "cpu"});
    EXPECT_EQ(r.exitCode, 1);
    ASSERT_EQ(r.errLines().size(), 1u) << r.err;
    EXPECT_NE(r.err.find("no prompt-fill model is installed"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(models + "/powerpaint-v1"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(models + "/sd-1.5-inpainting"), std::string::npos) << "both folders it looks in: " << r.err;
    EXPECT_FALSE(fs::exists(f.dir.file("out.png")));

    // A folder without its tokenizer is not a model either, and the message says what is missing.
    const std::string partial = f.dir.file("partial");
    for (const char* part : {"unet", "vae", "text_encoder"}) {
        fs::create_directories(partial + "/" + part);
        std::ofstream(partial + "/" + part + "/config.json") << "{}";
    }
    for (const char* weights : {"unet/diffusion_pytorch_model.bin", "vae/diffusion_pytorch_model.bin",
                                "text_encoder/pytorch_model.bin"})
        std::ofstream(partial + "/" + weights) << "x";
    const CliResult p = runCli({"fill", q(f.photo), "--mask", q(f.mask), "--prompt", "a cat", "--output",
                                q(f.dir.file("out.png")), "--model", q(partial)});
    EXPECT_EQ(p.exitCode, 1);
    EXPECT_NE(p.err.find(partial + "/tokenizer/vocab.json is missing"), std::string::npos) << p.err;
}

TEST(CliFill, WithoutModelItFallsBackToAnInstalledSdInpaintingFolder) {
    FillFiles f;
    const std::string models = f.dir.file("models");
    const std::string sd = models + "/sd-1.5-inpainting";
    // The files the installed-check looks for; their contents are no model, so the load fails after
    // the choice, which is what this test looks at.
    for (const char* part : {"unet", "vae", "text_encoder", "tokenizer"}) fs::create_directories(sd + "/" + part);
    for (const char* file : {"unet/config.json", "vae/config.json", "text_encoder/config.json",
                             "unet/diffusion_pytorch_model.bin", "vae/diffusion_pytorch_model.bin",
                             "text_encoder/pytorch_model.bin", "tokenizer/vocab.json", "tokenizer/merges.txt"})
        std::ofstream(sd + "/" + file) << "{}";
    const CliResult r = runCli({"fill", q(f.photo), "--mask", q(f.mask), "--task", "remove", "--output",
                                q(f.dir.file("out.png")), "--models-dir", q(models), "--device", "cpu", "--steps", "1"});
    EXPECT_EQ(r.err.find("no prompt-fill model is installed"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("PowerPaint v1 is not installed; using " + sd), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("plain prompts"), std::string::npos) << "what SD-1.5 does with PowerPaint's tasks: " << r.err;
    // These files are no weights: the fill fails after choosing the folder, and writes nothing.
    EXPECT_EQ(r.exitCode, 1) << r.err;
    EXPECT_FALSE(fs::exists(f.dir.file("out.png")));
}

TEST(CliFill, RefusesMissingAndBadArgumentsBeforeAnyWork) {
    FillFiles f;
    const QString out = q(f.dir.file("out.png"));
    const CliResult noOutput = runCli({"fill", q(f.photo), "--mask", q(f.mask), "--prompt", "x"});
    EXPECT_EQ(noOutput.exitCode, 2) << noOutput.err;

    struct Case {
        QStringList extra;
        std::string message;
    };
    const std::vector<Case> cases = {
        {{"--prompt", "a cat"}, "--mask is needed"},
        {{"--mask", q(f.mask)}, "--prompt is needed for the fill task"},
        {{"--mask", q(f.mask), "--prompt", "a cat", "--task", "paint"}, "unknown task 'paint'"},
        {{"--mask", q(f.mask), "--prompt", "a cat", "--steps", "0"}, "--steps '0' must be a whole number"},
        {{"--mask", q(f.mask), "--prompt", "a cat", "--guidance", "x"}, "--guidance 'x' must be a number"},
        {{"--mask", q(f.mask), "--prompt", "a cat", "--fitting", "1.5"}, "--fitting '1.5' must be a number from 0 to 1"},
        {{"--mask", q(f.mask), "--prompt", "a cat", "--variations", "0"}, "--variations '0'"},
        {{"--mask", q(f.mask), "--prompt", "a cat", "--scheduler", "euler"}, "unknown scheduler 'euler'"},
        {{"--task", "outpaint"}, "--extend is needed"},
        {{"--task", "outpaint", "--extend", "10,20"}, "must give four sides"},
        {{"--task", "outpaint", "--extend", "0,0,0,0"}, "adds nothing"},
        // Removing with context needs no prompt: it gets as far as looking for the model.
        {{"--mask", q(f.mask), "--task", "remove", "--models-dir", q(f.dir.file("none"))}, "no prompt-fill model"},
    };
    for (const Case& c : cases) {
        QStringList args = {"fill", q(f.photo), "--output", out};
        args += c.extra;
        const CliResult r = runCli(args);
        EXPECT_EQ(r.exitCode, 1) << c.message << ": " << r.err;
        EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
        EXPECT_FALSE(fs::exists(f.dir.file("out.png")));
    }
}

TEST(CliFill, NeverWritesAVariationOverTheInput) {
    FillFiles f;
    // Two variations of "photo.png" are photo-1.png and photo-2.png: the second would be the input.
    const std::string input = f.dir.file("shot-2.png");
    fs::copy_file(f.photo, input);
    const std::vector<char> before = fileBytes(input);
    const CliResult r = runCli({"fill", q(input), "--mask", q(f.mask), "--prompt", "a cat", "--variations", "2",
                                "--output", q(f.dir.file("shot.png"))});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("shot-2.png"), std::string::npos) << r.err;
    EXPECT_EQ(fileBytes(input), before);
}

}  // namespace
}  // namespace pm::test
