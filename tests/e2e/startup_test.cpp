// photomend-cli opens libtorch (libphotomend-torch.so) only when a model or the GPU needs it, and
// its commands (libphotomend-cli.so, with OpenCV and Qt) only for a command: `--help` starts at once
// and the built-in tools without libtorch's half second of loading.
#include <QProcess>
#include <QProcessEnvironment>

#include <opencv2/imgcodecs.hpp>

#include "tests/e2e/cli_runner.h"
#include "tests/support/testdata.h"

namespace pm::test {
namespace {

// What the dynamic loader reports loading (LD_DEBUG=files) while the CLI runs `arguments`.
std::string librariesLoaded(const QStringList& arguments) {
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("LD_DEBUG", "files");
    process.setProcessEnvironment(env);
    process.start(QStringLiteral(PM_CLI_PATH), arguments);
    EXPECT_TRUE(process.waitForFinished(60000));
    EXPECT_EQ(process.exitCode(), 0) << process.readAllStandardError().toStdString();
    return process.readAllStandardError().toStdString();
}

TEST(CliStartup, HelpAndTheBuiltInRemovalDoNotLoadLibtorch) {
    const std::string help = librariesLoaded({"--help"});
    ASSERT_NE(help.find("libstdc++"), std::string::npos) << "LD_DEBUG reported nothing";
    EXPECT_EQ(help.find("libtorch"), std::string::npos);
    EXPECT_EQ(help.find("libphotomend-torch"), std::string::npos);
    EXPECT_EQ(help.find("libopencv"), std::string::npos);
    EXPECT_EQ(help.find("libQt6Core"), std::string::npos);

    TempDir dir;
    const cv::Size size(160, 120);
    ASSERT_TRUE(cv::imwrite(dir.file("photo.png"),
                            withObject(texturedBackground(size), cv::Point(80, 60), 14)));
    ASSERT_TRUE(cv::imwrite(dir.file("mask.png"), diskMask(size, cv::Point(80, 60), 16)));
    const std::string removal = librariesLoaded(
        {"remove", q(dir.file("photo.png")), "--mask", q(dir.file("mask.png")), "--output",
         q(dir.file("out.png")), "--engine", "builtin", "--device", "cpu"});
    EXPECT_TRUE(std::filesystem::exists(dir.file("out.png")));
    EXPECT_NE(removal.find("libphotomend-cli.so"), std::string::npos);
    EXPECT_EQ(removal.find("libtorch"), std::string::npos);
}

TEST(CliStartup, InfoOpensTheEngineModuleBesideTheProgram) {
    TempDir dir;
    const CliResult result = runCli({"info", "--models-dir", q(dir.path())});
    ASSERT_EQ(result.exitCode, 0) << result.err;
    EXPECT_NE(result.out.find("AI engine: libtorch "), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("/app/libphotomend-torch.so)"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace pm::test
