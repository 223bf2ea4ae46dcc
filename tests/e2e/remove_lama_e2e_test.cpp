// photomend-cli remove --engine lama with a model installed in --models-dir: a tiny TorchScript model
// with big-LaMa's contract (it fills the hole with mid-grey) stands in for the real download.
#include <cstdlib>
#include <filesystem>

#include <opencv2/imgcodecs.hpp>

#include "tests/e2e/cli_runner.h"
#include "tests/engine/tiny_models.h"
#include "tests/support/testdata.h"

namespace pm::test {
namespace {

TEST(CliRemoveLama, AnInstalledModelFillsTheHoleAndIsNamed) {
    TempDir dir;
    std::filesystem::create_directories(dir.file("models"));
    saveGreyFillModel(dir.file("models/big-lama.pt"));  // the manifest's file name for LaMa
    // The shipped manifest holds the real big-lama.pt's MD5, which the stand-in cannot match: the
    // CLI reads a manifest with the same entry minus the checksum (it inherits this environment).
    const std::string manifest = writeManifest(
        dir.path(),
        manifestEntry("big-lama", "inpaint", "big-lama.pt",
                      R"({"kind": "inpaint", "range": "0..1", "sizeMultiple": 8, "halfSafe": true,)"
                      R"( "buckets": [512, 1024]})"));
    setenv("PHOTOMEND_MANIFEST", manifest.c_str(), 1);
    struct Unset {
        ~Unset() { unsetenv("PHOTOMEND_MANIFEST"); }
    } unsetAfterwards;
    const cv::Size size(200, 150);
    const cv::Mat photo = withObject(texturedBackground(size), {100, 75}, 20);
    const cv::Mat mask = diskMask(size, {100, 75}, 22);
    cv::imwrite(dir.file("in.png"), photo);
    cv::imwrite(dir.file("mask.png"), mask);

    const CliResult r = runCli({"remove", q(dir.file("in.png")), "--mask", q(dir.file("mask.png")),
                                "--output", q(dir.file("out.png")), "--engine", "lama",
                                "--device", "cpu", "--models-dir", q(dir.file("models"))});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("LaMa on CPU"), std::string::npos) << r.out;
    const cv::Mat out = cv::imread(dir.file("out.png"));
    // The tiny model paints the hole mid-grey (0.5): the red object is gone, replaced by grey.
    const cv::Vec3b centre = out.at<cv::Vec3b>(75, 100);
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(centre[c], 128, 3) << "channel " << c;
    // Far from the hole nothing changed.
    EXPECT_EQ(cv::norm(out(cv::Rect(0, 0, 40, 150)), photo(cv::Rect(0, 0, 40, 150)), cv::NORM_INF), 0);

    // Auto picks the installed model too; builtin ignores it.
    const CliResult builtin = runCli({"remove", q(dir.file("in.png")), "--mask", q(dir.file("mask.png")),
                                      "--output", q(dir.file("b.png")), "--engine", "builtin",
                                      "--models-dir", q(dir.file("models"))});
    ASSERT_EQ(builtin.exitCode, 0) << builtin.err;
    EXPECT_NE(builtin.out.find("PatchMatch"), std::string::npos) << builtin.out;
}

TEST(CliRemoveLama, ABrokenModelFileIsNamedInTheError) {
    TempDir dir;
    std::filesystem::create_directories(dir.file("models"));
    writeBytes(dir.file("models/big-lama.pt"), "this is not a TorchScript archive");
    cv::imwrite(dir.file("in.png"), texturedBackground({64, 48}));
    cv::imwrite(dir.file("mask.png"), diskMask({64, 48}, {32, 24}, 6));
    const CliResult r = runCli({"remove", q(dir.file("in.png")), "--mask", q(dir.file("mask.png")),
                                "--output", q(dir.file("out.png")), "--engine", "lama",
                                "--models-dir", q(dir.file("models"))});
    EXPECT_EQ(r.exitCode, 1);
    ASSERT_EQ(r.errLines().size(), 1u) << r.err;
    EXPECT_NE(r.err.find("big-lama.pt"), std::string::npos) << "the broken file is named: " << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.file("out.png")));
}

}  // namespace
}  // namespace pm::test
