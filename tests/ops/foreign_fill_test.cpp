// Ways a fill shows something that is not there (issue 14): a large hole in a sky that gets a
// building's turret grown into it from the roof it touches, a cup's black rim carried across a
// large hole, a tank covered with a collage of engine parts, and a round hole on a boundary that
// the narrow holes' frequency fill turns into a dark blob of both colours.
// The tank test is DISABLED_: it fails (619 red pixels against 2518) and is the acceptance for
// the coherence work still open; run it with --gtest_also_run_disabled_tests. The turret test
// passes since sources are priced by the regions each target sees (CoherenceParams::localShare,
// regionEdge): 1054 stone pixels without.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>

#include "core/engine/job_context.h"
#include "core/ops/remove/fill_regions.h"
#include "core/ops/remove/remove_object.h"

namespace pm::ops {
namespace {

cv::Mat fill(const cv::Mat& input, const cv::Mat& mask, const RemoveParams& params) {
    engine::LocalJobContext context;
    return removeObject(input, mask, params, context).image;
}

RemoveParams builtin() {
    RemoveParams params;
    params.engine = FillEngine::Builtin;
    return params;
}

cv::Mat photoAt(const std::filesystem::path& file, cv::Size size) {
    cv::Mat image = cv::imread(file.string(), cv::IMREAD_COLOR);
    if (!image.empty()) cv::resize(image, image, size, 0, 0, cv::INTER_AREA);
    return image;
}

// Hole pixels whose colour is not the sky's (blue well above red): the turret's stone and shadow.
int notSky(const cv::Mat& image, const cv::Mat& hole) {
    int count = 0;
    for (int y = 0; y < image.rows; ++y)
        for (int x = 0; x < image.cols; ++x) {
            const cv::Vec3b p = image.at<cv::Vec3b>(y, x);
            if (hole.at<uchar>(y, x) && p[0] - p[2] < 60) ++count;
        }
    return count;
}

double holePsnr(const cv::Mat& a, const cv::Mat& b, const cv::Mat& hole) {
    cv::Mat diff;
    cv::absdiff(a, b, diff);
    diff.convertTo(diff, CV_32F);
    diff = diff.mul(diff);
    const double mse = cv::sum(cv::mean(diff, hole))[0] / 3.0;
    return 10.0 * std::log10(255.0 * 255.0 / std::max(mse, 1e-9));
}

// opencv-doc's home.jpg at the quality bench's size: two blobs of sky removed beside the roof of
// the tower on the right; the lower one touches the roof's ornaments. Behind both is sky (a bird
// and a cloud's edge: 2 % of the pixels not sky-blue). The patches grew the tower's turret up into
// the hole (about a fifth of it stone-coloured); the fill must stay sky.
TEST(ForeignFill, NoTurretGrowsIntoTheSky) {
    const std::filesystem::path photo = "/usr/share/doc/opencv-doc/examples/data/home.jpg";
    if (!std::filesystem::exists(photo)) GTEST_SKIP() << "no " << photo << " (opencv-doc)";
    const cv::Mat truth = photoAt(photo, cv::Size(512, 384));
    ASSERT_FALSE(truth.empty());
    cv::Mat mask(truth.size(), CV_8UC1, cv::Scalar(0));
    cv::ellipse(mask, cv::Point(170, 160), cv::Size(36, 40), 0, 0, 360, cv::Scalar(255), -1);
    cv::ellipse(mask, cv::Point(205, 205), cv::Size(40, 36), 30, 0, 360, cv::Scalar(255), -1);
    cv::Mat input = truth.clone();
    input.setTo(cv::Scalar(255, 0, 255), mask);
    const cv::Mat hole = mask > 0;
    const int inTruth = notSky(truth, hole);
    RemoveParams params = builtin();
    const int filled = notSky(fill(input, mask, params), hole);
    std::printf("hole %d px; not sky-blue: truth %d, fill %d\n", cv::countNonZero(hole), inTruth,
                filled);
    EXPECT_LE(filled, inTruth + cv::countNonZero(hole) / 20);
}

// Near-black, colourless pixels of the hole (the shadowed rim where a cup meets its saucer), away
// from the hole's edge and below `top` (above it lies the dark background behind the table).
int darkRim(const cv::Mat& image, const cv::Mat& hole, int top) {
    cv::Mat inner;
    cv::erode(hole, inner, cv::getStructuringElement(cv::MORPH_RECT, cv::Size(17, 17)));
    int count = 0;
    for (int y = top; y < image.rows; ++y)
        for (int x = 0; x < image.cols; ++x) {
            const cv::Vec3b p = image.at<cv::Vec3b>(y, x);
            const int high = std::max({p[0], p[1], p[2]}), low = std::min({p[0], p[1], p[2]});
            if (inner.at<uchar>(y, x) && high < 64 && high - low < 31) ++count;
        }
    return count;
}

// The coffee photo with the quality bench's large hole (its "large" mask there): the left half of
// the cup and the saucer and table beside it. The ring is the table, the saucer, the cup's red
// body and its white inside; with regions from grey edges alone the table, saucer and cup body
// were one region holding 61-64 % of the ring, so the hole was priced as if it were one surface,
// the cup's white inside counted as foreign, and the search carried the black rim from under the
// cup's far side across the middle of the hole. The truth there is the saucer and the cup: hardly
// a dark pixel.
TEST(ForeignFill, NoCupRimSmearedAcrossTheHole) {
    const std::filesystem::path photo =
        std::filesystem::path(PM_TESTDATA_DIR) / "photos" / "coffee.png";
    if (!std::filesystem::exists(photo)) GTEST_SKIP() << "no " << photo;
    const cv::Mat truth = photoAt(photo, cv::Size(600, 400));
    ASSERT_FALSE(truth.empty());
    cv::Mat mask(truth.size(), CV_8UC1, cv::Scalar(0));
    mask(cv::Rect(80, 7, 184, 260)).setTo(255);
    cv::Mat input = truth.clone();
    input.setTo(cv::Scalar(255, 0, 255), mask);
    const RemoveParams params = builtin();
    const cv::Mat hole =
        growMaskByWidth(mask, params.growPixels, params.thinGrowPixels, params.thinRadius);
    const int top = 110;
    const int inTruth = darkRim(truth, hole, top);
    const int filled = darkRim(fill(input, mask, params), hole, top);
    std::printf("hole %d px; dark rim pixels: truth %d, fill %d\n", cv::countNonZero(hole), inTruth,
                filled);
    EXPECT_LE(filled, inTruth + 100);
}

// RMS of the 3x3 Laplacian of luma over `where`: how busy that part of the photo is.
double busyness(const cv::Mat& image, const cv::Mat& where) {
    cv::Mat luma, laplacian;
    cv::cvtColor(image, luma, cv::COLOR_BGR2GRAY);
    luma.convertTo(luma, CV_32F);
    cv::Laplacian(luma, laplacian, CV_32F);
    return std::sqrt(cv::mean(laplacian.mul(laplacian), where)[0]);
}

// The cat photo at the quality bench's size, a hole between the eyes over the right eye's corner
// (about the bench's object mask). The patches copied the crisp fur from above the eyes: a patch
// visibly sharper and busier than the soft fur there really is (the bench's detail ratio 1.42, and
// 3.3 dB below diffusion). The fill may be no busier than the photo behind the hole, which holds
// the eye's rim as well as fur.
TEST(ForeignFill, FurBetweenTheEyesIsNoSharperThanThePhoto) {
    const std::filesystem::path photo =
        std::filesystem::path(PM_TESTDATA_DIR) / "photos" / "chelsea.png";
    if (!std::filesystem::exists(photo)) GTEST_SKIP() << "no " << photo;
    const cv::Mat truth = photoAt(photo, cv::Size(451, 300));
    ASSERT_FALSE(truth.empty());
    cv::Mat mask(truth.size(), CV_8UC1, cv::Scalar(0));
    cv::ellipse(mask, cv::Point(269, 98), cv::Size(44, 48), 0, 0, 360, cv::Scalar(255), -1);
    cv::Mat input = truth.clone();
    input.setTo(cv::Scalar(255, 0, 255), mask);
    const RemoveParams params = builtin();
    const cv::Mat hole =
        growMaskByWidth(mask, params.growPixels, params.thinGrowPixels, params.thinRadius);
    cv::Mat near, touching;
    cv::dilate(hole, near, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(29, 29)));
    cv::dilate(hole, touching, cv::Mat());
    const double ring = busyness(truth, near & (touching == 0));
    const double inTruth = busyness(truth, hole);
    const double filled = busyness(fill(input, mask, params), hole);
    std::printf("RMS luma Laplacian: ring %.2f, truth in the hole %.2f, fill %.2f\n", ring, inTruth,
                filled);
    EXPECT_LE(filled, 1.1 * inTruth);
}

// Hole pixels darker than the darkest pixel of the known ring (7 px) around the hole: a blob of
// neither colour of the boundary.
int darkerThanTheRing(const cv::Mat& image, const cv::Mat& hole) {
    cv::Mat luma, ring;
    cv::cvtColor(image, luma, cv::COLOR_BGR2GRAY);
    cv::dilate(hole, ring, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(15, 15)));
    double darkest = 0;
    cv::minMaxLoc(luma, &darkest, nullptr, nullptr, nullptr, ring & (hole == 0));
    int count = 0;
    for (int y = 0; y < luma.rows; ++y)
        for (int x = 0; x < luma.cols; ++x)
            if (hole.at<uchar>(y, x) && luma.at<uchar>(y, x) < darkest) ++count;
    return count;
}

