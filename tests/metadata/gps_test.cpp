// A photo's location (EXIF GPS tags) is kept when PhotoMend saves it.
#include <gtest/gtest.h>

#include "core/image/image_io.h"
#include "core/metadata/metadata.h"
#include "tests/image/test_pattern.h"
#include "tests/support/testdata.h"

namespace pm::metadata {
namespace {

std::vector<std::string> gpsKeys(const Metadata& m) {
    std::vector<std::string> keys;
    for (const auto& key : m.exifKeys())
        if (key.rfind("Exif.GPSInfo.", 0) == 0) keys.push_back(key);
    return keys;
}

TEST(Gps, LocationSurvivesSavingInEveryWritableFormat) {
    PM_REQUIRE_TESTDATA();
    int filesWithGps = 0;
    for (const auto& path : test::testdataFiles("metadata")) {
        if (test::isMalformedMetadataSample(path)) continue;
        const image::LoadedPhoto photo = image::loadPhoto(path);
        const std::vector<std::string> keys = gpsKeys(photo.metadata);
        if (keys.empty() || photo.metadata.value("Exif.GPSInfo.GPSLatitude").empty()) continue;
        ++filesWithGps;
        for (image::Format format :
             {image::Format::Jpeg, image::Format::Png, image::Format::Tiff, image::Format::WebP}) {
            image::SaveOptions options;
            options.format = format;
            const Metadata saved =
                Metadata::read(image::encodePhoto(photo.pixels, options, photo.metadata));
            const std::string where =
                test::baseName(path) + " saved as " + image::formatName(format);
            EXPECT_EQ(gpsKeys(saved).size(), keys.size()) << where;
            for (const auto& key : keys)
                EXPECT_EQ(saved.value(key), photo.metadata.value(key)) << where << ": " << key;
        }
    }
    // FurnaceCreekInn.jpg and exiv2-bug1199.webp carry a GPS position.
    EXPECT_GE(filesWithGps, 2);
}

}  // namespace
}  // namespace pm::metadata
