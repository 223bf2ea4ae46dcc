// Damage detection: synthetic scratches and specks with a known mask (scored as in
// bench/damage/damage_synth.h: pixel level, 2 px tolerance band), clean textures and faces that
// must stay unflagged, and cancellation.
#include <filesystem>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "bench/damage/damage_synth.h"
#include "core/common/error.h"
#include "core/image/image_io.h"
#include "core/image/pixel_convert.h"
#include "core/ops/damage/damage_maps.h"
#include "core/ops/damage/detect_damage.h"
#include "core/ops/damage/working_scale.h"
#include "tests/support/testdata.h"

namespace {

// A smooth, softly textured and grainy print: what a faded photo looks like away from edges.
cv::Mat syntheticPrint() {
    cv::Mat print(480, 640, CV_8UC3);
    cv::RNG rng(7);
    for (int y = 0; y < print.rows; ++y)
        for (int x = 0; x < print.cols; ++x) {
            const double base =
                90 + 60.0 * x / print.cols + 15 * std::sin(y / 23.0) * std::cos(x / 31.0);
            const double grain = rng.gaussian(3.0);
            print.at<cv::Vec3b>(y, x) = cv::Vec3b(cv::saturate_cast<uchar>(base * 0.85 + grain),
                                                  cv::saturate_cast<uchar>(base + grain),
                                                  cv::saturate_cast<uchar>(base * 1.1 + grain));
        }
    return print;
}

double flaggedFraction(const cv::Mat& mask) {
    return static_cast<double>(cv::countNonZero(mask)) / mask.total();
}

TEST(DetectDamage, FindsSyntheticScratchesOnASyntheticPrint) {
    const cv::Mat print = syntheticPrint();
    pm::engine::LocalJobContext ctx;
    double recall = 0, precision = 0;
    for (uint64_t seed = 1; seed <= 3; ++seed) {
        const auto damage = pm::bench::paintSyntheticDamage(print, seed);
        const cv::Mat mask = pm::ops::detectDamage(damage.image, {}, ctx);
        ASSERT_EQ(mask.type(), CV_8UC1);
        ASSERT_EQ(mask.size(), print.size());
        const auto s = pm::bench::scoreDamage(mask, damage.scratches, damage.specks);
        std::cout << "[ damage   ] synthetic print seed " << seed << ": precision " << s.precision
                  << " scratch recall " << s.scratchRecall << " speck recall " << s.speckRecall
                  << "\n";
        recall += s.scratchRecall / 3;
        precision += s.precision / 3;
        // No single layout may fall far behind.
        EXPECT_GE(s.scratchRecall, 0.75) << "seed " << seed;
    }
    EXPECT_GE(recall, 0.9);
    EXPECT_GE(precision, 0.8);
    // Nothing to find on the undamaged print.
    EXPECT_LT(flaggedFraction(pm::ops::detectDamage(print, {}, ctx)), 0.001);
}

TEST(DetectDamage, SixteenBitAndGreyGiveTheSameMaskAsEightBit) {
    const auto damage = pm::bench::paintSyntheticDamage(syntheticPrint(), 4);
    pm::engine::LocalJobContext ctx;
    const cv::Mat mask8 = pm::ops::detectDamage(damage.image, {}, ctx);
    cv::Mat wide;
    damage.image.convertTo(wide, CV_16U, 257.0);
    EXPECT_EQ(cv::countNonZero(mask8 != pm::ops::detectDamage(wide, {}, ctx)), 0);
    ASSERT_GT(cv::countNonZero(mask8), 0);
}

TEST(DetectDamage, FindsSyntheticDamageOverRealFadedPhotos) {
    std::vector<std::string> faded;
    for (const auto& f : pm::test::testdataFiles("old-photos"))
        if (std::filesystem::path(f).filename().string().rfind("faded_", 0) == 0)
            faded.push_back(f);
    if (faded.empty()) GTEST_SKIP() << "testdata absent";
    pm::engine::LocalJobContext ctx;
    double precision = 0, scratchRecall = 0;
    uint64_t seed = 1;
    for (const auto& path : faded) {
        const cv::Mat bgr = pm::image::toBgr8(pm::image::loadPhoto(path).pixels);
        const auto damage = pm::bench::paintSyntheticDamage(bgr, seed++);
        const auto s = pm::bench::scoreDamage(pm::ops::detectDamage(damage.image, {}, ctx),
                                              damage.scratches, damage.specks);
        std::cout << "[ damage   ] " << std::filesystem::path(path).filename().string()
                  << ": precision " << s.precision << " scratch recall " << s.scratchRecall << "\n";
        precision += s.precision;
        scratchRecall += s.scratchRecall;
    }
    precision /= faded.size();
    scratchRecall /= faded.size();
    // Measured 0.927 recall at 0.867 precision before issue 13; the rules that keep clean photos
    // and faces untouched (picture-edge share, damage-toned networks, no relaxed bar for deep dark
    // lines) cost this painter's smooth curves over busy photos: now 0.50 at 0.76. These floors
    // only keep that; the real-scan figures are in real_scan_damage_test.cpp. 0.477 -> 0.448 when
    // faint mid-length lines 4-5 px wide stopped counting (detect_damage.cpp kMidLineMaxScale):
    // this painter's wide smooth curves look like the streaks of cloud and sky that were filled on
    // kodim03 and faded_e at half size; a clean photo comes first.
    EXPECT_GE(precision, 0.7);
    EXPECT_GE(scratchRecall, 0.43);
}

TEST(DetectDamage, LeavesBrickMortarMostlyAlone) {
    PM_REQUIRE_TESTDATA();
    // Light mortar lines are thin same-surface ridges near the photo's white: only the network test
    // keeps them out (the previous detector flagged 30% of this photo).
    const cv::Mat brick =
        pm::image::loadPhoto(pm::test::testdataDir() + "/photos/brick.png").pixels;
    pm::engine::LocalJobContext ctx;
    const double fraction = flaggedFraction(pm::ops::detectDamage(brick, {}, ctx));
    std::cout << "[ damage   ] brick.png flagged " << 100 * fraction << "%\n";
    EXPECT_LT(fraction, 0.15);
}

TEST(DetectDamage, FlagsAlmostNothingOnCleanGrass) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat grass =
        pm::image::loadPhoto(pm::test::testdataDir() + "/photos/grass.png").pixels;
    pm::engine::LocalJobContext ctx;
    const double fraction = flaggedFraction(pm::ops::detectDamage(grass, {}, ctx));
    std::cout << "[ damage   ] grass.png flagged " << 100 * fraction << "%\n";
    EXPECT_LT(fraction, 0.005);
}