// The astronaut photo at the quality bench's size: a round hole 46 px across on the flag's edge,
// where its red stripe meets the white one (the bench's lines mask). With the narrow holes'
// frequency fill everywhere (narrowFullDepth 0) the middle became a dark red-blue blob, darker
// than anything around the hole.
TEST(ForeignFill, NoDarkBlobWhereARoundHoleStraddlesAnEdge) {
    const std::filesystem::path photo =
        std::filesystem::path(PM_TESTDATA_DIR) / "photos" / "astronaut.png";
    if (!std::filesystem::exists(photo)) GTEST_SKIP() << "no " << photo;
    const cv::Mat truth = photoAt(photo, cv::Size(512, 512));
    ASSERT_FALSE(truth.empty());
    cv::Mat mask(truth.size(), CV_8UC1, cv::Scalar(0));
    cv::ellipse(mask, cv::Point(26, 167), cv::Size(22, 24), 0, 0, 360, cv::Scalar(255), -1);
    cv::Mat input = truth.clone();
    input.setTo(cv::Scalar(255, 0, 255), mask);
    RemoveParams params = builtin();
    const cv::Mat hole =
        growMaskByWidth(mask, params.growPixels, params.thinGrowPixels, params.thinRadius);
    ASSERT_EQ(darkerThanTheRing(truth, hole), 0) << "the flag has no blob";
    const int blob = darkerThanTheRing(fill(input, mask, params), hole);
    params.builtin.narrowFullDepth = 0.0f;
    const int everywhere = darkerThanTheRing(fill(input, mask, params), hole);
    std::printf("flag edge hole (%d px): %d px darker than the ring, frequency fill "
                "everywhere %d\n",
                cv::countNonZero(hole), blob, everywhere);
    EXPECT_LE(blob, 20);
}

