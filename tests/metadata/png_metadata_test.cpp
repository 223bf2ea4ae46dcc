// A PNG saved by PhotoMend keeps what says how its colours and size on paper are meant (ICC
// profile, gamma, chromaticities, sRGB, resolution), its text and its time, and libpng reads the
// result without a single warning. Also across formats: PNG -> JPEG and JPEG -> PNG keep the
// colour profile, and a JPEG's DPI becomes the PNG's pHYs.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "core/image/image_io.h"
#include "core/metadata/metadata.h"
#include "tests/image/test_pattern.h"
#include "tests/metadata/libpng_strict.h"
#include "tests/support/testdata.h"

namespace pm::metadata {
namespace {

using test::PngChunks;
using test::PngText;

std::string joinWarnings(const PngChunks& png) {
    std::string s = png.error.empty() ? "" : "error: " + png.error;
    for (const auto& w : png.warnings) s += (s.empty() ? "" : "; ") + w;
    return s;
}

// A photo with everything PNG can say about colour, size on paper, text and time.
PngChunks richChunks() {
    PngChunks c;
    c.hasIcc = true;
    c.iccName = "Studio display profile";
    c.icc = test::minimalIccProfile("RGB ", 7);
    c.hasGamma = true;
    c.gamma = 50000;  // gamma 2.0
    c.hasChrm = true;
    c.chrm = {31270, 32900, 64000, 33000, 21000, 71000, 15000, 6000};  // Adobe RGB primaries
    c.hasPhys = true;
    c.physX = 11811;  // 300 dpi across, 150 dpi down: a swap or a default would show
    c.physY = 5906;
    c.physUnit = PNG_RESOLUTION_METER;
    c.hasBkgd = true;
    c.bkgd.red = 10;
    c.bkgd.green = 20;
    c.bkgd.blue = 30;
    c.hasTime = true;
    c.time = {2019, 5, 17, 10, 20, 30};
    c.texts = {
        {"Title", "Harbour at dusk", PNG_TEXT_COMPRESSION_NONE, "", "", false},
        {"Comment", std::string(300, 'x') + " scanned from the 1962 family album",
         PNG_TEXT_COMPRESSION_zTXt, "", "", false},
        {"Copyright", "\xC2\xA9 Fotograf M\xC3\xBCller", PNG_ITXT_COMPRESSION_NONE, "de",
         "Urheberrecht", false},
        {"Author", "A. Photographer", PNG_TEXT_COMPRESSION_NONE, "", "", true},
    };
    return c;
}

PngChunks srgbChunks() {
    PngChunks c;
    c.hasSrgb = true;
    c.srgbIntent = PNG_sRGB_INTENT_RELATIVE;
    c.hasGamma = true;
    c.gamma = 45455;
    c.hasChrm = true;
    c.chrm = {31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000};
    c.hasPhys = true;
    c.physX = 2835;  // 72 dpi
    c.physY = 2835;
    c.physUnit = PNG_RESOLUTION_METER;
    return c;
}

std::vector<uint8_t> fixture(const PngChunks& chunks) {
    const std::vector<uint8_t> png =
        test::writeWithLibpng(test::asymmetricPattern(30, 40, CV_8UC3), chunks);
    const PngChunks check = test::readWithLibpng(png);
    EXPECT_EQ(joinWarnings(check), "") << "the fixture itself must be valid";
    return png;
}

std::vector<uint8_t> saveAs(const std::vector<uint8_t>& source, image::Format format) {
    const image::LoadedPhoto photo = image::decodePhoto(source);
    image::SaveOptions options;
    options.format = format;
    return image::encodePhoto(photo.pixels, options, photo.metadata, "repaired");
}

std::time_t timeOf(const png_time& t) {
    std::tm tm{};
    tm.tm_year = t.year - 1900;
    tm.tm_mon = t.month - 1;
    tm.tm_mday = t.day;
    tm.tm_hour = t.hour;
    tm.tm_min = t.minute;
    tm.tm_sec = t.second;
    return timegm(&tm);
}

int countKey(const PngChunks& png, const std::string& key) {
    return static_cast<int>(std::count_if(png.texts.begin(), png.texts.end(),
                                          [&](const PngText& t) { return t.key == key; }));
}

void expectTextsKept(const PngChunks& source, const PngChunks& saved) {
    for (const PngText& want : source.texts) {
        EXPECT_EQ(countKey(saved, want.key), 1) << want.key << " lost or duplicated";
        for (const PngText& got : saved.texts) {
            if (got.key != want.key) continue;
            EXPECT_EQ(got.text, want.text) << want.key;
            EXPECT_EQ(got.compression, want.compression) << want.key;
            EXPECT_EQ(got.lang, want.lang) << want.key;
            EXPECT_EQ(got.langKey, want.langKey) << want.key;
        }
    }
}

void expectColourKept(const PngChunks& source, const PngChunks& saved) {
    EXPECT_EQ(saved.hasIcc, source.hasIcc);
    EXPECT_EQ(saved.iccName, source.iccName);
    EXPECT_EQ(saved.icc, source.icc) << "the colour profile changed";
    EXPECT_EQ(saved.hasGamma, source.hasGamma);
    EXPECT_EQ(saved.gamma, source.gamma);
    EXPECT_EQ(saved.hasChrm, source.hasChrm);
    EXPECT_EQ(saved.chrm, source.chrm);
    EXPECT_EQ(saved.hasSrgb, source.hasSrgb);
    EXPECT_EQ(saved.srgbIntent, source.srgbIntent);
    EXPECT_EQ(saved.hasPhys, source.hasPhys);
    EXPECT_EQ(saved.physX, source.physX);
    EXPECT_EQ(saved.physY, source.physY);
    EXPECT_EQ(saved.physUnit, source.physUnit);
}

TEST(PngMetadata, PngToPngKeepsColourResolutionTextAndTime) {
    const PngChunks source = richChunks();
    const std::time_t before = std::time(nullptr);
    const std::vector<uint8_t> saved = saveAs(fixture(source), image::Format::Png);
    const std::time_t after = std::time(nullptr);

    const PngChunks out = test::readWithLibpng(saved);
    EXPECT_EQ(joinWarnings(out), "") << "libpng must read the saved PNG without a warning";
    expectColourKept(source, out);
    EXPECT_TRUE(out.hasBkgd);
    EXPECT_EQ(out.bkgd.red, 10);
    EXPECT_EQ(out.bkgd.green, 20);
    EXPECT_EQ(out.bkgd.blue, 30);
    expectTextsKept(source, out);
    // tIME is the time of the last modification: the save, not 2019.
    ASSERT_TRUE(out.hasTime);
    EXPECT_GE(timeOf(out.time), before - 1);
    EXPECT_LE(timeOf(out.time), after + 1);

    // The edit is still recorded in the XMP, and only one XMP packet is written.
    EXPECT_EQ(countKey(out, "XML:com.adobe.xmp"), 1);
    const Metadata reread = Metadata::read(saved);
    EXPECT_EQ(reread.warning(), "");
    EXPECT_EQ(reread.value("Xmp.xmpMM.History[1]/stEvt:action"), "repaired");
    EXPECT_EQ(reread.iccProfile(), source.icc);
}

TEST(PngMetadata, SavingTheSavedPngAgainKeepsEverythingOnce) {
    const PngChunks source = richChunks();
    const std::vector<uint8_t> first = saveAs(fixture(source), image::Format::Png);
    const std::vector<uint8_t> second = saveAs(first, image::Format::Png);
    const PngChunks out = test::readWithLibpng(second);
    EXPECT_EQ(joinWarnings(out), "");
    expectColourKept(source, out);
    expectTextsKept(source, out);
    EXPECT_EQ(countKey(out, "XML:com.adobe.xmp"), 1);
    EXPECT_EQ(Metadata::read(second).value("Xmp.xmpMM.History[2]/stEvt:action"), "repaired");
}

TEST(PngMetadata, SrgbPngKeepsSrgbGammaAndChromaticities) {
    const PngChunks source = srgbChunks();
    const PngChunks out = test::readWithLibpng(saveAs(fixture(source), image::Format::Png));
    EXPECT_EQ(joinWarnings(out), "");
    expectColourKept(source, out);
    EXPECT_FALSE(out.hasTime) << "a tIME is only written where the source had one";
}

TEST(PngMetadata, PngToJpegKeepsTheColourProfile) {
    const PngChunks source = richChunks();
    const std::vector<uint8_t> jpeg = saveAs(fixture(source), image::Format::Jpeg);
    ASSERT_EQ(image::formatFromBytes(jpeg), image::Format::Jpeg);
    EXPECT_EQ(Metadata::read(jpeg).iccProfile(), source.icc);
}

// A JPEG as a scanner writes it: JFIF at 300 dpi and an ICC profile in APP2.
std::vector<uint8_t> scannerJpeg(const std::vector<uint8_t>& icc, int dpi) {
    std::vector<uint8_t> jpeg;
    EXPECT_TRUE(cv::imencode(".jpg", test::asymmetricPattern(30, 40, CV_8UC3), jpeg));
    EXPECT_TRUE(jpeg.size() > 20 && jpeg[3] == 0xE0 && std::memcmp(&jpeg[6], "JFIF", 4) == 0)
        << "libjpeg writes a JFIF header first";
    jpeg[13] = 1;  // density in dots per inch
    jpeg[14] = uint8_t(dpi >> 8);
    jpeg[15] = uint8_t(dpi);
    jpeg[16] = uint8_t(dpi >> 8);
    jpeg[17] = uint8_t(dpi);
    const std::string tag("ICC_PROFILE\0\x01\x01", 14);  // with its NUL; chunk 1 of 1
    const size_t length = 2 + tag.size() + icc.size();
    std::string app2 = {'\xFF', '\xE2', char(length >> 8), char(length & 0xFF)};
    app2 += tag;
    app2.append(icc.begin(), icc.end());
    const size_t afterApp0 = 4 + ((jpeg[4] << 8) | jpeg[5]);
    jpeg.insert(jpeg.begin() + afterApp0, app2.begin(), app2.end());
    return jpeg;
}

TEST(PngMetadata, JpegToPngKeepsTheColourProfileAndDpi) {
    const std::vector<uint8_t> icc = test::minimalIccProfile("RGB ", 9);
    const std::vector<uint8_t> jpeg = scannerJpeg(icc, 300);
    ASSERT_EQ(Metadata::read(jpeg).iccProfile(), icc) << "the fixture's profile is readable";
    const PngChunks out = test::readWithLibpng(saveAs(jpeg, image::Format::Png));
    EXPECT_EQ(joinWarnings(out), "");
    ASSERT_TRUE(out.hasIcc);
    EXPECT_EQ(out.icc, icc);
    EXPECT_EQ(out.iccName, "ICC Profile");
    ASSERT_TRUE(out.hasPhys);
    EXPECT_EQ(out.physUnit, PNG_RESOLUTION_METER);
    EXPECT_EQ(out.physX, 11811u);  // 300 / 0.0254
    EXPECT_EQ(out.physY, 11811u);
}

TEST(PngMetadata, AGrayProfileIsNotPutOnAColourPng) {
    // libpng refuses it ("Gray color space not permitted on RGB PNG"), and the colours would be
    // wrong anyway: better no profile than a broken one.
    const std::vector<uint8_t> jpeg = scannerJpeg(test::minimalIccProfile("GRAY", 3), 96);
    const PngChunks out = test::readWithLibpng(saveAs(jpeg, image::Format::Png));
    EXPECT_EQ(joinWarnings(out), "");
    EXPECT_FALSE(out.hasIcc);
    EXPECT_TRUE(out.hasPhys);
}

TEST(PngMetadata, ReadingSaysWhichPngChunksCannotBeCarried) {
    EXPECT_EQ(Metadata::read(fixture(richChunks())).warning(), "");

    PngChunks withOffset = srgbChunks();
    withOffset.hasOffs = true;
    const std::string warning = Metadata::read(fixture(withOffset)).warning();
    EXPECT_NE(warning.find("oFFs"), std::string::npos) << warning;

    std::vector<uint8_t> damaged = fixture(richChunks());
    const std::string text = "Harbour at dusk";
    auto at = std::search(damaged.begin(), damaged.end(), text.begin(), text.end());
    ASSERT_NE(at, damaged.end());
    *at = 'h';  // the tEXt chunk's CRC no longer matches
    const std::string damagedWarning = Metadata::read(damaged).warning();
    EXPECT_NE(damagedWarning.find("tEXt"), std::string::npos) << damagedWarning;
}

// --- Real files from ../shared/testdata/metadata ---

std::vector<uint8_t> testdataBytes(const std::string& name) {
    const std::string dir = test::testdataDir();
    if (dir.empty()) return {};
    return image::readFile(dir + "/metadata/" + name);
}

TEST(PngMetadataTestdata, ReaganPngKeepsGammaBackgroundDpiCommentAndTime) {
    PM_REQUIRE_TESTDATA();
    const std::vector<uint8_t> source = testdataBytes("ReaganSmallPng.png");
    const PngChunks in = test::readWithLibpng(source);
    ASSERT_TRUE(in.hasGamma && in.hasBkgd && in.hasPhys && in.hasTime);
    const PngChunks out = test::readWithLibpng(saveAs(source, image::Format::Png));
    EXPECT_EQ(joinWarnings(out), "");
    expectColourKept(in, out);
    EXPECT_TRUE(out.hasBkgd);
    EXPECT_EQ(out.bkgd.red, in.bkgd.red);
    EXPECT_EQ(out.bkgd.green, in.bkgd.green);
    EXPECT_EQ(out.bkgd.blue, in.bkgd.blue);
    ASSERT_TRUE(out.hasTime);
    EXPECT_GT(timeOf(out.time), timeOf(in.time)) << "tIME is the time of this save";
    EXPECT_EQ(countKey(out, "Comment"), 1);
}

TEST(PngMetadataTestdata, ExifInAnExifChunkIsReadAndCarried) {
    PM_REQUIRE_TESTDATA();
    const std::vector<uint8_t> source = testdataBytes("1343_exif.png");
    const Metadata before = Metadata::read(source);
    EXPECT_EQ(before.warning(), "");
    const std::string description = before.value("Exif.Image.ImageDescription");
    ASSERT_FALSE(description.empty()) << "the eXIf chunk holds an image description";
    const std::vector<uint8_t> saved = saveAs(source, image::Format::Png);
    EXPECT_EQ(Metadata::read(saved).value("Exif.Image.ImageDescription"), description);
    const PngChunks in = test::readWithLibpng(source);
    const PngChunks out = test::readWithLibpng(saved);
    EXPECT_EQ(joinWarnings(out), "");
    expectColourKept(in, out);
}

class TestdataToPng : public ::testing::TestWithParam<std::string> {};

TEST_P(TestdataToPng, SavesAValidPngWithTheProfileAndDpi) {
    const image::LoadedPhoto photo = image::loadPhoto(GetParam());
    image::SaveOptions options;
    options.format = image::Format::Png;
    const auto saved = image::encodePhoto(photo.pixels, options, photo.metadata, "repaired");
    const PngChunks out = test::readWithLibpng(saved);
    EXPECT_EQ(joinWarnings(out), "");
    const std::vector<uint8_t>& icc = photo.metadata.iccProfile();
    const bool colourProfile = icc.size() > 20 && std::memcmp(&icc[16], "RGB ", 4) == 0;
    if (colourProfile && photo.pixels.channels() >= 3) {
        if (out.hasIcc) {
            EXPECT_EQ(out.icc, icc);
        } else {
            // Only for the two HP sRGB profiles libpng calls "known incorrect" (3144 bytes).
            EXPECT_TRUE(out.hasSrgb) << "the photo's colour profile was lost";
            EXPECT_EQ(icc.size(), 3144u) << "a profile was replaced by an sRGB chunk";
        }
    }
    const std::string x = photo.metadata.value("Exif.Image.XResolution");
    if (photo.format != image::Format::Png && !x.empty() &&
        photo.metadata.value("Exif.Image.ResolutionUnit") == "2") {
        const auto slash = x.find('/');
        const double dpi = std::stod(x.substr(0, slash)) /
                           (slash == std::string::npos ? 1.0 : std::stod(x.substr(slash + 1)));
        EXPECT_TRUE(out.hasPhys) << "the photo's DPI was lost";
        EXPECT_EQ(out.physUnit, PNG_RESOLUTION_METER);
        EXPECT_EQ(out.physX, static_cast<png_uint_32>(std::lround(dpi / 0.0254)));
    }
}

std::vector<std::string> readablePhotos() {
    std::vector<std::string> files;
    for (const auto& path : test::testdataFiles("metadata"))
        if (!test::isMalformedMetadataSample(path)) files.push_back(path);
    return files;
}

std::string testName(const ::testing::TestParamInfo<std::string>& info) {
    std::string name = test::baseName(info.param);
    std::replace_if(
        name.begin(), name.end(),
        [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
    return name;
}

INSTANTIATE_TEST_SUITE_P(Testdata, TestdataToPng, ::testing::ValuesIn(readablePhotos()), testName);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(TestdataToPng);

}  // namespace
}  // namespace pm::metadata