TEST(DetectDamage, LeavesTheAstronautsFaceAlone) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat photo =
        pm::image::loadPhoto(pm::test::testdataDir() + "/photos/astronaut.png").pixels;
    pm::engine::LocalJobContext ctx;
    const cv::Mat mask = pm::ops::detectDamage(photo, {}, ctx);
    // Eyes, brows, nose and mouth of the face (centred near (222, 112)).
    const cv::Rect face(185, 75, 80, 85);
    EXPECT_EQ(cv::countNonZero(mask(face)), 0);
}

TEST(DetectDamage, DisabledKindsFindNothing) {
    const auto damage = pm::bench::paintSyntheticDamage(syntheticPrint(), 5);
    pm::engine::LocalJobContext ctx;
    pm::ops::DamageParams params;
    params.scratches = false;
    params.dust = false;
    EXPECT_EQ(cv::countNonZero(pm::ops::detectDamage(damage.image, params, ctx)), 0);
}

TEST(DetectDamage, StopsWhenCancelled) {
    const auto damage = pm::bench::paintSyntheticDamage(syntheticPrint(), 6);
    pm::engine::LocalJobContext ctx;
    int progressCalls = 0;
    ctx.onProgress = [&](double, const std::string&) {
        ++progressCalls;
        ctx.cancel = true;
    };
    EXPECT_THROW(pm::ops::detectDamage(damage.image, {}, ctx), pm::Cancelled);
    EXPECT_EQ(progressCalls, 1);
}

TEST(DetectDamage, RejectsEmptyAndFloatImages) {
    pm::engine::LocalJobContext ctx;
    EXPECT_THROW(pm::ops::detectDamage(cv::Mat(), {}, ctx), pm::Error);
    EXPECT_THROW(pm::ops::detectDamage(cv::Mat(8, 8, CV_32FC3), {}, ctx), pm::Error);
}

