#include "core/image/tensor_convert.h"

#include <gtest/gtest.h>

#include "core/common/error.h"

namespace pm::image {
namespace {

TEST(TensorConvert, BgrPixelBecomesRgbInTheModelRange) {
    cv::Mat bgr(2, 3, CV_8UC3, cv::Scalar(0, 0, 0));
    bgr.at<cv::Vec3b>(1, 2) = cv::Vec3b(255, 51, 0);  // B, G, R
    const auto zeroOne = bgrToTensor(bgr, {ValueRange::ZeroOne, ChannelOrder::Rgb});
    ASSERT_EQ(zeroOne.sizes().vec(), (std::vector<int64_t>{1, 3, 2, 3}));
    EXPECT_FLOAT_EQ(zeroOne[0][0][1][2].item<float>(), 0.0f);  // R
    EXPECT_FLOAT_EQ(zeroOne[0][1][1][2].item<float>(), 0.2f);  // G
    EXPECT_FLOAT_EQ(zeroOne[0][2][1][2].item<float>(), 1.0f);  // B
    const auto signedBgr = bgrToTensor(bgr, {ValueRange::MinusOneOne, ChannelOrder::Bgr});
    EXPECT_FLOAT_EQ(signedBgr[0][0][1][2].item<float>(), 1.0f);
    EXPECT_FLOAT_EQ(signedBgr[0][2][1][2].item<float>(), -1.0f);
    EXPECT_FLOAT_EQ(signedBgr[0][0][0][0].item<float>(), -1.0f);
}

TEST(TensorConvert, RoundTripIsExactForEveryLayout) {
    cv::Mat bgr(17, 9, CV_8UC3);
    cv::randu(bgr, 0, 256);
    for (auto range : {ValueRange::ZeroOne, ValueRange::MinusOneOne})
        for (auto order : {ChannelOrder::Rgb, ChannelOrder::Bgr}) {
            const TensorLayout layout{range, order};
            EXPECT_EQ(cv::norm(tensorToBgr(bgrToTensor(bgr, layout), layout), bgr, cv::NORM_INF),
                      0.0);
        }
}

TEST(TensorConvert, OutputIsClampedAndMaskIsBinary) {
    auto t = torch::full({1, 3, 1, 2}, 2.0f);
    t[0][0][0][1] = -0.5f;
    const cv::Mat out = tensorToBgr(t, {});
    EXPECT_EQ(out.at<cv::Vec3b>(0, 0), cv::Vec3b(255, 255, 255));
    EXPECT_EQ(out.at<cv::Vec3b>(0, 1), cv::Vec3b(255, 255, 0));  // R clamped to 0

    cv::Mat mask = (cv::Mat_<uint8_t>(1, 3) << 0, 1, 200);
    const auto m = maskToTensor(mask);
    ASSERT_EQ(m.sizes().vec(), (std::vector<int64_t>{1, 1, 1, 3}));
    EXPECT_EQ(m.sum().item<float>(), 2.0f);
    EXPECT_EQ(m[0][0][0][0].item<float>(), 0.0f);
}

TEST(TensorConvert, PixelsAreCopiedIntoAFixedTensorOnlyWhenTheyFit) {
    cv::Mat whole(12, 10, CV_8UC3);
    cv::randu(whole, 0, 256);
    const cv::Mat region = whole(cv::Rect(2, 3, 6, 5));  // not continuous in memory
    auto target = torch::zeros({5, 6, 3}, torch::kUInt8);
    copyBytesInto(region, target);
    const cv::Mat back = tensorToBytes(target);
    EXPECT_EQ(cv::norm(back, region, cv::NORM_INF), 0.0);
    auto wrongSize = torch::zeros({6, 5, 3}, torch::kUInt8);
    EXPECT_THROW(copyBytesInto(region, wrongSize), Error);
    auto wrongChannels = torch::zeros({5, 6, 1}, torch::kUInt8);
    EXPECT_THROW(copyBytesInto(region, wrongChannels), Error);
}

TEST(TensorConvert, RejectsOtherPixelTypesAndShapes) {
    EXPECT_THROW(bgrToTensor(cv::Mat(2, 2, CV_8UC1), {}), Error);
    EXPECT_THROW(maskToTensor(cv::Mat(2, 2, CV_8UC3)), Error);
    EXPECT_THROW(tensorToBgr(torch::zeros({1, 1, 2, 2}), {}), Error);
}

}  // namespace
}  // namespace pm::image
