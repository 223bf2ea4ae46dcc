// What photomend-cli prints about odd inputs: its own one-line reasons and warnings, never a raw
// OpenCV assertion or a decoder library's own stderr line.
#include <filesystem>

#include <opencv2/imgcodecs.hpp>

#include "tests/e2e/cli_runner.h"
#include "tests/support/testdata.h"

namespace pm::test {
namespace {

const cv::Size kSize(64, 48);

using Bytes = std::vector<uchar>;

Bytes encode(const std::string& ext, const cv::Mat& image) {
    Bytes bytes;
    EXPECT_TRUE(cv::imencode(ext, image, bytes));
    return bytes;
}

void write(const std::string& path, const Bytes& bytes) {
    writeBytes(path, std::string(bytes.begin(), bytes.end()));
}

CliResult removeFrom(const TempDir& dir, const std::string& photo) {
    EXPECT_TRUE(cv::imwrite(dir.file("mask.png"), diskMask(kSize, {30, 20}, 6)));
    return runCli({"remove", q(dir.file(photo)), "--mask", q(dir.file("mask.png")), "--output",
                   q(dir.file("out.png")), "--engine", "builtin"});
}

CliResult repairAllSteps(const TempDir& dir, cv::Size size) {
    const std::string name = std::to_string(size.width) + "x" + std::to_string(size.height) + ".png";
    cv::Mat photo = texturedBackground(size);
    photo.at<cv::Vec3b>(0, 0) = cv::Vec3b(255, 255, 255);  // a speck for the scratch detector
    EXPECT_TRUE(cv::imwrite(dir.file(name), photo));
    return runCli({"repair", q(dir.file(name)), "--output", q(dir.file("out-" + name)), "--steps",
                   "scratches,color,denoise,sharpen,faces"});
}

TEST(CliMessages, RepairOnATinyPhotoSaysItIsTooSmall) {
    TempDir dir;
    for (const cv::Size size : {cv::Size(1, 1), cv::Size(2, 2), cv::Size(2, 40), cv::Size(40, 1)}) {
        const CliResult r = repairAllSteps(dir, size);
        EXPECT_EQ(r.exitCode, 1) << r.err;
        ASSERT_EQ(r.errLines().size(), 1u) << r.err;
        EXPECT_NE(r.err.find("repair needs at least 3 x 3"), std::string::npos) << r.err;
        EXPECT_EQ(r.err.find("OpenCV"), std::string::npos) << r.err;
        EXPECT_EQ(r.err.find("Assertion"), std::string::npos) << r.err;
    }
}

TEST(CliMessages, TheSmallestRepairablePhotoIsRepaired) {
    TempDir dir;
    for (const cv::Size size : {cv::Size(3, 3), cv::Size(3, 40), cv::Size(40, 3)}) {
        const CliResult r = repairAllSteps(dir, size);
        EXPECT_EQ(r.exitCode, 0) << size << ": " << r.err;
        EXPECT_TRUE(r.err.empty()) << r.err;
    }
}

TEST(CliMessages, LibpngsOwnWarningDoesNotReachStderr) {
    // An ancillary chunk with a wrong checksum: libpng skips it and prints "libpng warning: ...".
    TempDir dir;
    Bytes png = encode(".png", texturedBackground(kSize));
    const Bytes chunk = {0, 0, 0, 4, 't', 'E', 'X', 't', 'a', 0, 'b', 'c', 0xDE, 0xAD, 0xBE, 0xEF};
    png.insert(png.begin() + 33, chunk.begin(), chunk.end());  // right after IHDR
    write(dir.file("photo.png"), png);
    const CliResult r = removeFrom(dir, "photo.png");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.err.find("libpng"), std::string::npos) << r.err;
}

TEST(CliMessages, StrayBytesInAJpegGiveOneWarningOfOurOwn) {
    TempDir dir;
    Bytes jpeg = encode(".jpg", texturedBackground(kSize));
    size_t scan = 0;
    while (!(jpeg[scan] == 0xFF && jpeg[scan + 1] == 0xDA)) ++scan;
    jpeg.insert(jpeg.begin() + static_cast<long>(scan), {0x00, 0x11, 0x22});
    write(dir.file("photo.jpg"), jpeg);
    const CliResult r = removeFrom(dir, "photo.jpg");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    ASSERT_EQ(r.errLines().size(), 1u) << r.err;
    EXPECT_EQ(r.errLines()[0].rfind("photomend-cli: warning: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("photo.jpg"), std::string::npos) << r.err;
}

TEST(CliMessages, UnreadableExifIsAWarningForEveryCommand) {
    TempDir dir;
    Bytes jpeg = encode(".jpg", texturedBackground(kSize));
    // An Exif segment whose first directory lies far beyond the segment.
    const Bytes app1 = {0xFF, 0xE1, 0x00, 0x16, 'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 0x2A, 0x00,
                        0x00, 0xFF, 0xFF, 0x7F, 0x01, 0x00, 0x0F, 0x01, 0x02, 0x00};
    jpeg.insert(jpeg.begin() + 2, app1.begin(), app1.end());
    write(dir.file("photo.jpg"), jpeg);
    const CliResult removed = removeFrom(dir, "photo.jpg");
    const CliResult repaired = runCli({"repair", q(dir.file("photo.jpg")), "--output",
                                       q(dir.file("repaired.jpg")), "--steps", "color"});
    for (const CliResult& r : {removed, repaired}) {
        ASSERT_EQ(r.exitCode, 0) << r.err;
        ASSERT_EQ(r.errLines().size(), 1u) << r.err;
        EXPECT_EQ(r.errLines()[0].rfind("photomend-cli: warning: ", 0), 0u) << r.err;
        EXPECT_NE(r.err.find("metadata"), std::string::npos) << r.err;
    }
}

}  // namespace
}  // namespace pm::test
