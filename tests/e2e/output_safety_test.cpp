// photomend-cli never replaces an input or a mask, whatever path leads to it: another spelling, a
// symbolic link (QSaveFile writes through a link to its target), a hard link, or an output folder
// that is the input folder under another name.
#include <filesystem>

#include <opencv2/imgcodecs.hpp>

#include "tests/e2e/cli_runner.h"
#include "tests/support/testdata.h"

namespace pm::test {
namespace {

namespace fs = std::filesystem;

const cv::Size kSize(96, 72);

// photo.png and mask.png in `dir`; returns the photo's bytes.
std::vector<char> writePhotoAndMask(const TempDir& dir) {
    EXPECT_TRUE(cv::imwrite(dir.file("photo.png"), withObject(texturedBackground(kSize), {40, 30}, 8)));
    EXPECT_TRUE(cv::imwrite(dir.file("mask.png"), diskMask(kSize, {40, 30}, 10)));
    return fileBytes(dir.file("photo.png"));
}

CliResult removeInto(const std::string& input, const std::string& mask, const std::string& output) {
    return runCli({"remove", q(input), "--mask", q(mask), "--output", q(output), "--engine", "builtin"});
}

void expectRefusal(const CliResult& r) {
    EXPECT_EQ(r.exitCode, 1) << r.err;
    ASSERT_EQ(r.errLines().size(), 1u) << r.err;
    EXPECT_NE(r.err.find("refusing to overwrite"), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("->"), std::string::npos) << "no photo may be written: " << r.out;
}

TEST(CliOutputSafety, OutputThatIsASymlinkToTheInputIsRefused) {
    TempDir dir;
    const std::vector<char> original = writePhotoAndMask(dir);
    fs::create_symlink(dir.file("photo.png"), dir.file("link.png"));
    const CliResult r = removeInto(dir.file("photo.png"), dir.file("mask.png"), dir.file("link.png"));
    expectRefusal(r);
    EXPECT_NE(r.err.find("link"), std::string::npos) << "the reason names the link: " << r.err;
    EXPECT_EQ(fileBytes(dir.file("photo.png")), original);
    EXPECT_TRUE(fs::is_symlink(dir.file("link.png")));
}

TEST(CliOutputSafety, InputGivenThroughASymlinkIsRefusedAsOutput) {
    TempDir dir;
    const std::vector<char> original = writePhotoAndMask(dir);
    fs::create_symlink(dir.file("photo.png"), dir.file("via-link.png"));
    const CliResult r = removeInto(dir.file("via-link.png"), dir.file("mask.png"), dir.file("photo.png"));
    expectRefusal(r);
    EXPECT_EQ(fileBytes(dir.file("photo.png")), original);
}

TEST(CliOutputSafety, OutputThatIsAHardLinkOfTheInputIsRefused) {
    TempDir dir;
    const std::vector<char> original = writePhotoAndMask(dir);
    fs::create_hard_link(dir.file("photo.png"), dir.file("same.png"));
    const CliResult r = removeInto(dir.file("photo.png"), dir.file("mask.png"), dir.file("same.png"));
    expectRefusal(r);
    EXPECT_EQ(fileBytes(dir.file("photo.png")), original);
    EXPECT_EQ(fs::hard_link_count(dir.file("photo.png")), 2u) << "the hard link must stay a link";
}

TEST(CliOutputSafety, OutputOverTheMaskIsRefused) {
    TempDir dir;
    writePhotoAndMask(dir);
    const std::vector<char> mask = fileBytes(dir.file("mask.png"));
    fs::create_symlink(dir.file("mask.png"), dir.file("out.png"));
    const CliResult r = removeInto(dir.file("photo.png"), dir.file("mask.png"), dir.file("out.png"));
    expectRefusal(r);
    EXPECT_NE(r.err.find("mask"), std::string::npos) << r.err;
    EXPECT_EQ(fileBytes(dir.file("mask.png")), mask);
}

TEST(CliOutputSafety, OutputFolderSymlinkedToTheInputFolderIsRefused) {
    TempDir dir;
    fs::create_directory(dir.file("in"));
    ASSERT_TRUE(cv::imwrite(dir.file("in/a.png"), texturedBackground(kSize, 3)));
    ASSERT_TRUE(cv::imwrite(dir.file("in/b.png"), texturedBackground(kSize, 9)));
    ASSERT_TRUE(cv::imwrite(dir.file("mask.png"), diskMask(kSize, {20, 20}, 6)));
    const std::vector<char> a = fileBytes(dir.file("in/a.png")), b = fileBytes(dir.file("in/b.png"));
    fs::create_directory_symlink(dir.file("in"), dir.file("out"));
    // Through a link, and the same folder reached by another path.
    for (const std::string& output : {dir.file("out"), dir.file("in/../in/.")}) {
        const CliResult r = removeInto(dir.file("in"), dir.file("mask.png"), output);
        EXPECT_EQ(r.exitCode, 1) << output << ": " << r.err;
        ASSERT_EQ(r.errLines().size(), 1u) << r.err;
        EXPECT_NE(r.err.find("is the input folder"), std::string::npos) << r.err;
        EXPECT_EQ(fileBytes(dir.file("in/a.png")), a) << output;
        EXPECT_EQ(fileBytes(dir.file("in/b.png")), b) << output;
    }
}

TEST(CliOutputSafety, OutputFolderHoldingALinkToAnInputIsRefused) {
    TempDir dir;
    fs::create_directory(dir.file("in"));
    fs::create_directory(dir.file("out"));
    ASSERT_TRUE(cv::imwrite(dir.file("in/a.png"), texturedBackground(kSize, 3)));
    const std::vector<char> a = fileBytes(dir.file("in/a.png"));
    fs::create_symlink(dir.file("in/a.png"), dir.file("out/a.png"));
    const CliResult r = runCli({"repair", q(dir.file("in")), "--output", q(dir.file("out")),
                                "--steps", "color"});
    expectRefusal(r);
    EXPECT_EQ(fileBytes(dir.file("in/a.png")), a);
}

TEST(CliOutputSafety, RepairRefusesAnOutputLinkedToItsInput) {
    TempDir dir;
    const std::vector<char> original = writePhotoAndMask(dir);
    fs::create_symlink(dir.file("photo.png"), dir.file("link.png"));
    const CliResult r = runCli({"repair", q(dir.file("photo.png")), "--output", q(dir.file("link.png")),
                                "--steps", "color"});
    expectRefusal(r);
    EXPECT_EQ(fileBytes(dir.file("photo.png")), original);
}

TEST(CliOutputSafety, SplitRefusesAPhotoNameLinkedToTheScan) {
    TempDir dir;
    cv::Mat scan(600, 800, CV_8UC3, cv::Scalar(236, 240, 242));  // one photo on an off-white bed
    texturedBackground({300, 220}, 1).copyTo(scan(cv::Rect(150, 120, 300, 220)));
    ASSERT_TRUE(cv::imwrite(dir.file("scan.png"), scan));
    const std::vector<char> original = fileBytes(dir.file("scan.png"));
    fs::create_directory(dir.file("photos"));
    fs::create_symlink(dir.file("scan.png"), dir.file("photos/scan-1.png"));
    const CliResult r = runCli({"split", q(dir.file("scan.png")), "--output", q(dir.file("photos"))});
    expectRefusal(r);
    EXPECT_EQ(fileBytes(dir.file("scan.png")), original);
}

TEST(CliOutputSafety, OutputLinkToAnotherFileStillWorks) {
    // Not every link is a danger: a link to a file that is neither input nor mask is written
    // through, as cp and shell redirection do.
    TempDir dir;
    writePhotoAndMask(dir);
    ASSERT_TRUE(cv::imwrite(dir.file("old-result.png"), texturedBackground(kSize, 5)));
    const std::vector<char> before = fileBytes(dir.file("old-result.png"));
    fs::create_symlink(dir.file("old-result.png"), dir.file("result.png"));
    const CliResult r = removeInto(dir.file("photo.png"), dir.file("mask.png"), dir.file("result.png"));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(fileBytes(dir.file("old-result.png")), before);
}

}  // namespace
}  // namespace pm::test
