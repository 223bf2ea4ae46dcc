// photomend-cli remove on folders: batch work where one bad photo must not stop the rest.
#include <filesystem>

#include <opencv2/imgcodecs.hpp>

#include "tests/e2e/cli_runner.h"
#include "tests/support/testdata.h"

namespace pm::test {
namespace {

const cv::Size kSize(128, 96);
constexpr int kRadius = 10;

struct Photo {
    std::string name;
    cv::Point center;
    cv::Mat background, pixels;
};

// Three photos, each with its object somewhere else, so a mask applied to the wrong photo shows.
std::vector<Photo> writePhotos(const std::string& folder) {
    std::filesystem::create_directories(folder);
    std::vector<Photo> photos = {
        {"a.png", {30, 30}, {}, {}}, {"b.png", {95, 65}, {}, {}}, {"c.jpg", {64, 48}, {}, {}}};
    int seed = 0;
    for (Photo& p : photos) {
        p.background = texturedBackground(kSize, seed += 7);
        p.pixels = withObject(p.background, p.center, kRadius);
        EXPECT_TRUE(cv::imwrite(folder + "/" + p.name, p.pixels));
    }
    return photos;
}

// How much of the object is left in `out`, relative to the photo as given (1 = untouched, 0 =
// gone).
double objectLeft(const Photo& p, const cv::Mat& out) {
    const cv::Mat disk = diskMask(kSize, p.center, kRadius);
    return meanAbsDiffIn(out, p.background, disk) / meanAbsDiffIn(p.pixels, p.background, disk);
}

TEST(CliRemoveFolder, MaskFolderPairsMasksByNameAndCreatesTheOutputFolder) {
    TempDir dir;
    const std::vector<Photo> photos = writePhotos(dir.file("in"));
    std::filesystem::create_directory(dir.file("masks"));
    for (const Photo& p : photos) {
        // Masks are PNG even for the JPEG photo: pairing is by base name.
        const std::string maskName = std::filesystem::path(p.name).stem().string() + ".png";
        ASSERT_TRUE(
            cv::imwrite(dir.file("masks/" + maskName), diskMask(kSize, p.center, kRadius + 2)));
    }
    const std::string outDir = dir.file("results/today");
    const CliResult r = runCli({"remove", q(dir.file("in")), "--mask", q(dir.file("masks")),
                                "--output", q(outDir), "--engine", "builtin"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    for (const Photo& p : photos) {
        const cv::Mat out = cv::imread(outDir + "/" + p.name, cv::IMREAD_COLOR);
        ASSERT_FALSE(out.empty()) << p.name;
        EXPECT_LT(objectLeft(p, out), 0.35) << p.name;
        EXPECT_NE(r.out.find(p.name), std::string::npos) << r.out;
    }
}

TEST(CliRemoveFolder, OneMaskForAllPhotos) {
    TempDir dir;
    const std::vector<Photo> photos = writePhotos(dir.file("in"));
    cv::Mat mask = cv::Mat::zeros(kSize, CV_8UC1);
    for (const Photo& p : photos) mask |= diskMask(kSize, p.center, kRadius + 2);
    ASSERT_TRUE(cv::imwrite(dir.file("mask.png"), mask));
    const CliResult r = runCli({"remove", q(dir.file("in")), "--mask", q(dir.file("mask.png")),
                                "--output", q(dir.file("out")), "--engine", "builtin"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    for (const Photo& p : photos) {
        const cv::Mat out = cv::imread(dir.file("out/" + p.name), cv::IMREAD_COLOR);
        ASSERT_FALSE(out.empty()) << p.name;
        EXPECT_LT(objectLeft(p, out), 0.35) << p.name;
    }
    // The inputs are left as they were.
    EXPECT_EQ(cv::countNonZero(cv::imread(dir.file("in/a.png")).reshape(1) !=
                               photos[0].pixels.reshape(1)),
              0);
}

TEST(CliRemoveFolder, CorruptPhotoIsNamedAndTheOthersAreStillWritten) {
    TempDir dir;
    const std::vector<Photo> photos = writePhotos(dir.file("in"));
    // A file that claims to be a PNG but was cut off after its header.
    writeBytes(dir.file("in/broken.png"), std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
    cv::Mat mask = cv::Mat::zeros(kSize, CV_8UC1);
    for (const Photo& p : photos) mask |= diskMask(kSize, p.center, kRadius + 2);
    ASSERT_TRUE(cv::imwrite(dir.file("mask.png"), mask));

    const CliResult r = runCli({"remove", q(dir.file("in")), "--mask", q(dir.file("mask.png")),
                                "--output", q(dir.file("out")), "--engine", "builtin"});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("broken.png"), std::string::npos) << r.err;
    for (const Photo& p : photos) {
        EXPECT_EQ(r.err.find(p.name), std::string::npos) << "a good photo reported as failed:\n"
                                                         << r.err;
        const cv::Mat out = cv::imread(dir.file("out/" + p.name), cv::IMREAD_COLOR);
        ASSERT_FALSE(out.empty()) << p.name;
        EXPECT_LT(objectLeft(p, out), 0.35) << p.name;
    }
    EXPECT_FALSE(std::filesystem::exists(dir.file("out/broken.png")));
}

}  // namespace
}  // namespace pm::test
