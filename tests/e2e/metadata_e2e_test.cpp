// A real camera JPEG through photomend-cli: the photo's EXIF, GPS and XMP survive the edit.
#include <filesystem>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/image/image_io.h"
#include "core/metadata/metadata.h"
#include "tests/e2e/cli_runner.h"
#include "tests/support/testdata.h"

namespace pm::test {
namespace {

TEST(CliRemoveMetadata, JpegKeepsExifGpsAndXmp) {
    PM_REQUIRE_TESTDATA();
    const std::string source = testdataDir() + "/metadata/FurnaceCreekInn.jpg";
    ASSERT_TRUE(std::filesystem::exists(source)) << source;
    const metadata::Metadata before = metadata::Metadata::read(image::readFile(source));
    // The file must have what this test checks, or the test proves nothing.
    ASSERT_FALSE(before.value("Exif.GPSInfo.GPSLatitude").empty());
    ASSERT_FALSE(before.value("Exif.Image.Model").empty());
    ASSERT_FALSE(before.value("Xmp.aux.Lens").empty());

    TempDir dir;
    const cv::Mat photo = cv::imread(source, cv::IMREAD_COLOR);
    ASSERT_FALSE(photo.empty());
    cv::Mat mask = cv::Mat::zeros(photo.size(), CV_8UC1);
    cv::rectangle(mask, cv::Rect(photo.cols / 3, photo.rows / 3, 40, 30), cv::Scalar(255),
                  cv::FILLED);
    ASSERT_TRUE(cv::imwrite(dir.file("mask.png"), mask));

    const std::string output = dir.file("edited.jpg");
    const CliResult r = runCli({"remove", q(source), "--mask", q(dir.file("mask.png")), "--output",
                                q(output), "--engine", "builtin"});
    ASSERT_EQ(r.exitCode, 0) << r.err;

    const std::vector<uint8_t> bytes = image::readFile(output);
    EXPECT_EQ(image::formatFromBytes(bytes), image::Format::Jpeg);
    const metadata::Metadata after = metadata::Metadata::read(bytes);
    EXPECT_TRUE(after.warning().empty()) << after.warning();
    for (const char* key : {"Exif.GPSInfo.GPSLatitude", "Exif.GPSInfo.GPSLatitudeRef",
                            "Exif.GPSInfo.GPSLongitude", "Exif.Image.Make", "Exif.Image.Model",
                            "Exif.Photo.DateTimeOriginal", "Xmp.aux.Lens", "Xmp.aux.OwnerName"}) {
        EXPECT_EQ(after.value(key), before.value(key)) << key;
    }
    EXPECT_EQ(after.orientation(), 1);
    // The edit is recorded, and the pixel size matches the new file.
    EXPECT_NE(after.value("Xmp.xmp.CreatorTool").find("PhotoMend"), std::string::npos);
    const cv::Mat edited = cv::imread(output, cv::IMREAD_COLOR);
    EXPECT_EQ(edited.size(), photo.size());
}

}  // namespace
}  // namespace pm::test
