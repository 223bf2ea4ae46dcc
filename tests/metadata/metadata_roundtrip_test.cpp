// Real camera files keep their metadata when PhotoMend saves them: open, save in the same format,
// read the result back.
#include <algorithm>
#include <set>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "core/image/image_io.h"
#include "core/metadata/metadata.h"
#include "tests/image/test_pattern.h"
#include "tests/support/testdata.h"

namespace pm::metadata {
namespace {

std::vector<std::string> cameraFiles() {
    std::vector<std::string> files;
    for (const auto& path : test::testdataFiles("metadata"))
        if (!test::isMalformedMetadataSample(path)) files.push_back(path);
    return files;
}

bool startsWith(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

// Keys whose value PhotoMend changes on purpose when it saves an edit.
bool changedOnSave(const std::string& key) {
    static const std::set<std::string> changed = {
        "Exif.Image.Orientation",     "Exif.Image.Software",        "Exif.Image.DateTime",
        "Exif.Photo.PixelXDimension", "Exif.Photo.PixelYDimension", "Exif.Image.ImageWidth",
        "Exif.Image.ImageLength",     "Xmp.tiff.Orientation",       "Xmp.xmp.ModifyDate",
        "Xmp.xmp.MetadataDate",       "Xmp.xmp.CreatorTool",        "Xmp.tiff.ImageWidth",
        "Xmp.tiff.ImageLength",       "Xmp.exif.PixelXDimension",   "Xmp.exif.PixelYDimension"};
    return changed.count(key) > 0;
}

// Keys that legitimately do not survive, with the reason.
bool droppedOnSave(const std::string& key, image::Format format) {
    // The EXIF thumbnail shows the unedited photo, so it is dropped rather than left stale.
    if (startsWith(key, "Exif.Thumbnail.")) return true;
    // The ICC profile is carried as the file's own profile (compared byte for byte below).
    if (key == "Exif.Image.InterColorProfile") return true;
    // Exiv2 leaves this TIFF tag out of a JPEG's EXIF: the JPEG stream defines its own colours.
    if (format == image::Format::Jpeg && key == "Exif.Image.PhotometricInterpretation") return true;
    if (format == image::Format::Tiff) {
        // In a TIFF these tags describe the pixel data itself; the new file's own values replace
        // them.
        static const std::set<std::string> structure = {
            "Exif.Image.NewSubfileType",      "Exif.Image.StripOffsets",
            "Exif.Image.StripByteCounts",     "Exif.Image.RowsPerStrip",
            "Exif.Image.Compression",         "Exif.Image.BitsPerSample",
            "Exif.Image.SamplesPerPixel",     "Exif.Image.PhotometricInterpretation",
            "Exif.Image.PlanarConfiguration", "Exif.Image.Predictor",
            "Exif.Image.ExtraSamples",        "Exif.Image.SampleFormat"};
        if (structure.count(key)) return true;
    }
    return false;
}

// Offsets and containers Exiv2 rebuilds when it writes: their content is compared key by key
// (maker note tags, XMP, IPTC), so only their raw value changes.
bool rebuiltOnWrite(const std::string& key) {
    static const std::set<std::string> rebuilt = {
        "Exif.Image.ExifTag",    "Exif.Image.GPSTag",         "Exif.Photo.InteroperabilityTag",
        "Exif.MakerNote.Offset", "Exif.Photo.MakerNote",      "Exif.Image.XMLPacket",
        "Exif.Image.IPTCNAA",    "Exif.Image.ImageResources", "Exif.Nikon3.Preview"};
    return rebuilt.count(key) > 0 || key.find("JPEGInterchangeFormat") != std::string::npos;
}

std::string shortText(const std::string& s) {
    return s.size() > 80 ? s.substr(0, 80) + "..." : s;
}

template <class KeysFn>
void expectKeysSurvive(const Metadata& before, const Metadata& after, KeysFn keys,
                       image::Format format, const std::string& file) {
    const std::vector<std::string> afterKeys = (after.*keys)();
    const std::set<std::string> present(afterKeys.begin(), afterKeys.end());
    for (const std::string& key : (before.*keys)()) {
        if (droppedOnSave(key, format)) continue;
        EXPECT_TRUE(present.count(key)) << file << ": " << key << " was lost";
        if (present.count(key) && !changedOnSave(key) && !rebuiltOnWrite(key))
            EXPECT_TRUE(after.value(key) == before.value(key))
                << file << ": " << key << " changed from \"" << shortText(before.value(key))
                << "\" to \"" << shortText(after.value(key)) << "\"";
    }
}

class CameraFileRoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(CameraFileRoundTrip, MetadataSurvivesSavingInTheSameFormat) {
    const std::string& path = GetParam();
    const std::string file = test::baseName(path);
    const image::LoadedPhoto photo = image::loadPhoto(path);
    const Metadata& before = photo.metadata;

    image::SaveOptions options;
    options.format = photo.format;
    if (photo.jpegQuality > 0) options.jpegQuality = photo.jpegQuality;
    const auto saved = image::encodePhoto(photo.pixels, options, before, "repaired");
    const Metadata after = Metadata::read(saved);
    EXPECT_TRUE(after.warning().empty()) << file << ": " << after.warning();

    if (photo.format == image::Format::Bmp) {
        EXPECT_TRUE(after.empty()) << "Exiv2 cannot write BMP; nothing is expected";
        return;
    }
    expectKeysSurvive(before, after, &Metadata::exifKeys, photo.format, file);
    expectKeysSurvive(before, after, &Metadata::iptcKeys, photo.format, file);
    expectKeysSurvive(before, after, &Metadata::xmpKeys, photo.format, file);

    EXPECT_EQ(after.orientation(), 1) << file;
    EXPECT_EQ(after.value("Exif.Image.Orientation"), "1") << file;
    EXPECT_EQ(after.value("Exif.Photo.PixelXDimension"), std::to_string(photo.pixels.cols)) << file;
    EXPECT_EQ(after.value("Exif.Photo.PixelYDimension"), std::to_string(photo.pixels.rows)) << file;
    if (!before.value("Exif.Image.ImageWidth").empty() && photo.format != image::Format::Tiff) {
        EXPECT_EQ(after.value("Exif.Image.ImageWidth"), std::to_string(photo.pixels.cols)) << file;
        EXPECT_EQ(after.value("Exif.Image.ImageLength"), std::to_string(photo.pixels.rows)) << file;
    }
    EXPECT_EQ(after.value("Exif.Image.Software"), "PhotoMend") << file;
    for (const auto& key : after.exifKeys())
        EXPECT_FALSE(startsWith(key, "Exif.Thumbnail.")) << file << ": stale thumbnail kept";

    // The history gains one entry, after any the file already had.
    int historyBefore = 0, historyAfter = 0;
    for (const auto& key : before.xmpKeys())
        historyBefore += key.find("/stEvt:action") != std::string::npos;
    for (const auto& key : after.xmpKeys())
        historyAfter += key.find("/stEvt:action") != std::string::npos;
    EXPECT_EQ(historyAfter, historyBefore + 1) << file;
    const std::string entry = "Xmp.xmpMM.History[" + std::to_string(historyAfter) + "]";
    EXPECT_EQ(after.value(entry + "/stEvt:action"), "repaired") << file;
    EXPECT_EQ(after.value(entry + "/stEvt:softwareAgent"), "PhotoMend") << file;
    EXPECT_FALSE(after.value(entry + "/stEvt:when").empty()) << file;
    EXPECT_EQ(after.value("Xmp.xmp.CreatorTool"), "PhotoMend") << file;
    EXPECT_FALSE(after.value("Xmp.xmp.ModifyDate").empty()) << file;
    EXPECT_FALSE(after.value("Xmp.xmp.MetadataDate").empty()) << file;

    EXPECT_EQ(after.iccProfile(), before.iccProfile()) << file << ": ICC profile changed";

    // The saved file opens upright at the same size.
    const image::LoadedPhoto reopened = image::decodePhoto(saved);
    EXPECT_EQ(reopened.pixels.size(), photo.pixels.size()) << file;
    EXPECT_EQ(reopened.appliedOrientation, 1) << file;
}

TEST_P(CameraFileRoundTrip, WritingMetadataLeavesThePixelsAlone) {
    const std::string& path = GetParam();
    const image::LoadedPhoto photo = image::loadPhoto(path);
    if (photo.format == image::Format::Bmp) GTEST_SKIP() << "no metadata is written into BMP";
    const std::string ext[] = {".jpg", ".png", ".tiff", ".webp", ".bmp"};
    std::vector<uint8_t> encoded;
    ASSERT_TRUE(cv::imencode(ext[static_cast<int>(photo.format)], photo.pixels, encoded));
    WriteOptions options;
    options.width = photo.pixels.cols;
    options.height = photo.pixels.rows;
    const auto withMetadata = photo.metadata.writeInto(encoded, options);
    EXPECT_NE(withMetadata, encoded) << "nothing was written";
    const cv::Mat plain = cv::imdecode(encoded, cv::IMREAD_UNCHANGED);
    const cv::Mat tagged = cv::imdecode(withMetadata, cv::IMREAD_UNCHANGED);
    EXPECT_EQ(test::maxAbsDiff(plain, tagged), 0.0) << test::baseName(path);
}

std::string testName(const ::testing::TestParamInfo<std::string>& info) {
    std::string name = test::baseName(info.param);
    std::replace_if(
        name.begin(), name.end(),
        [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
    return name;
}

INSTANTIATE_TEST_SUITE_P(Testdata, CameraFileRoundTrip, ::testing::ValuesIn(cameraFiles()),
                         testName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(CameraFileRoundTrip);

TEST(CameraFiles, TestdataHasCameraFiles) {
    PM_REQUIRE_TESTDATA();
    EXPECT_GE(cameraFiles().size(), 10u);
}

}  // namespace
}  // namespace pm::metadata
