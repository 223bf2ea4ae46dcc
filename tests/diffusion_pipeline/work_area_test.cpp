// The work crop, the working size, the outpainting canvas and the paste-back.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/engine/diffusion/pipeline/work_area.h"

namespace pm::engine::diffusion {
namespace {

cv::Mat maskWithBox(cv::Size size, cv::Rect box) {
    cv::Mat mask(size, CV_8UC1, cv::Scalar(0));
    mask(box).setTo(255);
    return mask;
}

TEST(WorkArea, CropsAroundTheMaskInABigPhotoAtShortSide640) {
    const cv::Size photo(6000, 4000);
    const cv::Rect box(4200, 1000, 120, 90);
    const WorkArea area = planWorkArea(maskWithBox(photo, box), 640, 1280);
    EXPECT_EQ(area.crop & box, box);                                  // the whole mask is inside
    EXPECT_EQ(area.crop & cv::Rect(cv::Point(), photo), area.crop);   // and the crop inside the photo
    EXPECT_LE(area.crop.area(), 1000 * 1000);                         // not the whole photo
    EXPECT_EQ(std::min(area.working.width, area.working.height), 640);
    EXPECT_EQ(area.working.width % 8, 0);
    EXPECT_EQ(area.working.height % 8, 0);
}

TEST(WorkArea, SmallPhotoIsTakenWholeAndScaledUp) {
    const WorkArea area = planWorkArea(maskWithBox({300, 200}, {100, 50, 40, 40}), 640, 1280);
    EXPECT_EQ(area.crop, cv::Rect(0, 0, 300, 200));
    EXPECT_EQ(area.working, cv::Size(960, 640));
}

TEST(WorkArea, LongCropsKeepTheLongSideBounded) {
    const WorkArea area = planWorkArea(maskWithBox({4000, 300}, {100, 100, 3800, 50}), 512, 1024);
    EXPECT_LE(std::max(area.working.width, area.working.height), 1024);
    EXPECT_EQ(area.working.width % 8, 0);
    EXPECT_EQ(area.working.height % 8, 0);
}

TEST(WorkArea, AnEmptyMaskIsRefused) {
    EXPECT_THROW(planWorkArea(cv::Mat::zeros(100, 100, CV_8UC1), 640, 1280), Error);
}

TEST(WorkArea, ExtendedCanvasMarksExactlyTheNewArea) {
    cv::Mat photo(200, 300, CV_8UC3, cv::Scalar(10, 20, 30));
    const ExtendedCanvas canvas = extendCanvas(photo, cv::Mat(), CanvasExtension{64, 0, 0, 32});
    ASSERT_EQ(canvas.bgr.size(), cv::Size(364, 232));
    EXPECT_EQ(cv::countNonZero(canvas.mask), 364 * 232 - 300 * 200);
    EXPECT_EQ(cv::countNonZero(canvas.mask(cv::Rect(64, 0, 300, 200))), 0);
    EXPECT_EQ(cv::norm(canvas.bgr(cv::Rect(64, 0, 300, 200)), photo, cv::NORM_INF), 0.0);
}

TEST(WorkArea, PasteBackChangesOnlyTheMaskAndItsSeam) {
    cv::Mat photo(400, 500, CV_8UC3);
    cv::randu(photo, 0, 256);
    const cv::Rect box(200, 150, 60, 50);
    const cv::Mat mask = maskWithBox(photo.size(), box);
    const cv::Rect crop(100, 60, 320, 240);
    const cv::Mat generated(480, 640, CV_8UC3, cv::Scalar(0, 255, 0));
    const cv::Mat out = pasteBack(photo, mask, crop, generated);

    // Every masked pixel is the generated one in full.
    EXPECT_EQ(cv::norm(out(box), generated(cv::Rect(0, 0, box.width, box.height)), cv::NORM_INF), 0.0);
    // Pixels more than 13 px from the mask (beyond the sigma-4 feather) are the photo's, bit for bit.
    cv::Mat distance;
    cv::Mat outside = 255 - mask;
    cv::distanceTransform(outside, distance, cv::DIST_L2, 5);
    const cv::Mat far = distance > 13.0;
    cv::Mat differs;
    cv::compare(out, photo, differs, cv::CMP_NE);
    cv::Mat anyChannel;
    cv::cvtColor(differs, anyChannel, cv::COLOR_BGR2GRAY);
    EXPECT_EQ(cv::countNonZero(anyChannel & far), 0);
    // And the seam is a blend: just outside the mask the result moves towards the generated pixel.
    const cv::Vec3b seam = out.at<cv::Vec3b>(box.y + box.height / 2, box.x - 2);
    const cv::Vec3b before = photo.at<cv::Vec3b>(box.y + box.height / 2, box.x - 2);
    EXPECT_GT(seam[1], before[1] == 255 ? 254 : before[1]);
}

}  // namespace
}  // namespace pm::engine::diffusion