// The same print at twice the resolution is looked at halved, a tiny scan doubled, and the test
// photos as they are (they hold detail at the pixel level): see working_scale.h.
TEST(DetectDamage, WorkingScaleSeesThePrintAtAboutOneSize) {
    PM_REQUIRE_TESTDATA();
    for (const auto& path : pm::test::testdataFiles("old-photos")) {
        const cv::Mat bgr = pm::image::toBgr8(pm::image::loadPhoto(path).pixels);
        EXPECT_EQ(pm::ops::damage::workingScale(bgr), 1.0) << path;
        cv::Mat twice, half;
        cv::resize(bgr, twice, {}, 2.0, 2.0, cv::INTER_CUBIC);
        // Above 1400 px a scan is reduced to 1400 px first: only the others are checked here.
        if (std::max(twice.cols, twice.rows) <= 1400)
            EXPECT_EQ(pm::ops::damage::workingScale(twice), 0.5) << path;
        cv::resize(bgr, half, {}, 0.5, 0.5, cv::INTER_AREA);
        if (std::max(half.cols, half.rows) < 320)
            EXPECT_EQ(pm::ops::damage::workingScale(half), 2.0) << path;
    }
}

// A scan enlarged 5.6x (smooth: nothing at the pixel level) is looked at near the print's own
// size. Reduced to 1400 px first it is still 2.2-2.7x oversampled, at a factor the halving round
// trip does not match; before the spectrum was looked at it stayed at 1400 px.
TEST(DetectDamage, WorkingScaleSeesAScanEnlargedFiveAndAHalfTimesAsOversampled) {
    PM_REQUIRE_TESTDATA();
    for (const char* name : {"old-photos/scratched_a.png", "photos/astronaut.png", "photos/coffee.png"}) {
        const cv::Mat bgr = pm::image::toBgr8(
            pm::image::loadPhoto(pm::test::testdataDir() + "/" + name).pixels);
        cv::Mat big;
        cv::resize(bgr, big, {}, 5.6, 5.6, cv::INTER_CUBIC);
        const double side = pm::ops::damage::workingScale(big) * std::max(big.cols, big.rows);
        const double own = std::max(bgr.cols, bgr.rows);
        EXPECT_LE(side, 1.5 * own) << name;
        EXPECT_GE(side, 0.75 * own) << name;
    }
}

}  // namespace

// A sepia print is one colour at every tone: its chroma says nothing about a line being paper or
// picture, so what counts there is the colour beyond the toning (near zero); a colour photo keeps
// its chroma, so a coloured line is still picture.
TEST(DetectDamage, ChromaBeyondToningIsNearZeroOnASepiaPrintAndChromaOnAColourOne) {
    cv::Mat luma(200, 200, CV_32F);
    cv::randu(luma, 40, 230);
    cv::GaussianBlur(luma, luma, {0, 0}, 3);
    cv::Mat sepia(luma.size(), CV_8UC3), colour(luma.size(), CV_8UC3);
    for (int y = 0; y < luma.rows; ++y)
        for (int x = 0; x < luma.cols; ++x) {
            const float l = luma.at<float>(y, x);
            sepia.at<cv::Vec3b>(y, x) =
                cv::Vec3b(cv::saturate_cast<uchar>(0.85f * l), cv::saturate_cast<uchar>(0.98f * l),
                          cv::saturate_cast<uchar>(1.12f * l));
            // Left half red, right half blue at the same tones.
            colour.at<cv::Vec3b>(y, x) = x < 100 ? cv::Vec3b(cv::saturate_cast<uchar>(0.6f * l),
                                                             cv::saturate_cast<uchar>(0.8f * l),
                                                             cv::saturate_cast<uchar>(1.3f * l))
                                                 : cv::Vec3b(cv::saturate_cast<uchar>(1.3f * l),
                                                             cv::saturate_cast<uchar>(0.9f * l),
                                                             cv::saturate_cast<uchar>(0.7f * l));
        }
    const cv::Mat sepiaChroma = pm::ops::damage::chroma(sepia);
    const cv::Mat sepiaBeyond =
        pm::ops::damage::chromaBeyondToning(sepia, pm::ops::damage::luminance(sepia));
    EXPECT_GT(pm::ops::damage::percentile(sepiaChroma, 0.5), 20.0f) << "the toning is coloured";
    EXPECT_LE(pm::ops::damage::percentile(sepiaBeyond, 0.9), 4.0f);
    const cv::Mat colourChroma = pm::ops::damage::chroma(colour);
    const cv::Mat colourBeyond =
        pm::ops::damage::chromaBeyondToning(colour, pm::ops::damage::luminance(colour));
    EXPECT_EQ(cv::norm(colourChroma, colourBeyond, cv::NORM_INF), 0.0);
}