// Four of the shared photos at the quality bench's sizes, each with a round hole about the bench's
// object hole (5 % of the photo) over a busy part: a bowl of peppers and a hat, the astronaut's
// suit and flag, a cup on its saucer, a motorcycle's tank and headlamp. The patches copy something
// plausible but rarely what was there; whatever they put in the middle of a wide hole is one guess,
// and a diffusion fill, smooth and free of foreign objects, is another. The fill, with the defaults
// users get (mask grown 4 px), must come at least as near the truth as OpenCV's best diffusion
// fill (NS) given the exact hole, in mean PSNR over the four, without smearing: at least 90 % of
// the detail (RMS luma Laplacian) of the fill without the membrane's mix (DiffusionMix shares 0),
// which was 1 dB short of NS (printed).
TEST(ForeignFill, WideHolesComeAsNearTheTruthAsDiffusion) {
    struct Case {
        const char* file;
        cv::Size size;
        cv::Point centre;
        cv::Size axes;
    };
    const Case cases[] = {{"kodim03.png", {640, 427}, {310, 297}, {70, 66}},
                          {"astronaut.png", {512, 512}, {135, 220}, {70, 62}},
                          {"coffee.png", {600, 400}, {338, 240}, {66, 62}},
                          {"motorcycle_left.png", {640, 432}, {390, 175}, {70, 68}}};
    RemoveParams params = builtin();
    RemoveParams old = params;
    old.builtin.diffusionMix.share = 0.0;
    old.builtin.diffusionMix.colourShare = 0.0;
    double ours = 0.0, before = 0.0, diffusion = 0.0, detail = 0.0;
    int count = 0;
    for (const Case& c : cases) {
        const std::filesystem::path photo =
            std::filesystem::path(PM_TESTDATA_DIR) / "photos" / c.file;
        if (!std::filesystem::exists(photo)) GTEST_SKIP() << "no " << photo;
        const cv::Mat truth = photoAt(photo, c.size);
        ASSERT_FALSE(truth.empty());
        cv::Mat mask(truth.size(), CV_8UC1, cv::Scalar(0));
        cv::ellipse(mask, c.centre, c.axes, 0, 0, 360, cv::Scalar(255), -1);
        cv::Mat input = truth.clone();
        input.setTo(cv::Scalar(255, 0, 255), mask);
        const cv::Mat filled = fill(input, mask, params);
        cv::Mat ns;
        cv::inpaint(input, mask, ns, 3, cv::INPAINT_NS);
        const cv::Mat unmixed = fill(input, mask, old);
        const double a = holePsnr(filled, truth, mask), b = holePsnr(unmixed, truth, mask),
                     d = holePsnr(ns, truth, mask);
        const double ratio = busyness(filled, mask) / busyness(unmixed, mask);
        std::printf("%s: fill %.2f dB, without the mix %.2f (detail %.2f of it), NS %.2f\n", c.file,
                    a, b, ratio, d);
        ours += a;
        before += b;
        diffusion += d;
        detail += ratio;
        ++count;
    }
    std::printf("mean: fill %.2f dB, without the mix %.2f, NS %.2f; detail %.2f\n", ours / count,
                before / count, diffusion / count, detail / count);
    EXPECT_GE(ours / count, diffusion / count);
    EXPECT_GE(detail / count, 0.9);
}

