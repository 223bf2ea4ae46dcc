// JPEGs that are damaged but not cut short: the message says what is really wrong. A file that
// only lacks its end marker, or has stray bytes between its parts, opens complete with a warning;
// damaged image data is refused as damaged, not as "ends before the image does".
#include <fstream>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "core/common/error.h"
#include "core/image/image_io.h"
#include "tests/image/test_pattern.h"
#include "tests/support/testdata.h"

namespace pm::image {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes validJpeg() {
    Bytes bytes;
    EXPECT_TRUE(cv::imencode(".jpg", test::asymmetricPattern(128, 128, CV_8UC3), bytes));
    return bytes;
}

// Position of the first FF `marker`.
size_t find(const Bytes& b, uint8_t marker) {
    for (size_t i = 0; i + 1 < b.size(); ++i)
        if (b[i] == 0xFF && b[i + 1] == marker) return i;
    ADD_FAILURE() << "no marker " << int(marker);
    return 0;
}

struct Outcome {
    LoadedPhoto photo;
    std::string error;
};

Outcome load(const Bytes& bytes, const std::string& name = "damaged.jpg") {
    test::TempDir dir;
    {
        std::ofstream out(dir.file(name), std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    }
    Outcome o;
    try {
        o.photo = loadPhoto(dir.file(name));
    } catch (const Error& e) {
        o.error = e.what();
    }
    return o;
}

std::string allWarnings(const LoadedPhoto& photo) {
    std::string text;
    for (const std::string& w : photo.warnings) text += w + "\n";
    return text;
}

TEST(JpegDamage, MissingEndMarkerOpensCompleteWithAWarning) {
    const Bytes intact = validJpeg();
    const Bytes cut(intact.begin(), intact.end() - 2);  // without FF D9, all image data present
    const Outcome o = load(cut);
    ASSERT_EQ(o.error, "");
    EXPECT_EQ(test::maxAbsDiff(o.photo.pixels, load(intact).photo.pixels), 0.0);
    EXPECT_NE(allWarnings(o.photo).find("end marker"), std::string::npos) << allWarnings(o.photo);
}

TEST(JpegDamage, GarbageAfterTheEndOpensUnchanged) {
    const Bytes intact = validJpeg();
    Bytes bytes = intact;
    const cv::Mat noise = test::noiseImage(1, 300, CV_8UC1);
    bytes.insert(bytes.end(), noise.data, noise.data + noise.total());
    const Outcome o = load(bytes);
    ASSERT_EQ(o.error, "");
    EXPECT_EQ(test::maxAbsDiff(o.photo.pixels, load(intact).photo.pixels), 0.0);
}

TEST(JpegDamage, StrayBytesBetweenSegmentsOpenWithAWarning) {
    const Bytes intact = validJpeg();
    Bytes bytes = intact;
    const size_t scan = find(bytes, 0xDA);
    bytes.insert(bytes.begin() + static_cast<long>(scan), {0x00, 0x11, 0x22, 0x33, 0x44});
    const Outcome o = load(bytes);
    ASSERT_EQ(o.error, "");
    EXPECT_EQ(test::maxAbsDiff(o.photo.pixels, load(intact).photo.pixels), 0.0);
    EXPECT_NE(allWarnings(o.photo).find("costs no pixel"), std::string::npos) << allWarnings(o.photo);
}

TEST(JpegDamage, BadMarkerInsideTheImageDataIsNamedAsDamageNotTruncation) {
    Bytes bytes = validJpeg();
    const size_t scan = find(bytes, 0xDA);
    const size_t end = find(bytes, 0xD9);
    size_t at = (scan + end) / 2;
    while (bytes[at - 1] == 0xFF) ++at;
    bytes[at] = 0xFF;
    bytes[at + 1] = 0x05;  // not a marker that may appear inside entropy-coded data
    const Outcome o = load(bytes);
    EXPECT_NE(o.error.find("damaged.jpg"), std::string::npos) << o.error;
    EXPECT_NE(o.error.find("damaged"), std::string::npos) << o.error;
    EXPECT_EQ(o.error.find("ends before"), std::string::npos) << o.error;
}

TEST(JpegDamage, TruncatedImageDataIsStillCalledTruncated) {
    Bytes bytes = validJpeg();
    bytes.resize(bytes.size() * 2 / 3);
    const Outcome o = load(bytes, "cut.jpg");
    EXPECT_NE(o.error.find("cut.jpg"), std::string::npos) << o.error;
    EXPECT_NE(o.error.find("truncated"), std::string::npos) << o.error;
}

TEST(JpegDamage, UnreadableExifIsAWarningOfTheLoadedPhoto) {
    // An APP1 Exif segment whose first directory lies far beyond the segment.
    Bytes bytes = validJpeg();
    const Bytes app1 = {0xFF, 0xE1, 0x00, 0x16, 'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 0x2A, 0x00,
                        0x00, 0xFF, 0xFF, 0x7F, 0x01, 0x00, 0x0F, 0x01, 0x02, 0x00};
    bytes.insert(bytes.begin() + 2, app1.begin(), app1.end());
    const Outcome o = load(bytes);
    ASSERT_EQ(o.error, "");
    EXPECT_NE(allWarnings(o.photo).find("metadata"), std::string::npos) << allWarnings(o.photo);
}

}  // namespace
}  // namespace pm::image
