// photomend-cli remove on single files: what a user scripting the CLI relies on.
#include <filesystem>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "tests/e2e/cli_runner.h"
#include "tests/support/testdata.h"

namespace pm::test {
namespace {

const cv::Size kSize(160, 120);
const cv::Point kCenter(80, 60);
constexpr int kRadius = 14;

struct Scene {
    cv::Mat background, photo, mask;
};

Scene writeScene(const TempDir& dir, const std::string& photoName, const std::string& maskName) {
    Scene s;
    s.background = texturedBackground(kSize);
    s.photo = withObject(s.background, kCenter, kRadius);
    s.mask = diskMask(kSize, kCenter, kRadius + 2);
    EXPECT_TRUE(cv::imwrite(dir.file(photoName), s.photo));
    EXPECT_TRUE(cv::imwrite(dir.file(maskName), s.mask));
    return s;
}

TEST(CliRemoveFile, PngObjectIsRemovedAndFarPixelsAreIdentical) {
    TempDir dir;
    const Scene s = writeScene(dir, "photo.png", "mask.png");
    const CliResult r =
        runCli({"remove", q(dir.file("photo.png")), "--mask", q(dir.file("mask.png")), "--output",
                q(dir.file("out.png")), "--engine", "builtin"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    ASSERT_TRUE(std::filesystem::exists(dir.file("out.png")));

    const cv::Mat out = cv::imread(dir.file("out.png"), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(out.size(), kSize);
    ASSERT_EQ(out.type(), CV_8UC3);
    // The red disk is gone: inside the mask the result is much closer to the true background.
    const double before = meanAbsDiffIn(s.photo, s.background, s.mask);
    const double after = meanAbsDiffIn(out, s.background, s.mask);
    EXPECT_GT(meanAbsDiffIn(out, s.photo, s.mask), 40.0);
    EXPECT_LT(after, before / 3.0) << "before " << before << ", after " << after;
    // Far from the mask nothing may change (PNG is lossless).
    const cv::Mat far = farFromMask(s.mask, 24);
    ASSERT_GT(cv::countNonZero(far), kSize.area() / 2);
    EXPECT_EQ(meanAbsDiffIn(out, s.photo, far), 0.0);
    cv::Mat diff;
    cv::absdiff(out, s.photo, diff);
    cv::Mat diffFar;
    diff.copyTo(diffFar, far);
    EXPECT_EQ(cv::countNonZero(diffFar.reshape(1)), 0);
}

TEST(CliRemoveFile, OutputIntoAnExistingFolderKeepsTheName) {
    TempDir dir;
    writeScene(dir, "photo.png", "mask.png");
    std::filesystem::create_directory(dir.file("results"));
    const CliResult r =
        runCli({"remove", q(dir.file("photo.png")), "--mask", q(dir.file("mask.png")), "--output",
                q(dir.file("results")), "--engine", "builtin"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_FALSE(cv::imread(dir.file("results/photo.png")).empty());
}

TEST(CliRemoveFile, RefusesToOverwriteItsInput) {
    TempDir dir;
    writeScene(dir, "photo.png", "mask.png");
    const std::vector<char> original = fileBytes(dir.file("photo.png"));
    ASSERT_FALSE(original.empty());
    // The same file spelled differently must be caught too.
    const std::string sameFile = dir.path() + "/./photo.png";
    const CliResult r =
        runCli({"remove", q(dir.file("photo.png")), "--mask", q(dir.file("mask.png")), "--output",
                q(sameFile), "--engine", "builtin"});
    EXPECT_EQ(r.exitCode, 1);
    ASSERT_EQ(r.errLines().size(), 1u) << r.err;
    EXPECT_NE(r.err.find("overwrite"), std::string::npos) << r.err;
    EXPECT_EQ(fileBytes(dir.file("photo.png")), original);
}

TEST(CliRemoveFile, WrongSizeMaskFailsWithOneLineReason) {
    TempDir dir;
    writeScene(dir, "photo.png", "unused.png");
    ASSERT_TRUE(cv::imwrite(dir.file("small-mask.png"), diskMask({80, 60}, {40, 30}, 10)));
    const CliResult r =
        runCli({"remove", q(dir.file("photo.png")), "--mask", q(dir.file("small-mask.png")),
                "--output", q(dir.file("out.png")), "--engine", "builtin"});
    EXPECT_EQ(r.exitCode, 1);
    const auto lines = r.errLines();
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_EQ(lines[0].rfind("photomend-cli: ", 0), 0u) << lines[0];
    // The reason names the sizes so the user can see what is wrong.
    EXPECT_NE(lines[0].find("80"), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find("160"), std::string::npos) << lines[0];
    EXPECT_FALSE(std::filesystem::exists(dir.file("out.png")));
}

TEST(CliRemoveFile, MissingInputFails) {
    TempDir dir;
    ASSERT_TRUE(cv::imwrite(dir.file("mask.png"), diskMask(kSize, kCenter, kRadius)));
    const CliResult r = runCli({"remove", q(dir.file("nope.png")), "--mask",
                                q(dir.file("mask.png")), "--output", q(dir.file("out.png"))});
    EXPECT_EQ(r.exitCode, 1);
    ASSERT_EQ(r.errLines().size(), 1u) << r.err;
    EXPECT_NE(r.err.find("nope.png"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.file("out.png")));
}

TEST(CliRemoveFile, LamaWithoutInstalledModelFailsAndSaysSo) {
    TempDir dir;
    writeScene(dir, "photo.png", "mask.png");
    std::filesystem::create_directory(dir.file("models"));
    const CliResult r =
        runCli({"remove", q(dir.file("photo.png")), "--mask", q(dir.file("mask.png")), "--output",
                q(dir.file("out.png")), "--engine", "lama", "--device", "cpu", "--models-dir",
                q(dir.file("models"))});
    EXPECT_EQ(r.exitCode, 1);
    ASSERT_EQ(r.errLines().size(), 1u) << r.err;
    EXPECT_NE(r.err.find("LaMa"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("not installed"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.file("out.png")));
}


// --grow with a negative number shrinks a loosely painted mask first, --feather sets the blend band:
// with both at their hardest only the shrunk mask changes, and a wider feather reaches further out.
TEST(CliRemoveFile, NegativeGrowShrinksTheMaskAndFeatherSetsTheBlendBand) {
    TempDir dir;
    const Scene s = writeScene(dir, "photo.png", "mask.png");
    const cv::Mat loose = diskMask(kSize, kCenter, kRadius + 8);
    ASSERT_TRUE(cv::imwrite(dir.file("loose.png"), loose));
    CliResult r = runCli({"remove", q(dir.file("photo.png")), "--mask", q(dir.file("loose.png")), "--output",
                          q(dir.file("hard.png")), "--engine", "builtin", "--grow", "-5", "--feather", "0"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    cv::Mat changed;
    cv::Mat diff;
    cv::absdiff(cv::imread(dir.file("hard.png"), cv::IMREAD_UNCHANGED), s.photo, diff);
    cv::cvtColor(diff, changed, cv::COLOR_BGR2GRAY);
    const cv::Mat shrunk = diskMask(kSize, kCenter, kRadius + 3);  // loose shrunk by 5 px
    EXPECT_EQ(cv::countNonZero(changed & ~diskMask(kSize, kCenter, kRadius + 4)), 0)
        << "nothing outside the shrunk mask changes";
    EXPECT_GT(cv::countNonZero(changed & shrunk), shrunk.total() / 200);

    r = runCli({"remove", q(dir.file("photo.png")), "--mask", q(dir.file("loose.png")), "--output",
                q(dir.file("soft.png")), "--engine", "builtin", "--grow", "-5", "--feather", "6"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    cv::absdiff(cv::imread(dir.file("soft.png"), cv::IMREAD_UNCHANGED), s.photo, diff);
    cv::cvtColor(diff, changed, cv::COLOR_BGR2GRAY);
    EXPECT_GT(cv::countNonZero(changed & ~diskMask(kSize, kCenter, kRadius + 4)), 0)
        << "the feather blends beyond the mask";
    EXPECT_EQ(cv::countNonZero(changed & ~diskMask(kSize, kCenter, kRadius + 3 + 6 + 2)), 0);

    r = runCli({"remove", q(dir.file("photo.png")), "--mask", q(dir.file("mask.png")), "--output",
                q(dir.file("none.png")), "--engine", "builtin", "--grow", "-60"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("shrinks the mask to nothing"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.file("none.png")));
    r = runCli({"remove", q(dir.file("photo.png")), "--mask", q(dir.file("mask.png")), "--output",
                q(dir.file("bad.png")), "--feather", "-2"});
    EXPECT_EQ(r.exitCode, 2) << "a negative feather is wrong usage";
}

// --feather-mask softens the mask itself, as the app's Feather Mask: the object still goes, the edge
// blends into the photo a little beyond the painted mask, and nothing changes where the feathered mask
// is 0 (a Gaussian of radius PX: no further than PX outside the painted edge).
TEST(CliRemoveFile, FeatherMaskBlendsTheEdgeAndLeavesWhatItDoesNotReach) {
    TempDir dir;
    const Scene s = writeScene(dir, "photo.png", "mask.png");
    const CliResult r = runCli({"remove", q(dir.file("photo.png")), "--mask", q(dir.file("mask.png")), "--output",
                                q(dir.file("soft.png")), "--engine", "builtin", "--grow", "0", "--feather-mask", "6"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const cv::Mat out = cv::imread(dir.file("soft.png"), cv::IMREAD_UNCHANGED);
    ASSERT_EQ(out.size(), kSize);
    const cv::Mat core = diskMask(kSize, kCenter, kRadius - 4);
    EXPECT_LT(meanAbsDiffIn(out, s.background, core), meanAbsDiffIn(s.photo, s.background, core) / 3.0)
        << "the object is removed";
    cv::Mat diff, changed;
    cv::absdiff(out, s.photo, diff);
    cv::cvtColor(diff, changed, cv::COLOR_BGR2GRAY);
    const int painted = kRadius + 2;
    const cv::Mat ring = diskMask(kSize, kCenter, painted + 4) & ~diskMask(kSize, kCenter, painted + 1);
    EXPECT_GT(cv::countNonZero(changed & ring), 0) << "the soft edge blends beyond the painted mask";
    EXPECT_EQ(cv::countNonZero(changed & ~diskMask(kSize, kCenter, painted + 6 + 1)), 0)
        << "nothing changes where the feathered mask does not reach";

    const CliResult bad = runCli({"remove", q(dir.file("photo.png")), "--mask", q(dir.file("mask.png")),
                                  "--output", q(dir.file("bad.png")), "--feather-mask", "-1"});
    EXPECT_EQ(bad.exitCode, 2) << "a negative mask feather is wrong usage";
}

}  // namespace
}  // namespace pm::test
