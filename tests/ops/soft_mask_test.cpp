// A feathered (soft) mask in Remove: the fill replaces the pixels where the mask is at least half,
// blends into those where it is less (weight mask/255) and leaves those where it is 0 bit-identical,
// with the built-in fill and with a model (a stand-in that paints the hole one colour, so the blend
// can be checked exactly).
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "core/engine/inference_session.h"
#include "core/engine/job_context.h"
#include "core/ops/remove/remove_object.h"
#include "core/ops/remove/soft_mask.h"

namespace pm::ops {
namespace {

const cv::Vec3b kPaint(10, 200, 30);

class PaintSession : public engine::InferenceSession {
public:
    PaintSession() {
        entry_.id = "paint";
        entry_.task = "inpaint";
        device_.name = "Test";
    }
    const engine::ModelEntry& entry() const override { return entry_; }
    const engine::DeviceInfo& device() const override { return device_; }
    cv::Mat inpaint(const cv::Mat& bgr, const cv::Mat& mask) override {
        cv::Mat out = bgr.clone();
        out.setTo(kPaint, mask);
        return out;
    }
    cv::Mat imageToImage(const cv::Mat& bgr) override { return bgr.clone(); }
    void warmUp() override {}
    engine::SessionStats stats() const override { return {}; }

private:
    engine::ModelEntry entry_;
    engine::DeviceInfo device_;
};

struct PaintContext : engine::LocalJobContext {
    PaintContext() { session = &paint; }
    PaintSession paint;
};

struct Scene {
    cv::Mat photo;  // a textured ground with a magenta disk (the object)
    cv::Mat soft;   // the disk's mask feathered by 8 px (what Edit > Feather Mask makes)
};

Scene scene() {
    Scene s;
    s.photo.create(300, 400, CV_8UC3);
    cv::randu(s.photo, 40, 200);
    cv::GaussianBlur(s.photo, s.photo, {5, 5}, 0);
    cv::Mat disk = cv::Mat::zeros(s.photo.size(), CV_8UC1);
    cv::circle(disk, {200, 150}, 50, 255, cv::FILLED);
    s.photo.setTo(cv::Scalar(255, 0, 255), disk);
    cv::GaussianBlur(disk, s.soft, {17, 17}, 4.0, 4.0, cv::BORDER_REPLICATE);  // featherMask(disk, 8)
    return s;
}

// Largest per-channel change of each pixel (CV_8UC1).
cv::Mat changeOf(const cv::Mat& before, const cv::Mat& after) {
    cv::Mat diff;
    cv::absdiff(before, after, diff);
    std::vector<cv::Mat> channels;
    cv::split(diff, channels);
    return cv::max(cv::max(channels[0], channels[1]), channels[2]);
}

TEST(SoftMask, RecognisedOnlyWithGreyLevels) {
    const Scene s = scene();
    EXPECT_TRUE(isSoftMask(s.soft));
    EXPECT_FALSE(isSoftMask(s.soft >= 128));
    EXPECT_FALSE(isSoftMask(cv::Mat::zeros(10, 10, CV_8UC1)));
    const cv::Mat w = softMaskWeights(s.soft);
    EXPECT_EQ(w.at<float>(150, 200), 1.0f);
    EXPECT_EQ(w.at<float>(0, 0), 0.0f);
}

TEST(SoftMask, ModelFillBlendsByTheMaskAndLeavesZeroPixelsBitIdentical) {
    const Scene s = scene();
    PaintContext context;
    RemoveParams params;
    params.engine = FillEngine::Lama;
    params.softMask = true;
    const cv::Mat out = removeObject(s.photo, s.soft, params, context).image;
    const cv::Mat change = changeOf(s.photo, out);
    EXPECT_EQ(cv::countNonZero(change & (s.soft == 0)), 0) << "pixels the mask leaves out are untouched";
    int partial = 0;
    for (int y = 0; y < out.rows; ++y)
        for (int x = 0; x < out.cols; ++x) {
            const int m = s.soft.at<uchar>(y, x);
            if (m == 0) continue;
            const float w = m >= 128 ? 1.0f : m / 255.0f;
            for (int c = 0; c < 3; ++c) {
                const float expected = w * kPaint[c] + (1 - w) * s.photo.at<cv::Vec3b>(y, x)[c];
                ASSERT_NEAR(out.at<cv::Vec3b>(y, x)[c], expected, 1.0) << "at " << x << "," << y << " mask " << m;
            }
            if (m < 128) ++partial;
        }
    EXPECT_GT(partial, 500) << "the feather reaches past the 50% line";
}

TEST(SoftMask, BuiltinFillChangesLessOutsideTheHalfLineThanInside) {
    const Scene s = scene();
    engine::LocalJobContext context;
    RemoveParams params;
    params.engine = FillEngine::Builtin;
    params.softMask = true;
    const cv::Mat out = removeObject(s.photo, s.soft, params, context).image;
    const cv::Mat change = changeOf(s.photo, out);
    EXPECT_EQ(cv::countNonZero(change & (s.soft == 0)), 0) << "pixels the mask leaves out are untouched";
    // The magenta disk is gone where the mask is at least half.
    cv::Mat magenta;
    cv::inRange(out, cv::Scalar(250, 0, 250), cv::Scalar(255, 5, 255), magenta);
    EXPECT_EQ(cv::countNonZero(magenta & (s.soft >= 128)), 0);
    // Just inside the 50% line (the disk's edge) the photo changes fully; just outside, on the
    // ground, by at most the mask's share of the difference.
    const cv::Mat inside = (s.soft >= 128) & (s.soft < 200), outside = (s.soft > 0) & (s.soft < 128);
    EXPECT_LT(cv::mean(change, outside)[0], 0.5 * cv::mean(change, inside)[0]);
}

TEST(SoftMask, OffTheGreyLevelsStillMeanRemove) {
    // Scripts and mask files: any non-zero pixel goes, grown, as before.
    const Scene s = scene();
    PaintContext context;
    RemoveParams params;
    params.engine = FillEngine::Lama;
    const cv::Mat out = removeObject(s.photo, s.soft, params, context).image;
    EXPECT_EQ(out.at<cv::Vec3b>(150, 255), kPaint) << "a pixel where the mask is low is filled outright";
}

}  // namespace
}  // namespace pm::ops