// A sepia print: the toning's colour at tone t (chroma peaks at the mid tones, as sepia does).
cv::Vec3f sepiaAt(float t) {
    const float a = 30.0f * std::sin(static_cast<float>(CV_PI) * t / 255.0f);
    return {t - a, t, t + a};  // BGR
}

// A thin crack on the dark curtain of a sepia print, as a scan shows it: 2 px of paper blended
// with the curtain by the scan's blur (35% paper: it lands at tone 115-125, under the print's
// white, with part of the curtain's toning). Beside it, the same arc in the picture's own toning
// at the same tone (a thread or a hair lit on the curtain). `crack`, `highlight`: where they lie.
cv::Mat sepiaCurtainWithGreyCrack(cv::Mat& crack, cv::Mat& highlight) {
    cv::Mat luma(360, 480, CV_32F);
    cv::RNG rng(5);
    rng.fill(luma, cv::RNG::NORMAL, 55, 1.5);
    luma.rowRange(0, 60) += 145;  // light paper along the top: the print's white is up there
    crack = cv::Mat::zeros(luma.size(), CV_8U);
    highlight = cv::Mat::zeros(luma.size(), CV_8U);
    std::vector<cv::Point> arc;
    cv::ellipse2Poly({120, 700}, {560, 560}, 0, 255, 273, 1, arc);
    cv::polylines(crack, arc, false, 255, 2);
    for (cv::Point& p : arc) p.x += 240;
    cv::polylines(highlight, arc, false, 255, 2);
    const cv::Vec3f paper = sepiaAt(240);
    cv::Mat print(luma.size(), CV_8UC3);
    for (int y = 0; y < luma.rows; ++y)
        for (int x = 0; x < luma.cols; ++x) {
            const float t = luma.at<float>(y, x);
            cv::Vec3f c = sepiaAt(t);
            if (crack.at<uchar>(y, x)) c = 0.35f * paper + 0.65f * c;
            if (highlight.at<uchar>(y, x)) c = sepiaAt(t + 0.35f * (240 - t));
            print.at<cv::Vec3b>(y, x) = cv::Vec3b(cv::saturate_cast<uchar>(c[0]),
                                                  cv::saturate_cast<uchar>(c[1]),
                                                  cv::saturate_cast<uchar>(c[2]));
        }
    return print;
}

// On a toned print a thin crack on a dark surface is grey, not paper-white: the scan's blur blends
// the paper with the surface (scratched_a's branch on its curtain, RealScanDamage
// .FindsTheGreyCrackBranchOnTheDarkCurtainOfScratchedA). It is found, since it carries clearly less
// colour than the curtain (detect_damage.cpp paperBlend); before, nothing of it was. A line of the
// picture at the same tone carries the toning (more colour than the dark curtain, and more than
// paper shows: content_lines.h) and stays.
TEST(DetectDamage, FindsAGreyCrackOnTheDarkCurtainOfASepiaPrintButNotAToneLikeLine) {
    cv::Mat crack, highlight;
    const cv::Mat print = sepiaCurtainWithGreyCrack(crack, highlight);
    pm::engine::LocalJobContext ctx;
    const cv::Mat mask = pm::ops::detectDamage(print, {}, ctx);
    const double found = static_cast<double>(cv::countNonZero(crack & mask)) / cv::countNonZero(crack);
    std::cout << "[ damage   ] grey crack on a sepia curtain: " << found << " found; toned line: "
              << cv::countNonZero(highlight & mask) << " px flagged\n";
    EXPECT_GE(found, 0.8);
    EXPECT_EQ(cv::countNonZero(highlight & mask), 0);
}

