// photomend-cli cartoon, end to end: a folder of real photos becomes cartoons at the asked size,
// one progress line per photo, metadata carried over, inputs untouched; a missing model is a clear
// one-line error.
#include <filesystem>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "core/image/image_io.h"
#include "core/metadata/metadata.h"
#include "tests/e2e/cli_runner.h"
#include "tests/support/testdata.h"

namespace pm::test {
namespace {

namespace fs = std::filesystem;

TEST(CliCartoon, CartoonizesAFolderAtTheAskedSizeKeepingMetadata) {
    PM_REQUIRE_TESTDATA();
    TempDir dir;
    const std::string in = dir.file("in");
    fs::create_directories(in);
    fs::copy_file(testdataDir() + "/metadata/FurnaceCreekInn.jpg", in + "/FurnaceCreekInn.jpg");
    fs::copy_file(testdataDir() + "/photos/astronaut.png", in + "/astronaut.png");
    const std::vector<char> before = fileBytes(in + "/FurnaceCreekInn.jpg");

    const CliResult r = runCli({"cartoon", q(in), "--output", q(dir.file("out")), "--style", "comic",
                                "--strength", "0.8", "--long-side", "512"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("FurnaceCreekInn.jpg -> "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("astronaut.png -> "), std::string::npos) << r.out;
    EXPECT_EQ(fileBytes(in + "/FurnaceCreekInn.jpg"), before) << "the input must not be touched";

    const image::LoadedPhoto original = image::loadPhoto(in + "/FurnaceCreekInn.jpg");
    const image::LoadedPhoto drawn = image::loadPhoto(dir.file("out/FurnaceCreekInn.jpg"));
    EXPECT_EQ(std::max(drawn.pixels.cols, drawn.pixels.rows), 512);
    EXPECT_NEAR(double(drawn.pixels.cols) / drawn.pixels.rows,
                double(original.pixels.cols) / original.pixels.rows, 0.01);
    for (const char* key : {"Exif.GPSInfo.GPSLatitude", "Exif.Image.Model", "Xmp.aux.Lens"}) {
        ASSERT_FALSE(original.metadata.value(key).empty()) << key;
        EXPECT_EQ(drawn.metadata.value(key), original.metadata.value(key)) << key;
    }
    EXPECT_NE(drawn.metadata.value("Xmp.xmp.CreatorTool").find("PhotoMend"), std::string::npos);
    const cv::Mat astronaut = cv::imread(dir.file("out/astronaut.png"));
    EXPECT_EQ(astronaut.size(), cv::Size(512, 512));
}

TEST(CliCartoon, StrengthZeroWritesThePhotoAndBadValuesAreRefused) {
    PM_REQUIRE_TESTDATA();
    TempDir dir;
    const std::string photo = testdataDir() + "/photos/coffee.png";
    const CliResult r = runCli({"cartoon", q(photo), "--output", q(dir.file("same.png")), "--strength", "0"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(cv::norm(cv::imread(photo), cv::imread(dir.file("same.png")), cv::NORM_INF), 0.0);

    const CliResult style = runCli({"cartoon", q(photo), "--output", q(dir.file("x.png")), "--style", "oil"});
    EXPECT_EQ(style.exitCode, 1);
    EXPECT_NE(style.err.find("unknown cartoon style 'oil'"), std::string::npos) << style.err;
    const CliResult strength = runCli({"cartoon", q(photo), "--output", q(dir.file("x.png")), "--strength", "1.5"});
    EXPECT_EQ(strength.exitCode, 1);
    EXPECT_FALSE(fs::exists(dir.file("x.png")));
}

TEST(CliCartoon, ModelEngineWithoutAModelSaysSoInOneLine) {
    PM_REQUIRE_TESTDATA();
    TempDir dir;
    const CliResult r = runCli({"cartoon", q(testdataDir() + "/photos/coffee.png"), "--output",
                                q(dir.file("c.png")), "--engine", "model", "--models-dir", q(dir.file("none"))});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("no cartoon model installed"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir.file("c.png")));
}

}  // namespace
}  // namespace pm::test
