// Every repair step and the damage detector on images of a few pixels (1x1, 2x2, 3x7, a single row
// or column): each either does its work, leaves the photo as it is, or says in a pm::Error why it
// cannot; never an OpenCV assertion.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/common/error.h"
#include "core/ops/repair/repair_chain.h"

namespace pm::ops {
namespace {

const std::vector<cv::Size> kTinySizes = {{1, 1}, {2, 2}, {3, 7}, {7, 3}, {1, 40}, {40, 1}, {5, 5}};
const std::vector<int> kTypes = {CV_8UC3, CV_8UC1, CV_8UC4, CV_16UC3};

cv::Mat tinyImage(cv::Size size, int type) {
    cv::Mat image(size, type);
    cv::randu(image, 0, CV_MAT_DEPTH(type) == CV_16U ? 65535 : 255);
    return image;
}

std::string describe(cv::Size size, int type) {
    return std::to_string(size.width) + "x" + std::to_string(size.height) + " type " +
           std::to_string(type);
}

// Runs `step`; passes when it returns or throws pm::Error with a message, fails on anything else.
void expectNoRawOpenCvError(const std::string& what, const std::function<void()>& step) {
    try {
        step();
    } catch (const Error& e) {
        EXPECT_GT(std::string(e.what()).size(), 10u) << what;
    } catch (const cv::Exception& e) {
        ADD_FAILURE() << what << ": raw OpenCV error: " << e.what();
    } catch (const std::exception& e) {
        ADD_FAILURE() << what << ": " << e.what();
    }
}

TEST(TinyImages, ToneStepsKeepSizeAndType) {
    for (const cv::Size size : kTinySizes)
        for (const int type : kTypes) {
            const cv::Mat image = tinyImage(size, type);
            const std::string what = describe(size, type);
            expectNoRawOpenCvError("colour " + what, [&] {
                const cv::Mat out = restoreColor(image, 1.0);
                EXPECT_EQ(out.size(), size);
                EXPECT_EQ(out.type(), type);
            });
            expectNoRawOpenCvError("denoise " + what, [&] {
                const cv::Mat out = reduceNoise(image, 1.0);
                EXPECT_EQ(out.size(), size);
                EXPECT_EQ(out.type(), type);
            });
            expectNoRawOpenCvError("sharpen " + what, [&] {
                const cv::Mat out = sharpen(image, 1.0);
                EXPECT_EQ(out.size(), size);
                EXPECT_EQ(out.type(), type);
            });
        }
}

TEST(TinyImages, DamageDetectionGivesAMaskOfTheImagesSize) {
    engine::LocalJobContext context;
    for (const cv::Size size : kTinySizes)
        for (const int type : kTypes) {
            expectNoRawOpenCvError("detect damage " + describe(size, type), [&] {
                const cv::Mat mask = detectDamage(tinyImage(size, type), {}, context);
                EXPECT_EQ(mask.size(), size);
                EXPECT_EQ(mask.type(), CV_8UC1);
            });
        }
}

TEST(TinyImages, FillingAndFacesNeverThrowOpenCvErrors) {
    engine::LocalJobContext context;
    RemoveParams fill;
    fill.engine = FillEngine::Builtin;
    for (const cv::Size size : kTinySizes)
        for (const int type : kTypes) {
            const cv::Mat image = tinyImage(size, type);
            const std::string what = describe(size, type);
            cv::Mat mask = cv::Mat::zeros(size, CV_8UC1);
            mask.at<uchar>(size.height / 2, size.width / 2) = 255;
            expectNoRawOpenCvError("fill " + what, [&] {
                const RemoveResult r = removeObject(image, mask, fill, context);
                EXPECT_EQ(r.image.size(), size);
            });
            expectNoRawOpenCvError("faces " + what, [&] {
                const FaceResult r = restoreFaces(image, {}, context);
                EXPECT_EQ(r.facesRestored, 0);
                EXPECT_EQ(r.image.size(), size);
            });
        }
}

TEST(TinyImages, TheWholeChainRepairsOrRefusesWithAReason) {
    engine::LocalJobContext context;
    RepairParams params;
    params.steps = {RepairStep::Scratches, RepairStep::Color, RepairStep::Denoise,
                    RepairStep::Sharpen, RepairStep::Faces};
    params.fill.engine = FillEngine::Builtin;
    for (const cv::Size size : kTinySizes)
        for (const int type : kTypes) {
            expectNoRawOpenCvError("repair " + describe(size, type), [&] {
                const RepairResult r = repairPhoto(tinyImage(size, type), {}, params, context);
                EXPECT_EQ(r.image.size(), size);
                EXPECT_EQ(r.image.type(), type);
            });
        }
}

}  // namespace
}  // namespace pm::ops