// A crease that fades out: a curved bright line a pixel wide on a smooth grey print, standing out
// 80 grey levels over its first part and `faint` after it. `faintPart`: its faint part; `line`:
// the whole crease.
cv::Mat fadingCrease(int faint, cv::Mat& faintPart, cv::Mat& line) {
    cv::Mat print(360, 480, CV_32F);
    cv::RNG rng(3);
    rng.fill(print, cv::RNG::NORMAL, 150, 1.5);
    cv::Mat strong = cv::Mat::zeros(print.size(), CV_8U);
    faintPart = cv::Mat::zeros(print.size(), CV_8U);
    // An arc of a circle (cracks and creases bend; a ruler-straight line counts as a mast).
    std::vector<cv::Point> arc;
    cv::ellipse2Poly({240, 700}, {600, 600}, 0, 250, 267, 1, arc);
    const size_t split = 12;  // about 125 px strong, then about 50 px faint
    cv::polylines(strong, std::vector<cv::Point>(arc.begin(), arc.begin() + split + 1), false,
                  255, 1);
    cv::polylines(faintPart, std::vector<cv::Point>(arc.begin() + split, arc.end()), false, 255,
                  1);
    faintPart &= ~strong;
    line = strong | faintPart;
    cv::add(print, cv::Scalar(80), print, strong);
    cv::add(print, cv::Scalar(faint), print, faintPart);
    cv::Mat grey, bgr;
    print.convertTo(grey, CV_8U);
    cv::cvtColor(grey, bgr, cv::COLOR_GRAY2BGR);
    return bgr;
}

// The faint part of a crease continues the strong part it touches, at the scan's size, at half
// and at double size. At half size the faint part (drawn 32 levels up; it measures 15-20 at 1x)
// stands out 9-13 levels in the doubled copy the detector looks at, right at the visible level
// (12.5 on this smooth print), and broke off:
// 0.4 of it found before scratches continued through fainter thin ridges (detect_damage.cpp
// kTraceContrastShare), all of it now. Nothing beside the crease is taken (the grain).
TEST(DetectDamage, FollowsAFadingCreaseToItsEndAtHalfOneAndTwiceTheSize) {
    cv::Mat faintPart, line;
    const cv::Mat crease = fadingCrease(32, faintPart, line);
    for (const double scale : {1.0, 0.5, 2.0}) {
        cv::Mat image = crease, part = faintPart, whole = line;
        if (scale != 1.0) {
            cv::resize(crease, image, {}, scale, scale,
                       scale < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
            cv::resize(faintPart, part, image.size(), 0, 0, cv::INTER_NEAREST);
            cv::resize(line, whole, image.size(), 0, 0, cv::INTER_NEAREST);
        }
        pm::engine::LocalJobContext ctx;
        const cv::Mat mask = pm::ops::detectDamage(image, {}, ctx);
        const double found =
            static_cast<double>(cv::countNonZero(part & mask)) / cv::countNonZero(part);
        std::cout << "[ damage   ] fading crease at " << scale << "x: faint part " << found
                  << " found, " << 100 * flaggedFraction(mask) << "% flagged\n";
        EXPECT_GE(found, 0.8) << scale << "x";
        const int reach = static_cast<int>(std::lround(8 * std::max(1.0, scale)));
        cv::dilate(whole, whole,
                   cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * reach + 1, 2 * reach + 1}));
        EXPECT_EQ(cv::countNonZero(mask & ~whole), 0) << scale << "x: flagged beside the crease";
    }
}

