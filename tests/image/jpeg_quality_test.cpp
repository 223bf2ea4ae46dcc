// The quality a JPEG was saved at is recovered from its quantization tables, so PhotoMend can save
// an edited JPEG at the quality it came with.
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "core/image/image_io.h"
#include "tests/image/test_pattern.h"
#include "tests/support/testdata.h"

namespace pm::image {
namespace {

class JpegQuality : public ::testing::TestWithParam<int> {};

TEST_P(JpegQuality, EstimateMatchesTheQualityItWasSavedAt) {
    const int quality = GetParam();
    const cv::Mat pixels = test::asymmetricPattern(64, 64, CV_8UC3);
    SaveOptions options;
    options.format = Format::Jpeg;
    options.jpegQuality = quality;
    const auto bytes = encodePhoto(pixels, options, metadata::Metadata());
    EXPECT_NEAR(estimateJpegQuality(bytes), quality, 1);
    EXPECT_NEAR(decodePhoto(bytes).jpegQuality, quality, 1);

    // Straight from OpenCV too, gray, without any metadata written by PhotoMend.
    std::vector<uint8_t> raw;
    ASSERT_TRUE(cv::imencode(".jpg", test::asymmetricPattern(32, 48, CV_8UC1), raw,
                             {cv::IMWRITE_JPEG_QUALITY, quality}));
    EXPECT_NEAR(estimateJpegQuality(raw), quality, 1);
}

INSTANTIATE_TEST_SUITE_P(SavedQualities, JpegQuality,
                         ::testing::Values(10, 50, 75, 85, 92, 95, 100));

TEST(JpegQualityEstimate, NotAJpegGivesMinusOne) {
    std::vector<uint8_t> png;
    ASSERT_TRUE(cv::imencode(".png", test::noiseImage(8, 8, CV_8UC3), png));
    EXPECT_EQ(estimateJpegQuality(png), -1);
    EXPECT_EQ(estimateJpegQuality({}), -1);
    EXPECT_EQ(decodePhoto(png).jpegQuality, -1);
}

TEST(JpegQualityEstimate, CameraFilesGiveAPlausibleQuality) {
    PM_REQUIRE_TESTDATA();
    int checked = 0;
    for (const auto& path : test::testdataFiles("metadata")) {
        if (formatFromPath(path) != Format::Jpeg || test::isMalformedMetadataSample(path)) continue;
        const auto bytes = readFile(path);
        const int q = estimateJpegQuality(bytes);
        if (formatFromBytes(bytes) != Format::Jpeg) continue;
        EXPECT_GE(q, 1) << path;
        EXPECT_LE(q, 100) << path;
        ++checked;
    }
    EXPECT_GT(checked, 5);
}

}  // namespace
}  // namespace pm::image
