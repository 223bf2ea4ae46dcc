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

// The engine converts a request's bytes straight into the serving module's fp16: every level must
// come out as the fp32 value rounded once to fp16, in NCHW planes, channels in the layout's order.
TEST(TensorConvert, Fp16InputsAreTheFp32ValuesRoundedOnce) {
    auto hwc = torch::empty({2, 256, 3}, torch::kUInt8);
    const auto levels = torch::arange(256, torch::kInt32).to(torch::kUInt8);
    for (int c = 0; c < 3; ++c) {
        hwc.select(2, c)[0].copy_(levels);
        hwc.select(2, c)[1].copy_(levels.flip({0}));
    }
    for (auto range : {ValueRange::ZeroOne, ValueRange::MinusOneOne})
        for (auto order : {ChannelOrder::Rgb, ChannelOrder::Bgr}) {
            const TensorLayout layout{range, order};
            // What the model has always been given: fp32 in HWC order, flipped, transposed.
            auto expected = hwc.permute({2, 0, 1}).to(torch::kFloat32);
            if (order == ChannelOrder::Rgb) expected = expected.flip({0});
            expected = range == ValueRange::ZeroOne ? expected.div(255.0)
                                                    : expected.div(127.5).sub(1.0);
            expected = expected.unsqueeze(0);
            const auto fp32 = bgrBytesToModel(hwc, layout);
            const auto fp16 = bgrBytesToModel(hwc, layout, torch::kHalf);
            EXPECT_TRUE(fp32.is_contiguous());
            EXPECT_TRUE(fp16.is_contiguous());
            EXPECT_EQ(fp16.scalar_type(), torch::kHalf);
            EXPECT_TRUE(torch::equal(fp32, expected));
            EXPECT_TRUE(torch::equal(fp16, expected.to(torch::kHalf)));
        }
    const auto mask = maskBytesToModel(hwc.slice(2, 0, 1), torch::kHalf);
    EXPECT_EQ(mask.scalar_type(), torch::kHalf);
    EXPECT_EQ(mask.sizes().vec(), (std::vector<int64_t>{1, 1, 2, 256}));
    EXPECT_EQ(mask.sum().item<float>(), 2.0f * 255.0f);  // every level but 0 is selected
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