// A sepia print (one colour at every tone) with a dark, grainy dress above and light paper below.
// Light dust specks of a pixel or two lie on the dress, blurred to a mid tone as on scratched_a
// (100-160 grey levels on 40), and brown foxing dots on the paper, 30-45 levels darker, as on
// scratched_c. `specks`: their centres.
cv::Mat dustyToneprint(std::vector<cv::Point>& specks) {
    cv::Mat luma(480, 400, CV_32F);
    cv::RNG rng(5);
    rng.fill(luma, cv::RNG::NORMAL, 0, 3.0);
    luma(cv::Rect(0, 0, 400, 240)) += 45;
    luma(cv::Rect(0, 240, 400, 240)) += 200;
    cv::GaussianBlur(luma, luma, {0, 0}, 0.7);
    cv::Mat dust = cv::Mat::zeros(luma.size(), CV_32F), foxing = dust.clone();
    for (int i = 0; i < 12; ++i) {  // a 4 x 3 grid on the dress, 1-2 px across
        const cv::Point at(50 + 100 * (i % 4), 45 + 75 * (i / 4));
        cv::circle(dust, at, 1 + i % 2, 1.0, cv::FILLED, cv::LINE_8);
        specks.push_back(at);
    }
    for (int i = 0; i < 8; ++i) {  // on the paper, 2-3 px across
        const cv::Point at(50 + 100 * (i % 4), 300 + 100 * (i / 4));
        cv::circle(foxing, at, 1, 1.0, cv::FILLED, cv::LINE_8);
        specks.push_back(at);
    }
    cv::GaussianBlur(dust, dust, {0, 0}, 0.8);
    cv::GaussianBlur(foxing, foxing, {0, 0}, 0.8);
    cv::Mat bgr(luma.size(), CV_8UC3);
    for (int y = 0; y < luma.rows; ++y)
        for (int x = 0; x < luma.cols; ++x) {
            const float l = luma.at<float>(y, x);
            const float d = std::min(1.0f, 1.6f * dust.at<float>(y, x));
            const float f = std::min(1.0f, 1.6f * foxing.at<float>(y, x));
            // Sepia toning; dust is the paper's colourless white, foxing rust brown.
            cv::Vec3f c(0.80f * l, 0.97f * l, 1.12f * l);
            c = c * (1 - d) + cv::Vec3f(175, 180, 185) * d;
            c = c * (1 - 0.45f * f) + cv::Vec3f(70, 110, 160) * (0.45f * f);
            bgr.at<cv::Vec3b>(y, x) = cv::Vec3b(cv::saturate_cast<uchar>(c[0]),
                                                cv::saturate_cast<uchar>(c[1]),
                                                cv::saturate_cast<uchar>(c[2]));
        }
    return bgr;
}

