// Damaged, empty, missing and oversized files give a clear pm::Error naming the file, never a crash
// or a half-grey picture.
#include <fstream>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "core/common/error.h"
#include "core/image/image_io.h"
#include "tests/image/test_pattern.h"
#include "tests/support/testdata.h"

namespace pm::image {
namespace {

void writeBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

// Loads `bytes` from a file and returns the error message, or "" when it loaded.
std::string loadError(const test::TempDir& dir, const std::string& name,
                      const std::vector<uint8_t>& bytes) {
    const std::string path = dir.file(name);
    writeBytes(path, bytes);
    try {
        loadPhoto(path);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

std::vector<uint8_t> validJpeg() {
    std::vector<uint8_t> bytes;
    EXPECT_TRUE(cv::imencode(".jpg", test::asymmetricPattern(128, 128, CV_8UC3), bytes));
    return bytes;
}

TEST(CorruptData, TruncatedJpegIsAnErrorNamingTheFile) {
    test::TempDir dir;
    auto bytes = validJpeg();
    bytes.resize(bytes.size() / 2);
    const std::string message = loadError(dir, "half.jpg", bytes);
    EXPECT_NE(message.find("half.jpg"), std::string::npos) << message;
    EXPECT_NE(message.find("truncated"), std::string::npos) << message;
}

TEST(CorruptData, TruncatedPngIsAnError) {
    test::TempDir dir;
    std::vector<uint8_t> bytes;
    ASSERT_TRUE(cv::imencode(".png", test::noiseImage(64, 64, CV_8UC3), bytes));
    bytes.resize(bytes.size() / 2);
    const std::string message = loadError(dir, "half.png", bytes);
    EXPECT_NE(message.find("half.png"), std::string::npos) << message;
}

TEST(CorruptData, RandomBytesAreAnError) {
    test::TempDir dir;
    const cv::Mat noise = test::noiseImage(1, 4096, CV_8UC1);
    const std::vector<uint8_t> bytes(noise.data, noise.data + noise.total());
    const std::string message = loadError(dir, "noise.jpg", bytes);
    EXPECT_NE(message.find("noise.jpg"), std::string::npos) << message;
    EXPECT_NE(message.find("not an image"), std::string::npos) << message;
}

TEST(CorruptData, JpegHeaderFollowedByGarbageIsAnError) {
    test::TempDir dir;
    std::vector<uint8_t> bytes = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10};
    const cv::Mat noise = test::noiseImage(1, 2048, CV_8UC1);
    bytes.insert(bytes.end(), noise.data, noise.data + noise.total());
    const std::string message = loadError(dir, "garbage.jpg", bytes);
    EXPECT_NE(message.find("garbage.jpg"), std::string::npos) << message;
}

TEST(CorruptData, EmptyAndMissingFilesAreErrors) {
    test::TempDir dir;
    const std::string empty = loadError(dir, "empty.png", {});
    EXPECT_NE(empty.find("empty.png"), std::string::npos) << empty;
    EXPECT_NE(empty.find("empty"), std::string::npos) << empty;
    try {
        loadPhoto(dir.file("missing.jpg"));
        ADD_FAILURE() << "a missing file loaded";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("missing.jpg"), std::string::npos) << e.what();
    }
    EXPECT_THROW(decodePhoto({}), Error);
}

TEST(CorruptData, HugeImageIsRefusedBeforeDecoding) {
    auto bytes = validJpeg();
    // Rewrite the frame header to claim 40000 x 40000 pixels (1.6 gigapixels).
    bool patched = false;
    for (size_t i = 2; i + 9 < bytes.size(); ++i) {
        if (bytes[i] == 0xFF && bytes[i + 1] == 0xC0) {
            bytes[i + 5] = 40000 >> 8;
            bytes[i + 6] = 40000 & 0xFF;
            bytes[i + 7] = 40000 >> 8;
            bytes[i + 8] = 40000 & 0xFF;
            patched = true;
            break;
        }
    }
    ASSERT_TRUE(patched);
    test::TempDir dir;
    const std::string message = loadError(dir, "huge.jpg", bytes);
    EXPECT_NE(message.find("huge.jpg"), std::string::npos) << message;
    EXPECT_NE(message.find("too large"), std::string::npos) << message;
}

TEST(CorruptData, SavingAnUnsupportedLayoutIsAnError) {
    EXPECT_THROW(encodePhoto(cv::Mat(), SaveOptions{}, metadata::Metadata()), Error);
    EXPECT_THROW(
        encodePhoto(cv::Mat(4, 4, CV_32FC3, cv::Scalar(0.5)), SaveOptions{}, metadata::Metadata()),
        Error);
    SaveOptions unknown;
    unknown.format = Format::Unknown;
    EXPECT_THROW(encodePhoto(test::noiseImage(4, 4, CV_8UC3), unknown, metadata::Metadata()),
                 Error);
}

}  // namespace
}  // namespace pm::image
