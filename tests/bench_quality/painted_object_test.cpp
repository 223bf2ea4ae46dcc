// The "painted object" cases of the quality bench (bench/quality/mask_kinds.h): they exist to show
// what growing a user's mask buys, so each case must leave a visible rim of the object outside the
// painted mask, close to it, and the mask must not spill onto untouched photo.
#include <gtest/gtest.h>

#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>

#include "bench/quality/inpaint_metrics.h"
#include "bench/quality/mask_kinds.h"

namespace {

// A photo-like background: smooth colour gradients with fine grain (no files needed).
cv::Mat backgroundPhoto() {
    cv::Mat noise(360, 480, CV_8UC3);
    cv::RNG(7).fill(noise, cv::RNG::UNIFORM, 0, 256);
    cv::Mat smooth;
    cv::GaussianBlur(noise, smooth, cv::Size(), 12.0);
    cv::normalize(smooth, smooth, 40, 220, cv::NORM_MINMAX);
    cv::Mat grain(noise.size(), CV_8UC3);
    cv::RNG(8).fill(grain, cv::RNG::NORMAL, 0, 4);
    return smooth + grain;
}

cv::Mat distanceTo(const cv::Mat& mask) {
    cv::Mat distance;
    cv::distanceTransform(~mask, distance, cv::DIST_L2, cv::DIST_MASK_PRECISE);
    return distance;
}

TEST(PaintedObject, LeavesAVisibleRimOutsideThePaintedMaskAndNothingElse) {
    const cv::Mat photo = backgroundPhoto();
    for (uint64_t seed = 0; seed < 8; ++seed) {
        SCOPED_TRACE(seed);
        const pm::bench::PaintedObject c = pm::bench::makePaintedObject(photo, seed);
        ASSERT_EQ(c.image.size(), photo.size());
        const int painted = cv::countNonZero(c.userMask);
        ASSERT_GT(painted, photo.total() / 50) << "an object-sized mask";

        // The user paints over the object only: no painted pixel is photo the paste left alone
        // (a fill may be asked to replace only what the object touched).
        EXPECT_EQ(cv::countNonZero(c.userMask & ~c.footprint), 0);

        // The rim: changed, not painted. It must be there (else growth has nothing to win), it
        // must be visible (mean change of at least 6 levels), and what shows of it (a change of
        // more than 6 levels) must hug the mask (within 12 px), as a soft edge, shadow or halo
        // does; a shadow's faint tail may reach further.
        const cv::Mat rim = c.footprint & ~c.userMask;
        const int rimPixels = cv::countNonZero(rim);
        std::vector<std::vector<cv::Point>> outline;
        cv::findContours(c.userMask.clone(), outline, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
        double perimeter = 0;
        for (const auto& o : outline) perimeter += cv::arcLength(o, true);
        EXPECT_GT(rimPixels, 2.0 * perimeter) << "a rim at least 2 px wide on average";
        cv::Mat change;
        cv::absdiff(c.image, photo, change);
        const cv::Scalar rimChange = cv::mean(change, rim);
        EXPECT_GE(rimChange[0] + rimChange[1] + rimChange[2], 3 * 6.0);
        std::vector<cv::Mat> channels;
        cv::split(change, channels);
        const cv::Mat shows = cv::max(cv::max(channels[0], channels[1]), channels[2]) > 6;
        const cv::Mat far = distanceTo(c.userMask) > 12.0f;
        EXPECT_LT(cv::countNonZero(rim & shows & far), cv::countNonZero(rim & shows) / 20);

        // Outside the footprint the photo is as it was, within the 2 levels the footprint allows.
        for (const cv::Mat& ch : channels) {
            double most = 0;
            cv::minMaxLoc(ch, nullptr, &most, nullptr, nullptr, ~c.footprint);
            EXPECT_LE(most, 2.0);
        }
    }
}

// What the kind is for: filling only the painted mask leaves the rim, so the same fill from the
// mask grown a few pixels scores clearly better over the footprint. If the rim were inside the
// mask or invisible, both would score alike.
TEST(PaintedObject, GrowingTheMaskPaysOff) {
    const cv::Mat photo = backgroundPhoto();
    double tight = 0, grown = 0;
    const int cases = 6;
    for (uint64_t seed = 0; seed < cases; ++seed) {
        const pm::bench::PaintedObject c = pm::bench::makePaintedObject(photo, seed);
        cv::Mat wider, fromMask, fromWider;
        cv::dilate(c.userMask, wider,
                   cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * 6 + 1, 2 * 6 + 1)));
        cv::inpaint(c.image, c.userMask, fromMask, 3, cv::INPAINT_NS);
        cv::inpaint(c.image, wider, fromWider, 3, cv::INPAINT_NS);
        tight += pm::bench::holePsnr(fromMask, photo, c.footprint) / cases;
        grown += pm::bench::holePsnr(fromWider, photo, c.footprint) / cases;
    }
    EXPECT_GT(grown, tight + 1.0) << "tight " << tight << " dB, grown 6 px " << grown << " dB";
}

TEST(PaintedObject, SameSeedSameCase) {
    const cv::Mat photo = backgroundPhoto();
    const pm::bench::PaintedObject a = pm::bench::makePaintedObject(photo, 3);
    const pm::bench::PaintedObject b = pm::bench::makePaintedObject(photo, 3);
    EXPECT_EQ(cv::norm(a.image, b.image, cv::NORM_INF), 0.0);
    EXPECT_EQ(cv::countNonZero(a.userMask != b.userMask), 0);
    EXPECT_EQ(cv::countNonZero(
                  pm::bench::makeMask(pm::bench::MaskKind::Painted, photo, 3) != a.userMask),
              0);
}

}  // namespace
