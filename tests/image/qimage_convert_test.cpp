// cv::Mat <-> QImage keeps every pixel, channel order and bit depth, so the canvas shows exactly
// what will be saved.
#include <gtest/gtest.h>

#include "core/image/qimage_convert.h"
#include "tests/image/test_pattern.h"

namespace pm::image {
namespace {

class QImageRoundTrip : public ::testing::TestWithParam<int> {};

TEST_P(QImageRoundTrip, IsBitExact) {
    const cv::Mat pixels = test::noiseImage(13, 29, GetParam());  // odd width: padded QImage rows
    const QImage image = toQImage(pixels);
    ASSERT_FALSE(image.isNull());
    EXPECT_EQ(image.width(), pixels.cols);
    EXPECT_EQ(image.height(), pixels.rows);
    const cv::Mat back = fromQImage(image);
    ASSERT_EQ(back.type(), pixels.type());
    EXPECT_EQ(test::maxAbsDiff(back, pixels), 0.0);
}

INSTANTIATE_TEST_SUITE_P(Layouts, QImageRoundTrip,
                         ::testing::Values(CV_8UC1, CV_8UC3, CV_8UC4, CV_16UC1, CV_16UC3,
                                           CV_16UC4));

TEST(QImageConvert, ChannelOrderIsRightOnScreen) {
    cv::Mat bgr(2, 2, CV_8UC3, cv::Scalar(255, 0, 0));  // pure blue in OpenCV's BGR order
    EXPECT_EQ(toQImage(bgr).pixelColor(1, 1), QColor(0, 0, 255));
    cv::Mat bgra(2, 2, CV_8UC4, cv::Scalar(0, 0, 255, 128));  // half-transparent red
    const QColor c = toQImage(bgra).pixelColor(0, 0);
    EXPECT_EQ(c.red(), 255);
    EXPECT_EQ(c.blue(), 0);
    EXPECT_EQ(c.alpha(), 128);
    cv::Mat deep(2, 2, CV_16UC3, cv::Scalar(0, 65535, 0));
    EXPECT_EQ(toQImage(deep).pixelColor(0, 0), QColor(0, 255, 0));
}

TEST(QImageConvert, QtFormatsBecomePhotoMendLayouts) {
    QImage argb(3, 2, QImage::Format_ARGB32_Premultiplied);
    argb.fill(QColor(255, 0, 0, 255));
    const cv::Mat m = fromQImage(argb);
    ASSERT_EQ(m.type(), CV_8UC4);
    EXPECT_EQ(m.at<cv::Vec4b>(1, 2), cv::Vec4b(0, 0, 255, 255));

    QImage rgb32(3, 2, QImage::Format_RGB32);
    rgb32.fill(QColor(10, 20, 30));
    const cv::Mat m3 = fromQImage(rgb32);
    ASSERT_EQ(m3.type(), CV_8UC3);
    EXPECT_EQ(m3.at<cv::Vec3b>(0, 0), cv::Vec3b(30, 20, 10));

    EXPECT_TRUE(fromQImage(QImage()).empty());
    EXPECT_TRUE(toQImage(cv::Mat()).isNull());
    EXPECT_TRUE(toQImage(cv::Mat(2, 2, CV_32FC3)).isNull());
}

}  // namespace
}  // namespace pm::image