// Dust on an old toned print is found at the scan's size, at half and at double size (the
// detector scales with the scan), and nothing else is taken: the dress's grain and the paper stay.
// Before the old-print rule (detect_specks.h) 12 of 20 were found at 1x and 0.5x, 3 at 2x: no
// foxing (neither black nor colourless) and not the light specks blurred below paper-white.
TEST(DetectDamage, FindsLightDustAndBrownFoxingOnAToneprintAtHalfOneAndTwiceTheSize) {
    std::vector<cv::Point> specks;
    const cv::Mat print = dustyToneprint(specks);
    for (const double scale : {1.0, 0.5, 2.0}) {
        cv::Mat image = print;
        if (scale != 1.0)
            cv::resize(print, image, {}, scale, scale, scale < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
        pm::engine::LocalJobContext ctx;
        const cv::Mat mask = pm::ops::detectDamage(image, {}, ctx);
        cv::Mat near = cv::Mat::zeros(image.size(), CV_8U);
        int found = 0;
        for (const cv::Point& p : specks) {
            const cv::Point at(cvRound(p.x * scale), cvRound(p.y * scale));
            found += mask.at<uchar>(at) > 0;
            cv::circle(near, at, cvRound(6 * std::max(1.0, scale)), 255, cv::FILLED);
        }
        std::cout << "[ damage   ] toned print at " << scale << "x: " << found << " of "
                  << specks.size() << " specks found, " << 100 * flaggedFraction(mask)
                  << "% flagged\n";
        // At 2x this print is not seen as oversampled (working_scale.h), so it is looked at
        // enlarged, and its 2-3 px specks are 6-10 px wide there, beyond a speck's 10 px: 11 of
        // 20 found (the 1-2 px ones).
        EXPECT_GE(found, scale > 1 ? 10 : static_cast<int>(specks.size())) << scale << "x";
        EXPECT_EQ(cv::countNonZero(mask & ~near), 0) << scale << "x: flagged beside the specks";
    }
}

// A night sky: stars of every brightness from a pixel to a few wide, and a glossy ball with its
// specular highlight, on a colour photo and its grey copy. Stars and glints are the small bright
// blobs on a flat dark ring that dust on a dark print is; nothing tells them apart, so on a photo
// that is not a toned print they are left alone (detect_specks.h).
TEST(DetectDamage, LeavesAStarFieldAndASpecularHighlightAlone) {
    cv::Mat sky(480, 640, CV_32FC3);
    cv::RNG rng(9);
    rng.fill(sky, cv::RNG::NORMAL, 0, 2.5);
    for (int y = 0; y < sky.rows; ++y)
        for (int x = 0; x < sky.cols; ++x)
            sky.at<cv::Vec3f>(y, x) += cv::Vec3f(70 - 40.0f * y / sky.rows, 30, 15);
    cv::Mat stars = cv::Mat::zeros(sky.size(), CV_32F);
    for (int i = 0; i < 150; ++i) {
        cv::Mat one = cv::Mat::zeros(sky.size(), CV_32F);
        const cv::Point at(rng.uniform(10, 630), rng.uniform(10, 300));
        one.at<float>(at) = 1;
        const double sigma = rng.uniform(0.4, 1.2);
        cv::GaussianBlur(one, one, {0, 0}, sigma);
        stars += one * (rng.uniform(60.0, 230.0) / one.at<float>(at));
    }
    // The ball: shaded from its top left, with a small sharp highlight.
    const cv::Point ball(420, 390);
    for (int y = 330; y < 450; ++y)
        for (int x = 360; x < 480; ++x) {
            const double dx = (x - ball.x) / 60.0, dy = (y - ball.y) / 60.0;
            if (dx * dx + dy * dy > 1) continue;
            const double shade = 0.4 + 0.6 * std::max(0.0, 1 - std::hypot(dx + 0.4, dy + 0.4));
            sky.at<cv::Vec3f>(y, x) = cv::Vec3f(40, 60, 170) * shade;
        }
    cv::Mat glint = cv::Mat::zeros(sky.size(), CV_32F);
    glint.at<float>(ball + cv::Point(-22, -22)) = 1;
    cv::GaussianBlur(glint, glint, {0, 0}, 1.0);
    stars += glint * (160.0 / glint.at<float>(ball + cv::Point(-22, -22)));
    cv::Mat light;
    cv::merge(std::vector<cv::Mat>{stars, stars, stars}, light);
    cv::Mat photo;
    cv::Mat(sky + light).convertTo(photo, CV_8UC3);
    cv::Mat grey;
    cv::cvtColor(photo, grey, cv::COLOR_BGR2GRAY);
    pm::engine::LocalJobContext ctx;
    EXPECT_EQ(cv::countNonZero(pm::ops::detectDamage(photo, {}, ctx)), 0);
    // On the grey copy no star is taken for dust (the paper rule took 1473 px of them before). Not
    // checked here: two stars a few pixels apart read as a short scratch (detect_damage.cpp), and
    // the white glint on the grey ball as dust, which it could be.
    pm::ops::DamageStages stages;
    pm::ops::detectDamage(grey, {}, ctx, nullptr, &stages);
    cv::Mat outsideBall(grey.size(), CV_8U, cv::Scalar(255));
    cv::circle(outsideBall, ball, 64, 0, cv::FILLED);
    EXPECT_EQ(cv::countNonZero(stages.specks & outsideBall), 0) << "stars taken for dust";
}

// A black-and-white print of a dark saucer on a mid-grey table, in the manner of coffee.png's grey
// copy: a lit rim, a thin bright arc 2 px wide, runs along the inner edge of the saucer's outer
// face on its lower half, with the saucer's deep shadow a few pixels beyond; a star flare (a
// blown-out blob with eight thin rays) sits on the table; and a real crack, 2 px of paper wandering a pixel or two, crosses table and saucer (above the rim: a crack
// that crosses the rim joins it into one line, judged as a whole, and both stay marked). `rim`, `flare`,
// `crack`: where each lies.
cv::Mat greySaucerWithRimFlareAndCrack(cv::Mat& rim, cv::Mat& flare, cv::Mat& crack) {
    cv::Mat luma(480, 640, CV_32F);
    cv::RNG rng(13);
    luma.setTo(120);
    const cv::Point centre(330, 250);
    // The saucer's shadow on the table, its outer face (a little lighter than the inside, 4 px
    // wide) and its inside, as coffee.png's grey copy has them (8, 60-70 and 30-40 grey levels).
    cv::ellipse(luma, centre, {250, 160}, 0, 0, 360, 8, cv::FILLED);
    cv::ellipse(luma, centre, {230, 140}, 0, 0, 360, 65, cv::FILLED);
    cv::ellipse(luma, centre, {224, 134}, 0, 0, 360, 40, cv::FILLED);
    rim = cv::Mat::zeros(luma.size(), CV_8U);
    cv::ellipse(rim, centre, {225, 135}, 0, 25, 155, 255, 2);
    // The rim's light fades towards its ends, as a highlight does.
    for (int y = 0; y < luma.rows; ++y)
        for (int x = 0; x < luma.cols; ++x)
            if (rim.at<uchar>(y, x))
                luma.at<float>(y, x) = 110 + 90 * static_cast<float>(std::exp(
                                                      -std::pow((x - centre.x) / 160.0, 2)));
    flare = cv::Mat::zeros(luma.size(), CV_8U);
    const cv::Point star(560, 70);
    for (int k = 0; k < 8; ++k) {
        const double a = k * CV_PI / 4 + 0.2;
        cv::line(flare, star, star + cv::Point(cvRound(30 * std::cos(a)), cvRound(30 * std::sin(a))),
                 255, 1);
    }
    cv::Mat rays;
    flare.convertTo(rays, CV_32F, 110.0 / 255.0);
    cv::Mat(cv::max(luma, 120 + rays)).copyTo(luma, flare);
    cv::circle(luma, star, 6, 255, cv::FILLED);
    cv::circle(flare, star, 6, 255, cv::FILLED);
    crack = cv::Mat::zeros(luma.size(), CV_8U);
    std::vector<cv::Point> path;
    for (int k = 0; k <= 60; ++k) {
        const double t = k / 60.0;
        path.emplace_back(cvRound(100 + 520 * t + rng.uniform(-2.0, 2.0)),
                          cvRound(50 + 250 * t + 12 * std::sin(9 * t) + rng.uniform(-2.0, 2.0)));
    }
    cv::polylines(crack, path, false, 255, 2);
    luma.setTo(215, crack);
    // The scan's blur (a hard-edged line 2 px wide has two ridge centres; a scanned one, one).
    cv::GaussianBlur(luma, luma, {0, 0}, 0.8);
    cv::Mat grain(luma.size(), CV_32F);
    rng.fill(grain, cv::RNG::NORMAL, 0, 2.0);
    luma += grain;
    cv::Mat grey, bgr;
    luma.convertTo(grey, CV_8U);
    cv::cvtColor(grey, bgr, cv::COLOR_GRAY2BGR);
    return bgr;
}

// On a black-and-white print no colour tells a lit rim or a glare's rays from paper showing through
// a crack; their shape does (picture_shapes.h): the rim is a smooth arc along the saucer's
// outline, the rays radiate from a blown-out blob. Both stay; the crack across the saucer is still
// found. Before the shape test the rim and the flare were filled (coffee.png's grey copy: 3.0% of
// the photo changed, its saucer rim most of it).
TEST(DetectDamage, ALitRimAndAGlareOnABlackAndWhitePrintStayWhileACrackAcrossThemIsFound) {
    cv::Mat rim, flare, crack;
    const cv::Mat print = greySaucerWithRimFlareAndCrack(rim, flare, crack);
    pm::engine::LocalJobContext ctx;
    for (const double scale : {1.0, 0.5}) {
        cv::Mat image = print, r = rim, f = flare, c = crack;
        if (scale != 1.0) {
            cv::resize(print, image, {}, scale, scale, cv::INTER_AREA);
            for (cv::Mat* m : {&r, &f, &c}) cv::resize(*m, *m, image.size(), 0, 0, cv::INTER_AREA);
            r = r > 0, f = f > 0, c = c > 0;
        }
        const cv::Mat mask = pm::ops::detectDamage(image, {}, ctx);
        const cv::Mat onRim = r & ~c, onFlare = f & ~c;
        const double rimMarked = static_cast<double>(cv::countNonZero(onRim & mask)) /
                                 cv::countNonZero(onRim);
        const double flareMarked = static_cast<double>(cv::countNonZero(onFlare & mask)) /
                                   cv::countNonZero(onFlare);
        const double crackFound =
            static_cast<double>(cv::countNonZero(c & mask)) / cv::countNonZero(c);
        std::cout << "[ damage   ] grey saucer at " << scale << "x: rim " << rimMarked
                  << " marked, flare " << flareMarked << " marked, crack " << crackFound
                  << " found\n";
        EXPECT_LE(rimMarked, 0.05) << scale << "x";
        EXPECT_LE(flareMarked, 0.05) << scale << "x";
        EXPECT_GE(crackFound, 0.8) << scale << "x";
    }
}
