// `remove` never reports success for work that did nothing: a mask that marks nothing or the whole
// photo is refused, a mask that marks most of it is questioned, an RGBA mask is read as a painter
// means it, and a photo whose metadata could not be read says so.
#include <filesystem>

#include <opencv2/imgcodecs.hpp>

#include "tests/e2e/cli_runner.h"
#include "tests/support/testdata.h"

namespace pm::test {
namespace {

namespace fs = std::filesystem;

const cv::Size kSize(96, 72);
const cv::Point kCenter(48, 36);

CliResult removeWith(const TempDir& dir, const cv::Mat& mask) {
    EXPECT_TRUE(cv::imwrite(dir.file("photo.png"), withObject(texturedBackground(kSize), kCenter, 8)));
    EXPECT_TRUE(cv::imwrite(dir.file("mask.png"), mask));
    return runCli({"remove", q(dir.file("photo.png")), "--mask", q(dir.file("mask.png")), "--output",
                   q(dir.file("out.png")), "--engine", "builtin"});
}

void expectRefused(const TempDir& dir, const CliResult& r, const std::string& words) {
    EXPECT_EQ(r.exitCode, 1) << r.err;
    ASSERT_EQ(r.errLines().size(), 1u) << r.err;
    EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir.file("out.png")));
}

TEST(CliRemoveNoOp, AllWhiteMaskIsRefused) {
    TempDir dir;
    expectRefused(dir, removeWith(dir, cv::Mat(kSize, CV_8UC1, cv::Scalar(255))), "marks the whole photo");
}

TEST(CliRemoveNoOp, AllBlackMaskIsRefused) {
    TempDir dir;
    expectRefused(dir, removeWith(dir, cv::Mat(kSize, CV_8UC1, cv::Scalar(0))), "marks nothing");
}

TEST(CliRemoveNoOp, OpaqueBlackRgbaMaskMarksNothing) {
    TempDir dir;
    expectRefused(dir, removeWith(dir, cv::Mat(kSize, CV_8UC4, cv::Scalar(0, 0, 0, 255))), "marks nothing");
}

TEST(CliRemoveNoOp, RgbaStrokesOnATransparentLayerMarkTheStrokes) {
    // Black strokes painted opaque on a transparent (white) layer: the alpha says what is marked.
    TempDir dir;
    cv::Mat mask(kSize, CV_8UC4, cv::Scalar(255, 255, 255, 0));
    mask.setTo(cv::Scalar(0, 0, 0, 255), diskMask(kSize, kCenter, 10));
    const CliResult r = removeWith(dir, mask);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;
    const cv::Mat photo = cv::imread(dir.file("photo.png")), out = cv::imread(dir.file("out.png"));
    const cv::Mat far = farFromMask(diskMask(kSize, kCenter, 10), 12);
    EXPECT_GT(meanAbsDiffIn(out, photo, diskMask(kSize, kCenter, 8)), 40.0) << "the object is removed";
    EXPECT_EQ(meanAbsDiffIn(out, photo, far), 0.0) << "nothing outside the strokes changes";
}

TEST(CliRemoveNoOp, InvertedMaskIsQuestionedButDone) {
    TempDir dir;
    cv::Mat inverted;
    cv::bitwise_not(diskMask(kSize, kCenter, 20), inverted);  // marks about 82% of the photo
    const CliResult r = removeWith(dir, inverted);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    ASSERT_EQ(r.errLines().size(), 1u) << r.err;
    EXPECT_NE(r.err.find("warning"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("% of the photo; is it inverted?"), std::string::npos) << r.err;
    EXPECT_TRUE(fs::exists(dir.file("out.png")));
}

}  // namespace
}  // namespace pm::test
