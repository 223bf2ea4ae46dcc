// EXIF orientation is baked into the pixels on load and reset to 1 on save.
#include <cstring>
#include <utility>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "core/image/image_io.h"
#include "core/metadata/metadata.h"
#include "tests/image/test_pattern.h"

namespace pm::image {
namespace {

// Where stored pixel (r, c) of a file with this orientation appears in the upright picture,
// written out from the EXIF 2.3 table (which stored row/column is the visual top/left), not
// from the code under test.
std::pair<int, int> visualPosition(int orientation, int r, int c, int storedRows, int storedCols) {
    switch (orientation) {
        case 2:
            return {r, storedCols - 1 - c};
        case 3:
            return {storedRows - 1 - r, storedCols - 1 - c};
        case 4:
            return {storedRows - 1 - r, c};
        case 5:
            return {c, r};
        case 6:
            return {c, storedRows - 1 - r};
        case 7:
            return {storedCols - 1 - c, storedRows - 1 - r};
        case 8:
            return {storedCols - 1 - c, r};
        default:
            return {r, c};
    }
}

// The pixels a camera would store for an upright scene when it records this orientation.
cv::Mat storedFor(const cv::Mat& upright, int orientation) {
    const bool swaps = orientation >= 5;
    const int rows = swaps ? upright.cols : upright.rows;
    const int cols = swaps ? upright.rows : upright.cols;
    cv::Mat stored(rows, cols, upright.type());
    const size_t pixelBytes = upright.elemSize();
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            const auto [y, x] = visualPosition(orientation, r, c, rows, cols);
            std::memcpy(stored.ptr(r, c), upright.ptr(y, x), pixelBytes);
        }
    return stored;
}

std::vector<uint8_t> encodeRaw(const cv::Mat& m, const std::string& ext) {
    std::vector<uint8_t> bytes;
    std::vector<int> params;
    if (ext == ".jpg") params = {cv::IMWRITE_JPEG_QUALITY, 95};
    EXPECT_TRUE(cv::imencode(ext, m, bytes, params));
    return bytes;
}

class OrientationTest : public ::testing::TestWithParam<int> {};

TEST_P(OrientationTest, LosslessFilesLoadUprightForEveryOrientation) {
    const int orientation = GetParam();
    const cv::Mat upright = test::asymmetricPattern(24, 40, CV_8UC3);  // landscape scene
    for (const std::string ext : {".png", ".tiff"}) {
        const auto file = metadata::withOrientationTag(
            encodeRaw(storedFor(upright, orientation), ext), orientation);
        const LoadedPhoto photo = decodePhoto(file);
        EXPECT_EQ(photo.appliedOrientation, orientation) << ext;
        EXPECT_EQ(photo.pixels.size(), upright.size()) << ext;
        EXPECT_EQ(test::maxAbsDiff(photo.pixels, upright), 0.0)
            << ext << " orientation " << orientation << " did not come out upright";
    }
}

TEST_P(OrientationTest, JpegLoadsUprightAndSavesWithOrientationOne) {
    const int orientation = GetParam();
    const cv::Mat upright = test::asymmetricPattern(48, 80, CV_8UC3);
    const auto file = metadata::withOrientationTag(
        encodeRaw(storedFor(upright, orientation), ".jpg"), orientation);
    ASSERT_EQ(metadata::Metadata::read(file).orientation(), orientation);

    const LoadedPhoto photo = decodePhoto(file);
    ASSERT_EQ(photo.pixels.size(), upright.size());
    EXPECT_LT(test::meanAbsDiff(photo.pixels, upright), 2.0) << "orientation " << orientation;
    // A wrong rotation or flip moves the bright block and the ramps: far beyond JPEG error.
    for (int wrong = 1; wrong <= 8; ++wrong) {
        if (wrong == orientation) continue;
        const cv::Mat misread = applyOrientation(storedFor(upright, orientation), wrong);
        if (misread.size() == upright.size())
            EXPECT_GT(test::meanAbsDiff(misread, upright), 10.0) << "pattern is not asymmetric";
    }

    SaveOptions options;
    options.format = Format::Jpeg;
    options.jpegQuality = 95;
    const auto saved = encodePhoto(photo.pixels, options, photo.metadata);
    const metadata::Metadata savedMeta = metadata::Metadata::read(saved);
    EXPECT_EQ(savedMeta.orientation(), 1);
    EXPECT_EQ(savedMeta.value("Exif.Image.Orientation"), "1");
    const LoadedPhoto reloaded = decodePhoto(saved);
    EXPECT_EQ(reloaded.appliedOrientation, 1);
    ASSERT_EQ(reloaded.pixels.size(), upright.size());
    EXPECT_LT(test::meanAbsDiff(reloaded.pixels, photo.pixels), 2.0);
}

INSTANTIATE_TEST_SUITE_P(AllExifOrientations, OrientationTest, ::testing::Range(1, 9));

TEST(Orientation, PortraitShotTakenWithCameraTurnedShowsUpright) {
    // A portrait scene (taller than wide) stored sideways, as phones do, with orientation 6.
    const cv::Mat upright = test::asymmetricPattern(64, 40, CV_16UC4);
    const cv::Mat stored = storedFor(upright, 6);
    ASSERT_GT(stored.cols, stored.rows);
    const auto file = metadata::withOrientationTag(encodeRaw(stored, ".png"), 6);
    const LoadedPhoto photo = decodePhoto(file);
    EXPECT_GT(photo.pixels.rows, photo.pixels.cols);
    EXPECT_EQ(test::maxAbsDiff(photo.pixels, upright), 0.0);

    SaveOptions options;
    options.format = Format::Png;
    const auto saved = encodePhoto(photo.pixels, options, photo.metadata);
    EXPECT_EQ(metadata::Metadata::read(saved).orientation(), 1);
    const LoadedPhoto reloaded = decodePhoto(saved);
    EXPECT_EQ(test::maxAbsDiff(reloaded.pixels, upright), 0.0);
}

}  // namespace
}  // namespace pm::image
