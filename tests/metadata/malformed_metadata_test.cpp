// Files made to break metadata parsers (fuzzer finds and proofs of concept from Exiv2's bug
// tracker) never crash or hang PhotoMend: they open without metadata and say so, or fail with a
// clear error naming the file.
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "core/common/error.h"
#include "core/image/image_io.h"
#include "core/metadata/metadata.h"
#include "tests/image/test_pattern.h"
#include "tests/support/testdata.h"

namespace pm::metadata {
namespace {

std::vector<std::string> malformedFiles() {
    std::vector<std::string> files;
    for (const auto& path : test::testdataFiles("metadata"))
        if (test::isMalformedMetadataSample(path) && test::baseName(path) != "exiv2-empty.jpg")
            files.push_back(path);
    return files;
}

class MalformedFile : public ::testing::TestWithParam<std::string> {};

TEST_P(MalformedFile, OpensWithAWarningOrFailsWithAClearError) {
    const std::string& path = GetParam();
    const std::string name = test::baseName(path);
    const auto bytes = image::readFile(path);
    // Reading metadata alone never throws, whatever the bytes.
    Metadata metadata;
    EXPECT_NO_THROW(metadata = Metadata::read(bytes)) << name;

    try {
        const image::LoadedPhoto photo = image::loadPhoto(path);
        EXPECT_FALSE(photo.metadata.warning().empty())
            << name << " opened, but nobody was told its metadata is damaged";
        EXPECT_FALSE(photo.pixels.empty()) << name;
        // What was salvaged can be saved again without tripping over the damage.
        image::SaveOptions options;
        options.format = image::Format::Png;
        const auto saved = image::encodePhoto(photo.pixels, options, photo.metadata);
        EXPECT_EQ(image::decodePhoto(saved).pixels.size(), photo.pixels.size()) << name;
    } catch (const Error& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find(name), std::string::npos)
            << "error does not name the file: " << message;
        EXPECT_GT(message.size(), name.size() + 10)
            << "error does not say what is wrong: " << message;
    }
}

std::string testName(const ::testing::TestParamInfo<std::string>& info) {
    std::string name = test::baseName(info.param).substr(0, 24);
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return name;
}

INSTANTIATE_TEST_SUITE_P(Testdata, MalformedFile, ::testing::ValuesIn(malformedFiles()), testName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(MalformedFile);

TEST(MalformedMetadata, TestdataHasMalformedSamples) {
    PM_REQUIRE_TESTDATA();
    EXPECT_GE(malformedFiles().size(), 4u);
}

TEST(MalformedMetadata, JpegWithoutAnyMetadataOpensQuietly) {
    PM_REQUIRE_TESTDATA();
    const image::LoadedPhoto photo =
        image::loadPhoto(test::testdataDir() + "/metadata/exiv2-empty.jpg");
    EXPECT_TRUE(photo.metadata.empty());
    EXPECT_TRUE(photo.metadata.warning().empty()) << photo.metadata.warning();
    EXPECT_EQ(photo.appliedOrientation, 1);
}

// A good picture whose EXIF block is garbage: the pixels open, the metadata is dropped with a
// warning, and saving the photo still works.
TEST(MalformedMetadata, GarbageExifBlockOpensThePixelsWithAWarning) {
    const cv::Mat pixels = test::asymmetricPattern(32, 48, CV_8UC3);
    std::vector<uint8_t> jpeg;
    ASSERT_TRUE(cv::imencode(".jpg", pixels, jpeg));
    // APP1 "Exif" segment: a little-endian TIFF header whose first IFD offset points far outside
    // the segment, followed by noise.
    std::vector<uint8_t> app1 = {'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 0xF0, 0xFF, 0xFF, 0x7F};
    const cv::Mat noise = test::noiseImage(1, 200, CV_8UC1);
    app1.insert(app1.end(), noise.data, noise.data + noise.total());
    const size_t length = app1.size() + 2;
    std::vector<uint8_t> file = {0xFF,
                                 0xD8,
                                 0xFF,
                                 0xE1,
                                 static_cast<uint8_t>(length >> 8),
                                 static_cast<uint8_t>(length & 0xFF)};
    file.insert(file.end(), app1.begin(), app1.end());
    file.insert(file.end(), jpeg.begin() + 2, jpeg.end());

    const image::LoadedPhoto photo = image::decodePhoto(file);
    EXPECT_FALSE(photo.metadata.warning().empty());
    EXPECT_LT(test::meanAbsDiff(photo.pixels, pixels), 3.0);
    image::SaveOptions options;
    options.format = image::Format::Jpeg;
    const auto saved = image::encodePhoto(photo.pixels, options, photo.metadata);
    const Metadata reread = Metadata::read(saved);
    EXPECT_TRUE(reread.warning().empty()) << reread.warning();
    EXPECT_EQ(reread.orientation(), 1);
}

TEST(MalformedMetadata, ReadingNonImagesNeverThrows) {
    EXPECT_FALSE(Metadata::read({}).warning().empty());
    const cv::Mat noise = test::noiseImage(1, 1000, CV_8UC1);
    const Metadata m = Metadata::read(std::vector<uint8_t>(noise.data, noise.data + noise.total()));
    EXPECT_TRUE(m.empty());
    EXPECT_FALSE(m.warning().empty());
    EXPECT_EQ(m.orientation(), 1);
    EXPECT_EQ(m.value("Exif.Image.Make"), "");
    EXPECT_EQ(m.value("not a key"), "");
}

}  // namespace
}  // namespace pm::metadata