// Hole pixels of the tank's red (red well above green and blue).
int tankRed(const cv::Mat& image, const cv::Mat& hole) {
    int count = 0;
    for (int y = 0; y < image.rows; ++y)
        for (int x = 0; x < image.cols; ++x) {
            const cv::Vec3b p = image.at<cv::Vec3b>(y, x);
            if (hole.at<uchar>(y, x) && p[2] - std::max(p[0], p[1]) > 60) ++count;
        }
    return count;
}

// The motorcycle at the quality bench's size, most of its red tank removed. The ring round the
// hole is mostly the tank; the patches filled it with a collage of engine fins, chrome and the
// shelf's boxes (5 % red against the truth's 30 % in the bench's hole). The fill's colours must
// be the tank's: at least half the truth's share of red.
TEST(ForeignFill, DISABLED_TheTankIsNotCoveredWithEngineParts) {
    const std::filesystem::path photo =
        std::filesystem::path(PM_TESTDATA_DIR) / "photos" / "motorcycle_left.png";
    if (!std::filesystem::exists(photo)) GTEST_SKIP() << "no " << photo;
    const cv::Mat truth = photoAt(photo, cv::Size(640, 432));
    ASSERT_FALSE(truth.empty());
    cv::Mat mask(truth.size(), CV_8UC1, cv::Scalar(0));
    cv::ellipse(mask, cv::Point(380, 170), cv::Size(62, 52), 0, 0, 360, cv::Scalar(255), -1);
    cv::Mat input = truth.clone();
    input.setTo(cv::Scalar(255, 0, 255), mask);
    const RemoveParams params = builtin();
    const cv::Mat hole =
        growMaskByWidth(mask, params.growPixels, params.thinGrowPixels, params.thinRadius);
    const int inTruth = tankRed(truth, hole);
    const int filled = tankRed(fill(input, mask, params), hole);
    std::printf("hole %d px; tank red: truth %d, fill %d\n", cv::countNonZero(hole), inTruth,
                filled);
    EXPECT_GE(filled, inTruth / 2);
}

}  // namespace
}  // namespace pm::ops
