// photomend-cli repair and split, end to end: real old photos in, repaired photos out with their
// metadata; a synthetic flatbed scan split into straightened photos.
#include <filesystem>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/image/image_io.h"
#include "tests/e2e/cli_runner.h"
#include "tests/support/testdata.h"

namespace pm::test {
namespace {

namespace fs = std::filesystem;

TEST(CliRepair, RepairsEveryRealOldPhotoOfAFolderAndLeavesTheInputsAlone) {
    PM_REQUIRE_TESTDATA();
    TempDir dir;
    const std::string in = testdataDir() + "/old-photos";
    std::vector<std::vector<char>> before;
    const auto inputs = testdataFiles("old-photos");
    ASSERT_FALSE(inputs.empty());
    for (const std::string& f : inputs) before.push_back(fileBytes(f));

    const CliResult r = runCli({"repair", q(in), "--output", q(dir.file("out")),
                                "--steps", "scratches,color,denoise"}, 240000);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    for (size_t i = 0; i < inputs.size(); ++i) {
        const std::string name = fs::path(inputs[i]).filename().string();
        const std::string out = dir.file("out/" + name);
        ASSERT_TRUE(fs::exists(out)) << name;
        EXPECT_EQ(fileBytes(inputs[i]), before[i]) << name << " must not be touched";
        const image::LoadedPhoto original = image::loadPhoto(inputs[i]);
        const image::LoadedPhoto repaired = image::loadPhoto(out);
        ASSERT_EQ(repaired.pixels.size(), original.pixels.size()) << name;
        EXPECT_GT(cv::norm(repaired.pixels, original.pixels, cv::NORM_L1), 0) << name << " unchanged";
        EXPECT_NE(repaired.metadata.value("Xmp.xmp.CreatorTool").find("PhotoMend"), std::string::npos) << name;
    }
    // Every photo is reported with the steps that ran.
    for (const std::string& f : inputs)
        EXPECT_NE(r.out.find(fs::path(f).filename().string()), std::string::npos);
    EXPECT_NE(r.out.find("color"), std::string::npos);
}

TEST(CliRepair, RestoresFadedColourOfARealPhoto) {
    PM_REQUIRE_TESTDATA();
    TempDir dir;
    const std::string faded = testdataDir() + "/old-photos/faded_b.png";
    const CliResult r = runCli({"repair", q(faded), "--output", q(dir.file("b.jpg")), "--steps", "color"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const cv::Mat in = cv::imread(faded), out = cv::imread(dir.file("b.jpg"));
    // A faded print has a compressed range; restoring stretches every channel.
    std::vector<cv::Mat> a, b;
    cv::split(in, a);
    cv::split(out, b);
    for (int c = 0; c < 3; ++c) {
        cv::Scalar m0, s0, m1, s1;
        cv::meanStdDev(a[c], m0, s0);
        cv::meanStdDev(b[c], m1, s1);
        EXPECT_GT(s1[0], s0[0]) << "channel " << c << " has more contrast";
    }
}

TEST(CliRepair, BadStepsAndBadFilesGiveOneLineReasons) {
    TempDir dir;
    cv::imwrite(dir.file("p.png"), texturedBackground({64, 48}));
    CliResult r = runCli({"repair", q(dir.file("p.png")), "--output", q(dir.file("o.png")), "--steps", "magic"});
    EXPECT_EQ(r.exitCode, 1);
    ASSERT_EQ(r.errLines().size(), 1u);
    EXPECT_NE(r.err.find("magic"), std::string::npos);
    writeBytes(dir.file("bad.jpg"), "not a jpeg");
    r = runCli({"repair", q(dir.file("bad.jpg")), "--output", q(dir.file("o.jpg"))});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("bad.jpg"), std::string::npos);
    EXPECT_FALSE(fs::exists(dir.file("o.jpg")));
    r = runCli({"repair", q(dir.file("p.png"))});
    EXPECT_EQ(r.exitCode, 2) << "--output is required";
}

TEST(CliSplit, WritesOneStraightenedPhotoPerPhotoOnTheScan) {
    TempDir dir;
    // Two photos on an off-white bed, one tilted by 6 degrees.
    cv::Mat scan(900, 1200, CV_8UC3, cv::Scalar(236, 240, 242));
    const cv::Mat first = texturedBackground({300, 220}, 1);
    first.copyTo(scan(cv::Rect(100, 120, 300, 220)));
    const cv::Mat second = texturedBackground({320, 240}, 7);
    cv::Mat tilted;
    cv::Mat canvas(500, 500, CV_8UC3, cv::Scalar(236, 240, 242));
    second.copyTo(canvas(cv::Rect(90, 130, 320, 240)));
    cv::warpAffine(canvas, tilted, cv::getRotationMatrix2D({250, 250}, 6, 1.0), canvas.size(),
                   cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(236, 240, 242));
    tilted.copyTo(scan(cv::Rect(620, 300, 500, 500)));
    cv::imwrite(dir.file("scan.png"), scan);

    const CliResult r = runCli({"split", q(dir.file("scan.png")), "--output", q(dir.file("photos"))});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    ASSERT_TRUE(fs::exists(dir.file("photos/scan-1.png")));
    ASSERT_TRUE(fs::exists(dir.file("photos/scan-2.png")));
    EXPECT_FALSE(fs::exists(dir.file("photos/scan-3.png")));
    const cv::Mat a = cv::imread(dir.file("photos/scan-1.png"));
    const cv::Mat b = cv::imread(dir.file("photos/scan-2.png"));
    EXPECT_NEAR(a.cols, 300, 6);
    EXPECT_NEAR(a.rows, 220, 6);
    EXPECT_NEAR(b.cols, 320, 8) << "the tilted photo comes out straight, not with its bounding box";
    EXPECT_NEAR(b.rows, 240, 8);
}

TEST(CliSplit, AnEmptyBedIsAClearError) {
    TempDir dir;
    cv::imwrite(dir.file("empty.png"), cv::Mat(400, 600, CV_8UC3, cv::Scalar(240, 240, 240)));
    const CliResult r = runCli({"split", q(dir.file("empty.png")), "--output", q(dir.file("out"))});
    EXPECT_EQ(r.exitCode, 1);
    ASSERT_EQ(r.errLines().size(), 1u);
    EXPECT_NE(r.err.find("no photos"), std::string::npos) << r.err;
}

TEST(CliSplit, AnOrdinaryPhotoIsNotCutUp) {
    const std::string root = testdataDir();
    if (root.empty()) GTEST_SKIP() << "../shared/testdata is absent";
    TempDir dir;
    const CliResult r =
        runCli({"split", q(root + "/photos/chelsea.png"), "--output", q(dir.file("out"))});
    EXPECT_EQ(r.exitCode, 1);
    // (libpng may print its own warning about the file's colour profile before the reason.)
    ASSERT_FALSE(r.errLines().empty());
    const std::string reason = r.errLines().back();
    EXPECT_NE(reason.find("no photos"), std::string::npos) << r.err;
    EXPECT_NE(reason.find("single photo"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir.file("out/chelsea-1.png"))) << "no made-up crop is written";
}

}  // namespace
}  // namespace pm::test
