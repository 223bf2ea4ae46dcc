// What photomend-cli says and returns when it is called wrongly, and what `info` reports.
#include <filesystem>

#include <opencv2/imgcodecs.hpp>

#include "tests/e2e/cli_runner.h"
#include "tests/support/testdata.h"

namespace pm::test {
namespace {

TEST(CliUsage, UnknownCommandIsAUsageError) {
    const CliResult r = runCli({"erase", "x.png"});
    EXPECT_EQ(r.exitCode, 2);
    ASSERT_EQ(r.errLines().size(), 1u) << r.err;
    EXPECT_NE(r.err.find("erase"), std::string::npos) << r.err;
}

TEST(CliUsage, NoCommandIsAUsageError) {
    const CliResult r = runCli({});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("Usage"), std::string::npos) << r.err;
}

TEST(CliUsage, RemoveWithoutMaskOrOutputIsAUsageError) {
    TempDir dir;
    ASSERT_TRUE(cv::imwrite(dir.file("photo.png"), texturedBackground({32, 32})));
    const CliResult noMask =
        runCli({"remove", q(dir.file("photo.png")), "--output", q(dir.file("o.png"))});
    EXPECT_EQ(noMask.exitCode, 2) << noMask.err;
    EXPECT_NE(noMask.err.find("--mask"), std::string::npos) << noMask.err;
    const CliResult noOutput =
        runCli({"remove", q(dir.file("photo.png")), "--mask", q(dir.file("photo.png"))});
    EXPECT_EQ(noOutput.exitCode, 2) << noOutput.err;
    EXPECT_FALSE(std::filesystem::exists(dir.file("o.png")));
}

TEST(CliUsage, UnknownOptionIsAUsageError) {
    const CliResult r = runCli({"remove", "--colour", "red"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("colour"), std::string::npos) << r.err;
}

TEST(CliUsage, HelpListsTheOptionsAndSucceeds) {
    const CliResult r = runCli({"remove", "--help"});
    EXPECT_EQ(r.exitCode, 0);
    for (const char* option : {"--mask", "--output", "--engine", "--device", "--models-dir"})
        EXPECT_NE(r.out.find(option), std::string::npos) << option;
}

TEST(CliInfo, CudaRequestedWithoutGpuFallsBackToCpuAndSaysWhy) {
    if (std::filesystem::exists("/dev/nvidiactl")) GTEST_SKIP() << "this machine has an NVIDIA GPU";
    TempDir models;
    const CliResult r = runCli({"info", "--device", "cuda", "--models-dir", q(models.path())});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("CPU"), std::string::npos) << r.out;
    // The reason mentions what was asked for and why it is not used.
    EXPECT_NE(r.out.find("CUDA"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("not installed"), std::string::npos) << "models are listed:\n" << r.out;
}

TEST(CliInfo, BadDeviceValueFails) {
    const CliResult r = runCli({"info", "--device", "tpu"});
    EXPECT_NE(r.exitCode, 0);
    ASSERT_EQ(r.errLines().size(), 1u) << r.err;
    EXPECT_NE(r.err.find("tpu"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace pm::test
