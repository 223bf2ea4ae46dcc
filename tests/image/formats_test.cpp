// Saving and reopening in every format PhotoMend writes: lossless formats must be bit-exact, lossy
// ones close, and layouts a format cannot hold converted the way a viewer would show them.
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/image/image_io.h"
#include "tests/image/test_pattern.h"

namespace pm::image {
namespace {

LoadedPhoto roundTrip(const cv::Mat& pixels, Format format, int quality = 92) {
    SaveOptions options;
    options.format = format;
    options.jpegQuality = quality;
    options.webpQuality = quality;
    const auto bytes = encodePhoto(pixels, options, metadata::Metadata());
    EXPECT_EQ(formatFromBytes(bytes), format);
    return decodePhoto(bytes);
}

struct LosslessCase {
    Format format;
    int type;
};

class LosslessRoundTrip : public ::testing::TestWithParam<LosslessCase> {};

TEST_P(LosslessRoundTrip, IsBitExact) {
    const auto [format, type] = GetParam();
    const cv::Mat pixels = test::noiseImage(37, 53, type);  // odd sizes catch row-padding bugs
    ASSERT_TRUE(formatSupports(format, pixels));
    const LoadedPhoto photo = roundTrip(pixels, format);
    EXPECT_EQ(photo.format, format);
    ASSERT_EQ(photo.pixels.type(), pixels.type()) << formatName(format);
    EXPECT_EQ(test::maxAbsDiff(photo.pixels, pixels), 0.0) << formatName(format);
}

INSTANTIATE_TEST_SUITE_P(
    Formats, LosslessRoundTrip,
    ::testing::Values(LosslessCase{Format::Png, CV_8UC1}, LosslessCase{Format::Png, CV_8UC3},
                      LosslessCase{Format::Png, CV_8UC4}, LosslessCase{Format::Png, CV_16UC1},
                      LosslessCase{Format::Png, CV_16UC3}, LosslessCase{Format::Png, CV_16UC4},
                      LosslessCase{Format::Tiff, CV_8UC1}, LosslessCase{Format::Tiff, CV_8UC3},
                      LosslessCase{Format::Tiff, CV_8UC4}, LosslessCase{Format::Tiff, CV_16UC1},
                      LosslessCase{Format::Tiff, CV_16UC3}, LosslessCase{Format::Tiff, CV_16UC4},
                      LosslessCase{Format::Bmp, CV_8UC1}, LosslessCase{Format::Bmp, CV_8UC3}));

TEST(Formats, LosslessWebPKeepsColourAndAlphaExactly) {
    cv::Mat pixels = test::noiseImage(31, 45, CV_8UC4);
    // libwebp may rewrite the colour of fully transparent pixels; keep every pixel visible.
    std::vector<cv::Mat> planes;
    cv::split(pixels, planes);
    cv::max(planes[3], 1, planes[3]);
    cv::merge(planes, pixels);
    const LoadedPhoto photo = roundTrip(pixels, Format::WebP, 101);
    EXPECT_EQ(photo.format, Format::WebP);
    EXPECT_EQ(test::maxAbsDiff(photo.pixels, pixels), 0.0);
}

TEST(Formats, LossyWebPStaysClose) {
    const cv::Mat pixels = test::asymmetricPattern(64, 96, CV_8UC3);
    const LoadedPhoto photo = roundTrip(pixels, Format::WebP, 90);
    ASSERT_EQ(photo.pixels.type(), CV_8UC3);
    EXPECT_GT(cv::PSNR(photo.pixels, pixels), 35.0);
}

TEST(Formats, JpegOf16BitImageKeepsTheTopByte) {
    const cv::Mat pixels = test::asymmetricPattern(64, 96, CV_16UC3);
    EXPECT_FALSE(formatSupports(Format::Jpeg, pixels));
    const LoadedPhoto photo = roundTrip(pixels, Format::Jpeg, 95);
    ASSERT_EQ(photo.pixels.type(), CV_8UC3);
    cv::Mat expected;
    pixels.convertTo(expected, CV_8U, 1.0 / 257.0);
    EXPECT_GT(cv::PSNR(photo.pixels, expected), 38.0);
}

TEST(Formats, AlphaIsCompositedOnWhiteWhereTheFormatHasNone) {
    cv::Mat pixels(16, 16, CV_8UC4, cv::Scalar(40, 80, 160, 255));  // opaque left half
    pixels(cv::Rect(8, 0, 8, 16)).setTo(cv::Scalar(0, 0, 0, 0));    // transparent right half
    for (Format format : {Format::Jpeg, Format::Bmp}) {
        EXPECT_FALSE(formatSupports(format, pixels));
        const LoadedPhoto photo = roundTrip(pixels, format, 100);
        ASSERT_EQ(photo.pixels.type(), CV_8UC3) << formatName(format);
        const cv::Vec3b opaque = photo.pixels.at<cv::Vec3b>(8, 2);
        const cv::Vec3b transparent = photo.pixels.at<cv::Vec3b>(8, 13);
        EXPECT_NEAR(opaque[0], 40, 3);
        EXPECT_NEAR(opaque[2], 160, 3);
        for (int c = 0; c < 3; ++c) EXPECT_GE(transparent[c], 250) << formatName(format);
    }
}

TEST(Formats, GrayWebPOpensAsColourWithEqualChannels) {
    const cv::Mat gray = test::noiseImage(20, 30, CV_8UC1);
    const LoadedPhoto photo = roundTrip(gray, Format::WebP, 101);
    cv::Mat back;
    cv::cvtColor(photo.pixels, back, cv::COLOR_BGR2GRAY);
    EXPECT_LE(test::maxAbsDiff(back, gray), 1.0);
}

TEST(Formats, DetectsFormatsFromNamesAndBytes) {
    EXPECT_EQ(formatFromPath("/a/b/Photo.JPEG"), Format::Jpeg);
    EXPECT_EQ(formatFromPath("x.tif"), Format::Tiff);
    EXPECT_EQ(formatFromPath("x.webp"), Format::WebP);
    EXPECT_EQ(formatFromPath("x.gif"), Format::Unknown);
    EXPECT_EQ(formatFromPath("png"), Format::Unknown);
    const cv::Mat m = test::noiseImage(8, 8, CV_8UC3);
    for (const auto& [ext, format] :
         std::vector<std::pair<std::string, Format>>{{".jpg", Format::Jpeg},
                                                     {".png", Format::Png},
                                                     {".tiff", Format::Tiff},
                                                     {".webp", Format::WebP},
                                                     {".bmp", Format::Bmp}}) {
        std::vector<uint8_t> bytes;
        ASSERT_TRUE(cv::imencode(ext, m, bytes));
        EXPECT_EQ(formatFromBytes(bytes), format) << ext;
    }
    EXPECT_EQ(formatFromBytes({'G', 'I', 'F', '8', '9', 'a'}), Format::Unknown);
}

}  // namespace
}  // namespace pm::image

namespace pm::image {
namespace {

// Progressive JPEGs have several scans with tables between them; the completeness check and the
// quality estimate must walk all of them.
TEST(Formats, ProgressiveJpegOpensAndKeepsItsQuality) {
    const cv::Mat pixels = test::asymmetricPattern(64, 96, CV_8UC3);
    std::vector<uint8_t> bytes;
    ASSERT_TRUE(cv::imencode(".jpg", pixels, bytes,
                             {cv::IMWRITE_JPEG_QUALITY, 80, cv::IMWRITE_JPEG_PROGRESSIVE, 1}));
    const LoadedPhoto photo = decodePhoto(bytes);
    EXPECT_LT(test::meanAbsDiff(photo.pixels, pixels), 2.0);
    EXPECT_NEAR(photo.jpegQuality, 80, 1);
    bytes.resize(bytes.size() * 3 / 4);
    EXPECT_THROW(decodePhoto(bytes), Error);
}

}  // namespace
}  // namespace pm::image
