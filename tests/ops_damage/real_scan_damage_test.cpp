// Repair old photo on real scans: the scratches step must never harm a photo (a face stays
// untouched, a clean photo barely changes) and must find the real cracks drawn by hand in
// bench/damage/reference; the sensitivity only ever adds; and damage unlike the kind the detector
// was tuned on (bench/damage/crack_synth.h) is found too.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "bench/damage/crack_synth.h"
#include "bench/damage/damage_reference.h"
#include "core/image/image_io.h"
#include "core/image/pixel_convert.h"
#include "core/ops/damage/detect_damage.h"
#include "core/ops/damage/face_guard.h"
#include "core/ops/damage/working_scale.h"
#include "core/ops/faces/restore_faces.h"
#include "core/ops/repair/damage_fill.h"
#include "core/ops/repair/repair_chain.h"
#include "tests/support/testdata.h"

namespace {

namespace fs = std::filesystem;

// Floors a little under what the detector reaches (bench/damage/damage_real_bench.cpp): at 1x
// scratched_a 0.79 recall at 0.88 precision (0.26 before torn strips a pixel or two inside the
// border counted), scratched_c 0.89 at 0.80 (before issue 13: 0.11 and 0.0; 0.35 at 0.74 before
// its crease and crack counted on a toned print). At 2x (0.07 and 0.0 before the working scale
// halved oversampled scans): 0.81 at 0.89 and 0.71 at 0.80 (0.39 before the crease).
struct RecallFloor {
    const char* scan;
    double scale;
    double recall;
};
constexpr RecallFloor kRecallFloors[] = {
    {"scratched_a", 1.0, 0.8},  // 0.84 since torn paper may carry the toning (0.80 before)
    {"scratched_c", 1.0, 0.8},
    {"scratched_a", 2.0, 0.8},  // 0.85 (0.82 before)
    // 0.71 at 0.80 (2x) before its crease was continued through fainter thin ridges: 0.88 at 0.88.
    {"scratched_c", 2.0, 0.8},
    // At half size (248 px, looked at doubled) the torn strip is a pixel or two wide and no
    // longer paper-white near the corners, so it reaches neither: found since a long strip
    // hugging one side counts (0.476 at 0.93 precision; 0.163 at 0.85 before); 0.636 at 0.93
    // since the broken top-left corner counts there (FindsTheBrokenTopLeftCornerOfScratchedA),
    // 0.794 at 0.91 since the strip that continues it counts (...TornLeftEdge...AtHalfSize);
    // 0.810 at 0.90 since grey cracks on its dark curtain do (...GreyCrackBranch...). Since its
    // reference also holds the 108 light dust specks on the dress (session 13): 0.611 before the
    // old-print speck rule, 0.699 with it (detect_specks.h); both together: see REAL_SCANS.md.
    // 0.783 at 0.85 (0.732 at 0.87 before) since sub-pixel dust and the sub-pixel stretch of the
    // torn strip count (FindsTheSubPixelDustAndTornStripOfAHalfSizeScratchedA). 0.813 at 0.85
    // since light dust in a face counts away from its features (...DustOnTheCheek...ButNotItsEyes).
    {"scratched_a", 0.5, 0.76},
    // At half size scratched_c is 128 px wide, looked at doubled: 0.676 at 0.74 precision since
    // its crack counts there (nothing found before, see FindsTheCrackOfScratchedCAtHalfSize);
    // 0.843 at 0.75 since its crease does (FindsTheCreaseOfScratchedCThatRunsIntoThePrintsFrame).
    // 0.761 since its two brown foxing dots count (session 13): not found at half size, where they
    // are a pixel across and 15 levels dark. 0.858 at 0.76 since the speck bars are lower on an
    // enlarged small scan (detect_specks.cpp kEnlargedPeakShare): the sleeve stain and the
    // blue-grey spot count there. 0.947 at 0.78 since stains are told by their colour
    // (FindsTheStainsAndFoxingOfScratchedCByTheirColour).
    {"scratched_c", 0.5, 0.8}};
constexpr double kMinPrecision = 0.7;
// crack_synth.h on the faded photos: line recall 0.165, dust 0.16, precision 0.82 (mean of six;
// 0.22, 0.21, 0.71 before content_lines.h kept picture edges out).
constexpr double kMinCrackRecall = 0.15;
constexpr double kMinDustRecall = 0.1;
constexpr double kMinCrackPrecision = 0.55;
// A clean photo through the scratches step: every one at the goal (0.5%). faded_e was 0.56% while
// short wide bright blobs of picture (sky between leaves, a white glove, a reflection in the pond)
// counted as short scratches; 0.19% now.
constexpr double kGoalChange = 0.005;

cv::Mat load(const std::string& relative) {
    return pm::image::toBgr8(
        pm::image::loadPhoto(pm::test::testdataDir() + "/" + relative).pixels);
}

pm::bench::ReferenceDamage reference(const std::string& scan, cv::Size size) {
    return pm::bench::loadReferenceDamage(
        std::string(PM_SOURCE_DIR) + "/bench/damage/reference/" + scan + ".txt", size);
}

// `repair --steps scratches` with the built-in fill: the pixels it changes (CV_8UC1).
// The share of the reference shape of `scan` whose line starts with `prefix` (drawn at the mask's
// size) that `mask` covers; -1 when the reference has no such shape.
double shareFound(const std::string& scan, const std::string& prefix, const cv::Mat& mask) {
    for (const auto& shape : pm::bench::loadReferenceShapes(
             std::string(PM_SOURCE_DIR) + "/bench/damage/reference/" + scan + ".txt", mask.size()))
        if (shape.text.rfind(prefix, 0) == 0)
            return static_cast<double>(cv::countNonZero(shape.mask & mask)) / cv::countNonZero(shape.mask);
    return -1;
}

// What Detect Damage marks on `scan` resized by `scale` (as a scan at another resolution).
cv::Mat damageFoundAt(const cv::Mat& scan, double scale) {
    cv::Mat bgr = scan;
    if (scale != 1.0) cv::resize(scan, bgr, {}, scale, scale, scale < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
    pm::engine::LocalJobContext ctx;
    return pm::ops::detectDamage(bgr, {}, ctx);
}

cv::Mat changedByScratchesStep(const cv::Mat& bgr, double sensitivity = 0.5) {
    pm::ops::RepairParams params;
    params.steps = {pm::ops::RepairStep::Scratches};
    params.damage.sensitivity = sensitivity;
    params.fill.engine = pm::ops::FillEngine::Builtin;
    pm::engine::LocalJobContext ctx;
    const pm::ops::RepairResult result = pm::ops::repairPhoto(bgr, {}, params, ctx);
    cv::Mat diff, summed;
    cv::absdiff(bgr, result.image, diff);
    cv::transform(diff, summed, cv::Matx13f(1, 1, 1));
    return summed > 0;
}

// The share of the photo's pixels a changed-pixel mask marks, printed under `what`.
double changedShare(const cv::Mat& changed, const std::string& what) {
    const double share = static_cast<double>(cv::countNonZero(changed)) / changed.total();
    std::cout << "[ damage   ] " << what << ": " << 100 * share << "% changed\n";
    return share;
}

// A scan at half its size, as a smaller scan of the same print.
cv::Mat halfSize(const cv::Mat& bgr) {
    cv::Mat half;
    cv::resize(bgr, half, {}, 0.5, 0.5, cv::INTER_AREA);
    return half;
}

// A black-and-white copy of a colour photo, still 3 channels as a scan of a print would be.
cv::Mat blackAndWhite(const cv::Mat& bgr) {
    cv::Mat grey, copy;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    cv::cvtColor(grey, copy, cv::COLOR_GRAY2BGR);
    return copy;
}

cv::Mat faceBoxes(const cv::Mat& bgr) {
    cv::Mat area = cv::Mat::zeros(bgr.size(), CV_8UC1);
    for (const auto& f : pm::ops::detectFaces(bgr, {}))
        area(f.box & cv::Rect({}, bgr.size())).setTo(255);
    return area;
}

TEST(RealScanDamage, FacesOfOldPhotosStayUntouchedByTheScratchesStep) {
    PM_REQUIRE_TESTDATA();
    int faces = 0;
    for (const std::string name : {"scratched_a", "scratched_c", "faded_a", "faded_b", "faded_c",
                                   "faded_e", "faded_f", "faded_h"}) {
        const cv::Mat bgr = load("old-photos/" + name + ".png");
        const cv::Mat face = faceBoxes(bgr);
        if (cv::countNonZero(face) == 0) continue;
        ++faces;
        // Real damage drawn in the reference (the speck on scratched_a's cheek) may be filled.
        cv::Mat allowed = cv::Mat::zeros(bgr.size(), CV_8UC1);
        if (fs::exists(std::string(PM_SOURCE_DIR) + "/bench/damage/reference/" + name + ".txt"))
            cv::dilate(reference(name, bgr.size()).damage, allowed, cv::Mat(), {-1, -1}, 3);
        const int touched = cv::countNonZero(changedByScratchesStep(bgr) & face & ~allowed);
        std::cout << "[ damage   ] " << name << ": " << touched << " face pixels changed\n";
        EXPECT_EQ(touched, 0) << name;
    }
    EXPECT_GE(faces, 4) << "the face detector should find faces in the old photos";
}

// Dust inside a detected face is filled, by diffusion from that face's own pixels only: the speck
// goes, no face pixel outside the detected mask changes, and no colour the face does not hold near
// the speck comes in. A white speck painted on faded_h's cheek and the real one on scratched_a's
// chin (both left in place before face specks were looked for).
TEST(RealScanDamage, DustOnAFaceIsFilledFromTheFaceAlone) {
    PM_REQUIRE_TESTDATA();
    struct Case {
        const char* scan;
        cv::Point speck;
        bool paint;
    };
    for (const Case& c : {Case{"faded_h", {270, 195}, true}, Case{"scratched_a", {245, 344}, false}}) {
        cv::Mat bgr = load(std::string("old-photos/") + c.scan + ".png");
        if (c.paint) cv::circle(bgr, c.speck, 2, cv::Scalar(250, 250, 250), cv::FILLED);
        const std::vector<cv::Rect> zones = pm::ops::damage::protectedFaceZones(bgr);
        const cv::Mat inFaces = pm::ops::damage::zoneMask(bgr.size(), zones);
        ASSERT_GT(inFaces.at<uchar>(c.speck), 0) << c.scan << ": the speck should be in a face";
        pm::engine::LocalJobContext ctx;
        const cv::Mat mask = pm::ops::detectDamage(bgr, {}, ctx, &zones);
        const cv::Mat changed = changedByScratchesStep(bgr);

        cv::Mat speck = cv::Mat::zeros(bgr.size(), CV_8UC1);
        cv::circle(speck, c.speck, 2, 255, cv::FILLED);
        EXPECT_EQ(cv::countNonZero(speck & ~changed), 0) << c.scan << ": the speck stays";
        EXPECT_EQ(cv::countNonZero(changed & inFaces & ~mask), 0)
            << c.scan << ": face pixels outside the mask changed";

        // The filled speck takes the tone of the skin round it (it stood 60-100 levels above)...
        pm::ops::RepairParams params;
        params.steps = {pm::ops::RepairStep::Scratches};
        params.fill.engine = pm::ops::FillEngine::Builtin;
        const cv::Mat out = pm::ops::repairPhoto(bgr, {}, params, ctx).image;
        cv::Mat hole, near, ring;
        cv::dilate(speck, hole, cv::Mat(), {-1, -1}, 2);
        hole &= mask;
        cv::dilate(hole, near, cv::getStructuringElement(cv::MORPH_ELLIPSE, {13, 13}));
        ring = near & ~hole & inFaces;
        cv::Mat grey, greyOut;
        cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
        cv::cvtColor(out, greyOut, cv::COLOR_BGR2GRAY);
        const double skin = cv::mean(grey, ring)[0];
        EXPECT_LT(std::abs(cv::mean(greyOut, speck)[0] - skin), 12) << c.scan;
        EXPECT_GT(cv::mean(grey, speck)[0] - skin, 40) << c.scan << ": the speck should stand out";
        // ...and each channel of every filled pixel stays within what the face holds round it.
        std::vector<cv::Mat> before, after;
        cv::split(bgr, before);
        cv::split(out, after);
        for (int ch = 0; ch < 3; ++ch) {
            double lo = 0, hi = 0, outLo = 0, outHi = 0;
            cv::minMaxLoc(before[ch], &lo, &hi, nullptr, nullptr, ring);
            cv::minMaxLoc(after[ch], &outLo, &outHi, nullptr, nullptr, hole);
            EXPECT_GE(outLo, lo) << c.scan << " channel " << ch;
            EXPECT_LE(outHi, hi) << c.scan << " channel " << ch;
        }
    }
}

TEST(RealScanDamage, FindsTheHandDrawnCracksOfTheScratchedScansAtHalfOneAndTwiceTheirSize) {
    PM_REQUIRE_TESTDATA();
    for (const RecallFloor& floor : kRecallFloors) {
        const cv::Mat mask = damageFoundAt(load(std::string("old-photos/") + floor.scan + ".png"), floor.scale);
        const auto s = pm::bench::scoreAgainstReference(mask, reference(floor.scan, mask.size()),
                                                        floor.scale);
        std::cout << "[ damage   ] " << floor.scan << " " << floor.scale << "x: precision "
                  << s.precision << " recall " << s.recall << "\n";
        EXPECT_GE(s.recall, floor.recall) << floor.scan << " " << floor.scale << "x";
        EXPECT_GE(s.precision, kMinPrecision) << floor.scan << " " << floor.scale << "x";
    }
}

// The white torn strip down scratched_a's left edge lies a pixel or two inside the image border
// (scanner background beyond it) and breaks into pieces where it narrows: most of the drawn strip
// must be found. Before torn_edges.cpp joined the pieces: 12% of it.
TEST(RealScanDamage, FindsTheTornLeftEdgeOfScratchedA) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat bgr = load("old-photos/scratched_a.png");
    pm::engine::LocalJobContext ctx;
    cv::Mat mask = pm::ops::detectDamage(bgr, {}, ctx);
    // The 2 px tolerance of the benchmark's scoring (the strip is drawn 0-8 px wide by hand).
    cv::dilate(mask, mask, cv::getStructuringElement(cv::MORPH_ELLIPSE, {5, 5}));
    const double found = shareFound("scratched_a", "poly 0 50 ", mask);
    ASSERT_GE(found, 0) << "the reference should hold the left torn edge";
    std::cout << "[ damage   ] left torn edge: " << found << " found\n";
    EXPECT_GE(found, 0.8);
}

// The crease on the right of scratched_c: a thin bright fold line 10-22 grey levels above the
// backdrop with its shadow beside it, carrying the print's sepia toning (chroma 23-27, over the
// neutral limit of 20), that runs into the print's dark frame along the right border. Before: not
// found at all (rejected as coloured, then dropped whole with the frame as a border line).
// Over its fainter half it stands out 8-14 levels, at the visible level (12.5), so the resampling
// to the working size (2x: halved; 0.5x: doubled) broke it into pieces: 0.48 of it found at 2x,
// 0.14 at 0.5x (the rest dropped as the frame), 0.83 at 1x, before scratches continued through
// fainter thin ridges (detect_damage.cpp kTraceContrastShare); now all of it at every size.
TEST(RealScanDamage, FindsTheCreaseOfScratchedCThatRunsIntoThePrintsFrame) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat scan = load("old-photos/scratched_c.png");
    for (const double scale : {1.0, 2.0, 0.5}) {
        cv::Mat mask = damageFoundAt(scan, scale);
        // The benchmark's tolerance.
        const int t = std::max(1, static_cast<int>(std::lround(2 * scale)));
        cv::dilate(mask, mask,
                   cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * t + 1, 2 * t + 1}));
        const double found = shareFound("scratched_c", "line 2 214 136", mask);
        ASSERT_GE(found, 0) << "the reference should hold the crease";
        std::cout << "[ damage   ] scratched_c crease at " << scale << "x: " << found
                  << " found\n";
        EXPECT_GE(found, 0.85) << scale << "x";  // 0.92, 0.91, 1.00
        // The print's own dark frame that the crease runs into stays, below the crease (the
        // ignore band of the reference; further down the paper by it counts as a torn edge). At
        // half size the paper margin beyond the frame, a pixel wide, falls inside this band.
        if (scale < 1.0) continue;
        const cv::Rect frameBelow(static_cast<int>(248 * scale), static_cast<int>(166 * scale),
                                  static_cast<int>(8 * scale), static_cast<int>(70 * scale));
        EXPECT_EQ(cv::countNonZero(mask(frameBelow)), 0) << "the frame below the crease stays";
    }
}

// A dark leaf of scratched_c's backdrop 5-10 px beside the bright crack at the top left (at 1x
// around (38, 20)) joined the crack's line (pieces up to 9 px apart count as one) and was filled
// with it at every size. A crack shows the paper or grime, not both: the few pixels of the other
// polarity a line takes in go (detect_damage.cpp mainPolarity). The crack itself stays found.
TEST(RealScanDamage, ADarkBlotBesideTheBrightCrackOfScratchedCStays) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat scan = load("old-photos/scratched_c.png");
    for (const double scale : {1.0, 2.0, 0.5}) {
        const cv::Mat mask = damageFoundAt(scan, scale);
        // The blot's core; the crack's own mask ends 2-3 px to its right.
        const cv::Rect blot(static_cast<int>(std::lround(34 * scale)),
                            static_cast<int>(std::lround(18 * scale)),
                            static_cast<int>(std::lround(7 * scale)),
                            static_cast<int>(std::lround(5 * scale)));
        EXPECT_EQ(cv::countNonZero(mask(blot)), 0) << scale << "x: the blot is picture";
        const double crack = shareFound("scratched_c", "line 3 22 0 ", mask);
        std::cout << "[ damage   ] scratched_c at " << scale << "x: blot pixels flagged "
                  << cv::countNonZero(mask(blot)) << ", crack " << crack << " found\n";
        EXPECT_GE(crack, 0.6) << scale << "x";
    }
}

// The broken top-left corner of scratched_a: paper that carries the print's sepia toning (chroma
// 35-65 against the paper limit of 34, nothing beyond the toning), which at half size (looked at
// doubled) also lies a pixel inside the left border. Before toned paper counted: 0.86 of it found
// at 1x; before a large corner piece might lie within the border gap: none at half size.
TEST(RealScanDamage, FindsTheBrokenTopLeftCornerOfScratchedA) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat scan = load("old-photos/scratched_a.png");
    for (const double scale : {1.0, 0.5}) {
        cv::Mat bgr = scan;
        if (scale != 1.0) cv::resize(scan, bgr, {}, scale, scale, cv::INTER_AREA);
        pm::engine::LocalJobContext ctx;
        cv::Mat mask = pm::ops::detectDamage(bgr, {}, ctx);
        const int t = std::max(1, static_cast<int>(std::lround(2 * scale)));  // the bench's
        cv::dilate(mask, mask,
                   cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * t + 1, 2 * t + 1}));
        const double found = shareFound("scratched_a", "poly 25 0 70 0 ", mask);
        ASSERT_GE(found, 0) << "the reference should hold the top-left corner";
        std::cout << "[ damage   ] scratched_a top-left corner at " << scale << "x: " << found
                  << " found\n";
        EXPECT_GE(found, 0.95) << scale << "x";  // 1.00 at both
    }
}

// scratched_c at half size (128x168, looked at doubled): the crack from the top edge at the top
// left must be found. The doubling blurs it: its clean middle peaks at ridge scale 1.6 there (as
// the finest scale, taken as a toned crease only since kEnlargedScaleShift), loses a tenth of its
// contrast but none of its step (kEnlargedProfileLimits), and its top joins the border band, where
// profile samples are clamped (not measured since). Before: none of it found.
TEST(RealScanDamage, FindsTheCrackOfScratchedCAtHalfSize) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat bgr = halfSize(load("old-photos/scratched_c.png"));
    pm::engine::LocalJobContext ctx;
    cv::Mat mask = pm::ops::detectDamage(bgr, {}, ctx);
    cv::dilate(mask, mask, cv::getStructuringElement(cv::MORPH_ELLIPSE, {3, 3}));  // 1 px
    const double found = shareFound("scratched_c", "line 3 22 0 ", mask);
    ASSERT_GE(found, 0) << "the reference should hold the crack";
    std::cout << "[ damage   ] scratched_c crack at half size: " << found << " found\n";
    EXPECT_GE(found, 0.6);
    // The girl's face at that size stays untouched.
    const cv::Mat face = faceBoxes(bgr);
    ASSERT_GT(cv::countNonZero(face), 0) << "the face detector should find her face";
    EXPECT_EQ(cv::countNonZero(changedByScratchesStep(bgr) & face), 0);
}

// The same strip at half size: it narrows to a pixel or two and is no longer paper-white near the
// corners, so none of its pieces reaches a second side. Before a long strip hugging one side
// counted: none of it found; 0.57 then, within 1 px: the strip breaks a third of the way down,
// and its upper third was too short to count alone. It continues the broken top-left corner,
// which counts since toned paper and large corner pieces a pixel inside the border do: 0.88 now.
// On a small scan looked at enlarged dust on a face is as small and faint as elsewhere on the scan.
// The drawn speck on scratched_a's cheek (reference `circle 3 245.5 344`... at 1x), at half size,
// is taken by the old-print speck rule where no dark feature of the face lies near it
// (detect_specks.cpp kFaceFeatureShare); the closed eyes and the nose of the same face stay
// unmarked. Before: no speck in a face of an enlarged scan was taken.
TEST(RealScanDamage, FindsTheDustOnTheCheekOfAHalfSizeScratchedAButNotItsEyes) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat bgr = halfSize(load("old-photos/scratched_a.png"));
    const std::vector<pm::ops::FaceBox> faces = pm::ops::detectFaces(bgr, {});
    ASSERT_EQ(faces.size(), 1u) << "the face detector should find her face";
    pm::engine::LocalJobContext ctx;
    const cv::Mat mask = pm::ops::detectDamage(bgr, {}, ctx);
    cv::Mat cheek = cv::Mat::zeros(bgr.size(), CV_8UC1);
    cv::circle(cheek, {122, 172}, 2, 255, cv::FILLED);
    EXPECT_GT(cv::countNonZero(mask & cheek), 0) << "the speck on her cheek should be found";
    // Eyes and nose tip (landmarks 0-2), each with a disc a tenth of the face wide round it.
    const pm::ops::FaceBox& face = faces.front();
    for (int i = 0; i < 3; ++i) {
        cv::Mat feature = cv::Mat::zeros(bgr.size(), CV_8UC1);
        cv::circle(feature, face.landmarks[i], std::max(3, face.box.width / 10), 255, cv::FILLED);
        std::cout << "[ damage   ] landmark " << i << " at " << face.landmarks[i] << "\n";
        EXPECT_EQ(cv::countNonZero(mask & feature), 0) << "landmark " << i << " at "
                                                       << face.landmarks[i] << " was marked";
    }
}

TEST(RealScanDamage, FindsTheTornLeftEdgeOfScratchedAAtHalfSize) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat bgr = halfSize(load("old-photos/scratched_a.png"));
    pm::engine::LocalJobContext ctx;
    cv::Mat mask = pm::ops::detectDamage(bgr, {}, ctx);
    cv::dilate(mask, mask, cv::getStructuringElement(cv::MORPH_ELLIPSE, {3, 3}));  // 1 px
    const double found = shareFound("scratched_a", "poly 0 50 ", mask);
    ASSERT_GE(found, 0) << "the reference should hold the left torn edge";
    std::cout << "[ damage   ] left torn edge at half size: " << found << " found\n";
    EXPECT_GE(found, 0.8);
}

// The thin vertical branch that leaves scratched_a's white crack on the right (reference `line 2
// 430 257 ...`) down the dark sepia curtain: a real crack, but grey, not paper-white: the scan's
// blur blends the paper in it with the curtain (tone 85-130 against the bright floor of 130,
// standing out 30-77 levels from a curtain of about 55) and it carries the curtain's toning,
// diluted (chroma 24-44 on a curtain of 47-52). Found since a thin bright ridge on a toned print
// counts as paper when it stands out half way to the print's white and carries clearly less colour
// than its surface (detect_damage.cpp paperBlend). Before: 0.00 / 0.03 / 0.04 at 0.5x / 1x / 2x.
TEST(RealScanDamage, FindsTheGreyCrackBranchOnTheDarkCurtainOfScratchedA) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat scan = load("old-photos/scratched_a.png");
    for (const double scale : {0.5, 1.0, 2.0}) {
        cv::Mat mask = damageFoundAt(scan, scale);
        // The benchmark's tolerance: 2 px at 1x, scaled (the line is drawn by hand).
        const int t = std::max(1, static_cast<int>(std::lround(2 * scale)));
        cv::dilate(mask, mask, cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * t + 1, 2 * t + 1}));
        const double found = shareFound("scratched_a", "line 2 430 257 ", mask);
        ASSERT_GE(found, 0) << "the reference should hold the grey branch";
        std::cout << "[ damage   ] scratched_a grey branch at " << scale << "x: " << found
                  << " found\n";
        EXPECT_GE(found, 0.8) << scale << "x";
    }
}

// A white patch of picture near a corner is not a torn corner unless it touches both sides: the
// flag's star at astronaut's top left lies a pixel inside the border (taken for a torn corner while
// torn_edges.cpp allowed that gap for small patches too).
TEST(RealScanDamage, AStarOfAFlagNearTheCornerStaysUntouched) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat bgr = load("photos/astronaut.png");
    const cv::Mat changed = changedByScratchesStep(bgr);
    EXPECT_EQ(cv::countNonZero(changed(cv::Rect(0, 0, 48, 48))), 0);
}

// The scratches step detects faces once and hands the zones to detection and fill: zones given by
// the caller must be what both protect. A made-up zone over the branching crack of scratched_a
// (found without it) keeps the crack out of detection (only paper-white specks may be taken
// there) and the fill from touching anything unmarked there.
TEST(RealScanDamage, FaceZonesGivenByTheCallerAreProtected) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat bgr = load("old-photos/scratched_a.png");
    const std::vector<cv::Rect> zones = {cv::Rect(330, 170, 166, 200)};
    pm::engine::LocalJobContext ctx;
    const cv::Mat unprotected = pm::ops::detectDamage(bgr, {}, ctx, nullptr);
    ASSERT_GT(cv::countNonZero(unprotected(zones[0])), 200) << "the crack should be found";
    const cv::Mat mask = pm::ops::detectDamage(bgr, {}, ctx, &zones);
    cv::Mat labels, stats, centroids;
    const int parts = cv::connectedComponentsWithStats(mask(zones[0]), labels, stats, centroids);
    for (int i = 1; i < parts; ++i)  // a speck: at most 10 px a side before growing by 2
        EXPECT_LE(std::max(stats.at<int>(i, cv::CC_STAT_WIDTH), stats.at<int>(i, cv::CC_STAT_HEIGHT)), 16)
            << "only specks, not the crack, inside the zone";
    // Filled with the unprotected mask: inside the zone only marked pixels change.
    cv::Mat filled = bgr.clone();
    pm::ops::RemoveParams fill;
    fill.engine = pm::ops::FillEngine::Builtin;
    pm::ops::fillDamageInPlace(filled, unprotected, fill, ctx, &zones);
    cv::Mat diff, changed, allowed;
    cv::absdiff(bgr, filled, diff);
    cv::transform(diff, changed, cv::Matx13f(1, 1, 1));
    allowed = unprotected != 0;
    EXPECT_EQ(cv::countNonZero((changed(zones[0]) > 0) & ~allowed(zones[0])), 0);
    EXPECT_GT(cv::countNonZero(changed(zones[0]) > 0), 0) << "the crack inside should be filled";
}

// The photos taken as clean: ../shared/testdata/photos, and the faded old photos too (faded_e
// shows one real hairline at its top left). Empty when the photos folder is.
std::vector<std::string> cleanPhotos() {
    auto photos = pm::test::testdataFiles("photos");
    if (photos.empty()) return photos;
    for (const auto& path : pm::test::testdataFiles("old-photos"))
        if (fs::path(path).filename().string().rfind("faded_", 0) == 0) photos.push_back(path);
    return photos;
}

TEST(RealScanDamage, CleanPhotosBarelyChange) {
    PM_REQUIRE_TESTDATA();
    const auto photos = cleanPhotos();
    ASSERT_FALSE(photos.empty());
    for (const auto& path : photos) {
        const cv::Mat bgr = pm::image::toBgr8(pm::image::loadPhoto(path).pixels);
        const cv::Mat changed = changedByScratchesStep(bgr);
        const double share = changedShare(changed, fs::path(path).filename().string());
        EXPECT_LE(share, kGoalChange) << path;
    }
}

// A small scan of a clean photo (every clean photo at half size: 128-480 px) must not change more
// than a large one, and never inside a face. Before: brick 1.02% (mortar joints beside its left
// and right sides, which touch the bottom, filled as broken corners), faded_e 0.96% and kodim03
// 0.59% (streaks of sky and cloud 4-5 px wide taken for cracks).
TEST(RealScanDamage, CleanPhotosAtHalfSizeBarelyChange) {
    PM_REQUIRE_TESTDATA();
    const auto photos = cleanPhotos();
    ASSERT_FALSE(photos.empty());
    for (const auto& path : photos) {
        const cv::Mat bgr = halfSize(pm::image::toBgr8(pm::image::loadPhoto(path).pixels));
        const cv::Mat changed = changedByScratchesStep(bgr);
        const double share =
            changedShare(changed, fs::path(path).filename().string() + " at half size");
        EXPECT_LE(share, kGoalChange) << path;
        EXPECT_EQ(cv::countNonZero(changed & faceBoxes(bgr)), 0) << path << ": a face changed";
    }
}

// Short wide bright blobs of picture are not short scratches: faded_e's white glove on a stick, the
// white figure reflected in the pond and the gaps of sky between the leaves either side of the
// real hairline at the top left stay as they are (all filled before).
TEST(RealScanDamage, ShortWideBlobsOfPictureStay) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat changed = changedByScratchesStep(load("old-photos/faded_e.png"));
    const cv::Rect glove(160, 355, 40, 45), reflection(20, 540, 30, 45), sky(75, 15, 25, 40);
    EXPECT_EQ(cv::countNonZero(changed(glove)), 0);
    EXPECT_EQ(cv::countNonZero(changed(reflection)), 0);
    EXPECT_EQ(cv::countNonZero(changed(sky)), 0);
}

// A black-and-white print has no colour to keep the picture's dark lines out: on a grey copy of
// faded_c the gaps between the fence boards and the walking stick's shadow on the ground were
// filled as dark cracks (1.39% of the photo changed; 0.00% on the colour original). There a dark
// line must be grime-dark to count (detect_damage.cpp kGreyChroma).
TEST(RealScanDamage, TheDarkLinesOfABlackAndWhitePrintStay) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat bgr = blackAndWhite(load("old-photos/faded_c.png"));
    const cv::Mat changed = changedByScratchesStep(bgr);
    const double share = changedShare(changed, "grey faded_c");
    EXPECT_LE(share, kGoalChange);
    EXPECT_EQ(cv::countNonZero(changed & faceBoxes(bgr)), 0) << "a face changed";
}

// A black-and-white copy has no colour to tell the picture's lines from damage; their shape does
// (picture_shapes.h). Filled before on the grey copies: the lit rim of coffee's saucer (3.02% of
// the photo changed), the shadow under kodim03's cap brim (0.70%), rocket's star flare (0.90%)
// and faded_f's mooring rope, straight for 300 px but joined to a wavering line of the water
// (1.48%).
TEST(RealScanDamage, RimsOutlinesGlareAndRopesOfBlackAndWhitePrintsStay) {
    PM_REQUIRE_TESTDATA();
    const auto greyCopy = [](const std::string& relative) { return blackAndWhite(load(relative)); };
    for (const char* photo : {"photos/kodim03.png", "photos/rocket.jpg"}) {
        const cv::Mat changed = changedByScratchesStep(greyCopy(photo));
        const double share = changedShare(changed, std::string("grey ") + photo);
        EXPECT_LE(share, kGoalChange) << photo;
    }
    // The saucer's rim along its lower left and bottom.
    const cv::Mat coffee = changedByScratchesStep(greyCopy("photos/coffee.png"));
    const int rim = cv::countNonZero(coffee(cv::Rect(108, 294, 96, 76))) +
                    cv::countNonZero(coffee(cv::Rect(227, 364, 142, 22)));
    // The middle of the rope, from (70, 800) to (160, 890).
    const cv::Mat faded = changedByScratchesStep(greyCopy("old-photos/faded_f.png"));
    const int rope = cv::countNonZero(faded(cv::Rect(70, 800, 90, 90)));
    std::cout << "[ damage   ] grey coffee: " << rim << " px of the rim changed; grey faded_f: "
              << rope << " px of the rope\n";
    EXPECT_EQ(rim, 0);
    EXPECT_EQ(rope, 0);
}

// A scan at half size: faded_f's mooring rope in the foreground, ruler-straight, joins the water's
// ripples among the candidates and was filled as a scratch (1.33% of the photo changed); judged
// again once the ripples are gone, it is a rope. At full size it was already left alone.
TEST(RealScanDamage, AStraightRopeOfAHalfSizeScanStays) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat changed = changedByScratchesStep(halfSize(load("old-photos/faded_f.png")));
    const double share = changedShare(changed, "faded_f at half size");
    EXPECT_LE(share, kGoalChange);
    // The rope runs from the left edge near y 365 down to the bottom edge near x 95 (its hanging
    // end at the very left, x < 20, is still filled at both sizes).
    EXPECT_EQ(cv::countNonZero(changed(cv::Rect(25, 395, 75, 85))), 0);
}

// The gaps between fence boards of faded_c's black-and-white copy at half size go as lines side
// by side (picture_shapes.h); the leftmost one jogs where it meets a cross rail, was not taken as
// straight by a least-squares fit and was filled as a crack (0.99% of the photo changed).
TEST(RealScanDamage, AJoggedFenceGapOfAHalfSizeBlackAndWhiteCopyStays) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat changed =
        changedByScratchesStep(blackAndWhite(halfSize(load("old-photos/faded_c.png"))));
    const double share = changedShare(changed, "grey faded_c at half size");
    EXPECT_LE(share, kGoalChange);
    // The leftmost gap runs down from (31, 249) to (34, 373).
    EXPECT_EQ(cv::countNonZero(changed(cv::Rect(20, 245, 25, 135))), 0);
}

// A light streak of wood grain on coffee's black-and-white copy, among grain lines 2-3 px apart,
// was filled as a scratch at both sizes (0.70% of the photo changed at 1x): a line among fine
// parallel lines is picture (picture_shapes.h).
TEST(RealScanDamage, WoodGrainOfABlackAndWhiteCopyStays) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat bgr = blackAndWhite(load("photos/coffee.png"));
    const cv::Mat changed = changedByScratchesStep(bgr);
    const double share = changedShare(changed, "grey coffee");
    const cv::Mat changedHalf = changedByScratchesStep(halfSize(bgr));
    EXPECT_LE(share, kGoalChange);
    // The streak runs from the left edge near y 155 up to (62, 112).
    EXPECT_EQ(cv::countNonZero(changed(cv::Rect(0, 105, 70, 60))), 0);
    EXPECT_EQ(cv::countNonZero(changedHalf(cv::Rect(0, 52, 35, 30))), 0);
}

// coffee's black-and-white copy at half size (looked at doubled): light drops on the saucer were
// filled as paper-white dust (a grey print's every point is colourless, so the paper rule's colour
// test said nothing) and the lit bottom rim of the saucer as a scratch (its edge was measured
// against a slope bar meant for unenlarged scans): 1.01% of the photo changed. Dust on a
// black-and-white print must be sharp and alone on a quiet surface (detect_specks.h), and an
// enlarged copy's edges are half as steep per pixel (picture_shapes.h).
TEST(RealScanDamage, GlintsAndTheLitRimOfAHalfSizeBlackAndWhiteCopyStay) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat changed =
        changedByScratchesStep(blackAndWhite(halfSize(load("photos/coffee.png"))));
    const double share = changedShare(changed, "grey coffee at half size");
    EXPECT_LE(share, kGoalChange);
    // The drops on the saucer's left, and the rim along the saucer's bottom.
    EXPECT_EQ(cv::countNonZero(changed(cv::Rect(45, 55, 50, 45))), 0) << "drops on the saucer";
    EXPECT_EQ(cv::countNonZero(changed(cv::Rect(110, 180, 75, 15))), 0) << "the saucer's rim";
}

// On faded_f's black-and-white copy the mooring rope's slack end hangs from where the taut rope
// leaves the picture at the left edge: a bright wavering line the straight run of the rope left
// behind, filled as a scratch (1917 px). It continues the rope from the run's end, so it is the
// rope (picture_shapes.h).
TEST(RealScanDamage, TheSlackEndOfARopeOfABlackAndWhiteCopyStays) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat changed = changedByScratchesStep(blackAndWhite(load("old-photos/faded_f.png")));
    changedShare(changed, "grey faded_f");
    // The slack end hangs from (5, 715) down to (45, 830).
    EXPECT_EQ(cv::countNonZero(changed(cv::Rect(0, 705, 60, 135))), 0);
}

// A sepia-toned copy, as ImageMagick 6's `convert IN -sepia-tone 80% OUT` makes one (the copies
// REAL_SCANS.md measures): its tone curve from the pixel's Rec. 709 intensity, then its normalize
// step (every channel stretched alike between the 0.15% and 99.95% points of the intensity) and
// its contrast step (the HSB brightness pushed along a sine, hue and saturation kept).
cv::Mat sepiaCopy(const cv::Mat& bgr) {
    cv::Mat intensity;
    cv::transform(bgr, intensity, cv::Matx13f(0.072186f, 0.715158f, 0.212656f));
    intensity.convertTo(intensity, CV_32F);
    const float threshold = 0.8f * 255;
    cv::Mat red = cv::min(intensity + (255 - threshold), 255);
    cv::Mat green = cv::min(intensity + (255 - 7 * threshold / 6), 255);
    cv::Mat blue = cv::max(intensity - threshold / 6, 0);
    green = cv::max(green, threshold / 7);
    blue = cv::max(blue, threshold / 7);
    cv::Mat sepia;
    cv::merge(std::vector<cv::Mat>{blue, green, red}, sepia);
    cv::Mat toned;
    cv::transform(sepia, toned, cv::Matx13f(0.072186f, 0.715158f, 0.212656f));
    std::vector<float> sorted(toned.begin<float>(), toned.end<float>());
    std::sort(sorted.begin(), sorted.end());
    const float black = sorted[static_cast<size_t>(0.0015 * (sorted.size() - 1))];
    const float white = sorted[static_cast<size_t>(0.9995 * (sorted.size() - 1))];
    sepia = (sepia - cv::Scalar::all(black)) * (1.0 / std::max(white - black, 1.0f));
    sepia = cv::max(cv::min(sepia, 1.0), 0.0);
    for (auto& p : cv::Mat_<cv::Vec3f>(sepia)) {
        const float v = std::max({p[0], p[1], p[2]});
        if (v <= 0) continue;
        const float pushed = std::clamp(
            v + 0.5f * (0.5f * (std::sin(static_cast<float>(CV_PI) * (v - 0.5f)) + 1.0f) - v),
            0.0f, 1.0f);
        p *= pushed / v;
    }
    cv::Mat out;
    sepia.convertTo(out, CV_8UC3, 255);
    return out;
}

// The walking stick's shadow on faded_c's sepia copy at half size: a dark band 3-4 px wide there,
// 114 centre px within 0.8 of its ridge width of a straight line, was filled as a crack (1.16% of
// the photo changed) because the band rule asked for the width the shadow has at full size. A
// half-size scan shows every band half as wide (picture_shapes.h).
TEST(RealScanDamage, TheStickShadowOfAHalfSizeSepiaCopyStays) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat changed =
        changedByScratchesStep(halfSize(sepiaCopy(load("old-photos/faded_c.png"))));
    const double share = changedShare(changed, "sepia faded_c at half size");
    EXPECT_LE(share, kGoalChange);
    // The shadow runs from the stick's foot near (73, 463) up to the right to (155, 386).
    EXPECT_EQ(cv::countNonZero(changed(cv::Rect(70, 383, 90, 83))), 0);
}

TEST(RealScanDamage, HigherSensitivityNeverMarksLess) {
    PM_REQUIRE_TESTDATA();
    std::vector<cv::Mat> scans = {load("old-photos/scratched_a.png"),
                                  load("old-photos/scratched_c.png"), load("photos/brick.png"),
                                  load("photos/coffee.png")};
    scans.push_back(pm::bench::paintCrackDamage(load("old-photos/faded_b.png"), 3).image);
    for (size_t i = 0; i < scans.size(); ++i) {
        int previous = -1;
        for (int k = 0; k <= 8; ++k) {
            pm::ops::DamageParams params;
            params.sensitivity = k / 8.0;
            pm::engine::LocalJobContext ctx;
            const int marked = cv::countNonZero(pm::ops::detectDamage(scans[i], params, ctx));
            EXPECT_GE(marked, previous) << "image " << i << " sensitivity " << params.sensitivity;
            previous = marked;
        }
    }
}

TEST(RealScanDamage, FindsBranchingCracksHairlinesAndDustItWasNotTunedOn) {
    PM_REQUIRE_TESTDATA();
    double lines = 0, dust = 0, precision = 0;
    int n = 0;
    uint64_t seed = 21;
    for (const auto& path : pm::test::testdataFiles("old-photos")) {
        if (fs::path(path).filename().string().rfind("faded_", 0) != 0) continue;
        const cv::Mat bgr = pm::image::toBgr8(pm::image::loadPhoto(path).pixels);
        const auto synth = pm::bench::paintCrackDamage(bgr, seed++);
        pm::engine::LocalJobContext ctx;
        const auto s = pm::bench::scoreDamage(pm::ops::detectDamage(synth.image, {}, ctx),
                                              synth.scratches, synth.specks);
        std::cout << "[ damage   ] " << fs::path(path).filename().string() << ": precision "
                  << s.precision << " line recall " << s.scratchRecall << " dust recall "
                  << s.speckRecall << "\n";
        lines += s.scratchRecall;
        dust += s.speckRecall;
        precision += s.precision;
        ++n;
    }
    ASSERT_GT(n, 0);
    EXPECT_GE(lines / n, kMinCrackRecall);
    EXPECT_GE(dust / n, kMinDustRecall);
    EXPECT_GE(precision / n, kMinCrackPrecision);
}

// crack_synth.h's two branching cracks and two hairlines crossing each other over faded_c's basket
// (its damage with the benchmark's seed for that photo): the lines, each accepted on its own, join
// through their crossings into a group far longer than its box, which counted as a network
// (lattice, mortar) and was dropped whole: 0.035 of the lines found. Such a group made mostly of
// accepted lines is a crack pattern (detect_damage.cpp kCrackPatternShare): 0.58 now, and what is
// flagged stays on the damage.
TEST(RealScanDamage, FindsCracksThatBranchAndCrossEachOther) {
    PM_REQUIRE_TESTDATA();
    const auto synth = pm::bench::paintCrackDamage(load("old-photos/faded_c.png"), 13);
    pm::engine::LocalJobContext ctx;
    const auto s = pm::bench::scoreDamage(pm::ops::detectDamage(synth.image, {}, ctx),
                                          synth.scratches, synth.specks);
    std::cout << "[ damage   ] crossing cracks on faded_c: line recall " << s.scratchRecall
              << " precision " << s.precision << "\n";
    EXPECT_GE(s.scratchRecall, 0.5);
    EXPECT_GE(s.precision, 0.9);
}

}  // namespace


namespace {

cv::Mat grey(const cv::Mat& bgr) {
    cv::Mat out;
    cv::cvtColor(bgr, out, cv::COLOR_BGR2GRAY);
    return out;
}

// How much brighter `inside` is than the picture `from`..`to` px away from it, leaving out what
// `avoid` marks (other damage).
double standsOutBy(const cv::Mat& grey, const cv::Mat& inside, int from, int to,
                   const cv::Mat& avoid) {
    cv::Mat inner, outer;
    cv::dilate(inside, inner, cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * from + 1, 2 * from + 1}));
    cv::dilate(inside, outer, cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * to + 1, 2 * to + 1}));
    return cv::mean(grey, inside)[0] - cv::mean(grey, outer & ~inner & ~avoid)[0];
}

cv::Mat scratchesStepOn(const cv::Mat& bgr) {
    pm::ops::RepairParams params;
    params.steps = {pm::ops::RepairStep::Scratches};
    params.fill.engine = pm::ops::FillEngine::Builtin;
    pm::engine::LocalJobContext ctx;
    return pm::ops::repairPhoto(bgr, {}, params, ctx).image;
}

}  // namespace

// What the detector finds of scratched_a's long white crack (and the crack below it, on the
// curtain) must be gone after the fill, not left as a pale ghost. Its core stands 82 levels above
// the curtain 7-12 px away; the fill used to start inside the crack's soft halo (4-8 levels above
// the curtain up to 5 px beyond the core) and carried it back in: 24 levels above after the fill,
// a visible pale streak at 100%. 10 since the hole is grown over the halo (damage_halo.h).
TEST(RealScanDamage, TheFilledLongCrackOfScratchedALeavesNoPaleGhost) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat bgr = load("old-photos/scratched_a.png");
    const auto shapes = pm::bench::loadReferenceShapes(
        std::string(PM_SOURCE_DIR) + "/bench/damage/reference/scratched_a.txt", bgr.size());
    cv::Mat otherDamage;
    cv::dilate(reference("scratched_a", bgr.size()).damage, otherDamage, cv::Mat(), {-1, -1}, 3);
    cv::Mat core = cv::Mat::zeros(bgr.size(), CV_8UC1);
    for (const auto& shape : shapes)
        if (shape.text.rfind("line 5 401 267", 0) == 0 || shape.text.rfind("line 3 460 292", 0) == 0)
            core |= shape.mask;
    cv::erode(core, core, cv::Mat());
    pm::engine::LocalJobContext ctx;
    core &= pm::ops::detectDamage(bgr, {}, ctx);  // only what the detector finds is judged
    ASSERT_GT(cv::countNonZero(core), 250) << "the detector should find most of the crack";

    const double before = standsOutBy(grey(bgr), core, 7, 12, otherDamage);
    const double after = standsOutBy(grey(scratchesStepOn(bgr)), core, 7, 12, otherDamage);
    std::cout << "[ damage   ] crack core above the curtain: " << before << " levels, after the fill "
              << after << "\n";
    EXPECT_GT(before, 60) << "the crack should stand out before the fill";
    EXPECT_LT(after, 15) << "the filled crack stays visible";
}

// White dust on scratched_a's sepia curtain carries the toning (chroma 47-61, above the limit a
// paper-white speck must keep): it was left in place. Two specks drawn in the reference must go:
// 90-100 levels above the curtain before.
TEST(RealScanDamage, WhiteDustOnTheSepiaCurtainOfScratchedAGoes) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat bgr = load("old-photos/scratched_a.png");
    const cv::Mat before = grey(bgr), after = grey(scratchesStepOn(bgr));
    const cv::Mat none = cv::Mat::zeros(bgr.size(), CV_8UC1);
    for (const cv::Point speck : {cv::Point(50, 104), cv::Point(315, 42)}) {
        // The speck's brightest pixel, within 2 px of where it was drawn.
        const cv::Rect near(speck - cv::Point(2, 2), cv::Size(5, 5));
        cv::Point peak;
        cv::minMaxLoc(before(near), nullptr, nullptr, nullptr, &peak);
        cv::Mat dot = cv::Mat::zeros(bgr.size(), CV_8UC1);
        dot.at<uchar>(peak + near.tl()) = 255;
        const double was = standsOutBy(before, dot, 4, 8, none);
        const double is = standsOutBy(after, dot, 4, 8, none);
        std::cout << "[ damage   ] speck at " << speck << ": " << was << " levels above, after "
                  << is << "\n";
        EXPECT_GT(was, 40) << speck << ": the speck should stand out before the fill";
        EXPECT_LT(std::abs(is), 12) << speck << ": the speck stays";
    }
}

// A large scan the detector finds oversampled is filled at the size that holds its detail
// (damage_fill.h fillScale): scratched_a enlarged 3.2x is looked at 0.35x and filled at 0.7x. On
// scratched_a enlarged to 12 MP the fill took 19 s at full size once its broken corners were found,
// 4 s reduced (bench/damage/REAL_SCANS.md). The long crack must still go as at 1x, and scans as
// they are (or merely 2x) are filled at full size.
TEST(RealScanDamage, AnOversampledLargeScanIsFilledAtTheSizeThatHoldsItsDetail) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat scan = load("old-photos/scratched_a.png");
    for (const double scale : {1.0, 2.0}) {
        cv::Mat bgr = scan;
        if (scale != 1.0) cv::resize(scan, bgr, {}, scale, scale, cv::INTER_CUBIC);
        EXPECT_EQ(pm::ops::damage::detailScale(bgr.size(), pm::ops::damage::workingScale(bgr)), 1.0)
            << scale << "x";
    }
    const double enlargement = 3.2;
    cv::Mat bgr;
    cv::resize(scan, bgr, {}, enlargement, enlargement, cv::INTER_CUBIC);
    const double fillScale =
        pm::ops::damage::detailScale(bgr.size(), pm::ops::damage::workingScale(bgr));
    EXPECT_LT(fillScale, 0.75);
    EXPECT_GE(fillScale, 0.5);

    cv::Mat otherDamage;
    cv::dilate(reference("scratched_a", bgr.size()).damage, otherDamage, cv::Mat(), {-1, -1}, 10);
    cv::Mat core = cv::Mat::zeros(bgr.size(), CV_8UC1);
    for (const auto& shape : pm::bench::loadReferenceShapes(
             std::string(PM_SOURCE_DIR) + "/bench/damage/reference/scratched_a.txt", bgr.size()))
        if (shape.text.rfind("line 5 401 267", 0) == 0 || shape.text.rfind("line 3 460 292", 0) == 0)
            core |= shape.mask;
    cv::erode(core, core, cv::Mat(), {-1, -1}, 3);
    pm::engine::LocalJobContext ctx;
    core &= pm::ops::detectDamage(bgr, {}, ctx);
    ASSERT_GT(cv::countNonZero(core), 1000) << "the detector should find most of the crack";
    const int near = static_cast<int>(std::lround(7 * enlargement));
    const int far = static_cast<int>(std::lround(12 * enlargement));
    const double before = standsOutBy(grey(bgr), core, near, far, otherDamage);
    const double after = standsOutBy(grey(scratchesStepOn(bgr)), core, near, far, otherDamage);
    std::cout << "[ damage   ] enlarged 3.2x, filled at " << fillScale
              << ": crack core above the curtain " << before << " levels, after the fill " << after
              << "\n";
    EXPECT_GT(before, 60) << "the crack should stand out before the fill";
    EXPECT_LT(after, 15) << "the filled crack stays visible";
}

// The dust of the old prints, speck by speck: scratched_a's light specks on the dark dress and
// curtain (drawn in its reference) at 0.5x, 1x and 2x, with nearly every speck marked on a drawn
// speck or a don't-care one; scratched_c's brown foxing dots and the blue-grey spot on the backdrop
// at 1x and 2x. Before the old-print rule (detect_specks.h): 1, 8 and 9 of scratched_a's 116
// specks, none of scratched_c's; now 45, 92 and 90, with 39 of 43, 157 of 159 and 156 of 158
// marked on the reference.
TEST(RealScanDamage, FindsTheDustAndFoxingOfTheScratchedScansAtHalfOneAndTwiceTheirSize) {
    PM_REQUIRE_TESTDATA();
    const std::string refDir = std::string(PM_SOURCE_DIR) + "/bench/damage/reference/";
    const cv::Mat dusty = load("old-photos/scratched_a.png");
    for (const double scale : {0.5, 1.0, 2.0}) {
        cv::Mat bgr;
        cv::resize(dusty, bgr, {}, scale, scale, scale < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
        pm::engine::LocalJobContext ctx;
        pm::ops::DamageStages stages;
        const cv::Mat mask = pm::ops::detectDamage(bgr, {}, ctx, nullptr, &stages);
        const auto s = pm::bench::scoreSpecks(mask, stages.specks, refDir + "scratched_a.txt", scale);
        std::cout << "[ damage   ] scratched_a specks at " << scale << "x: " << s.found << " of "
                  << s.drawn << " found, " << s.matched << " of " << s.marked << " marked on one\n";
        ASSERT_GE(s.drawn, 100) << "the reference should hold scratched_a's dust";
        // At half size, looked at enlarged, the dust is under a pixel on the scan and stands out
        // half as far: 44 found before the bars there were lowered (detect_specks.cpp
        // kEnlargedPeakShare), 51 now (48 of 53 marked on one).
        EXPECT_GE(s.recall(), scale < 1 ? 0.42 : 0.7) << scale << "x";
        EXPECT_GE(s.precision(), 0.9) << scale << "x";
    }
    const cv::Mat foxed = load("old-photos/scratched_c.png");
    // At half size (128 px, looked at doubled) the stain on the sleeve and the blue-grey spot stand
    // out 24 levels, under the strong level (25) they must clear at 1x: found with the lower bars.
    const cv::Mat atHalf = damageFoundAt(foxed, 0.5);
    for (const std::string spot : {"circle 2 214 292", "circle 1.5 203 188"})
        EXPECT_GT(shareFound("scratched_c", spot, atHalf), 0.5) << spot << " at 0.5x";
    for (const double scale : {1.0, 2.0}) {
        const cv::Mat mask = damageFoundAt(foxed, scale);
        for (const std::string spot : {"circle 1.5 77 96", "circle 1.5 70 100", "circle 1.5 203 188"})
            EXPECT_GT(shareFound("scratched_c", spot, mask), 0.5) << spot << " at " << scale << "x";
    }
}

// Stains and foxing of scratched_c told by their colour (detect_specks.cpp stainSpeck): the
// brown stain on the sleeve (a soft spot 3-4 px across on the cream paper, beside the sleeve's
// shaded fold) and the brown dot beside the hair at 1x and 2x, and at half size (128 px, looked
// at doubled) the dot and the foxing dot that is still a pixel across. In grey they stand out
// 4.6 (the stain: its ring crosses the fold), 0.7-0.8 (the dot: its ring is the hair) and 7.7
// times their ring's deviation, under the 6 the old-print rule asks or the strong level (the
// foxing dot, 17 levels); in colour 21, 13-15 and 8 spreads of their ring's colour beyond the
// toning. Before:
// none of them found (scratched_c recall 0.858 / 0.947 / 0.922 at 0.5x / 1x / 2x; now 0.947 /
// 1.000 / 0.998 at precision 0.775 / 0.872 / 0.901, up from 0.759 / 0.865 / 0.895).
TEST(RealScanDamage, FindsTheStainsAndFoxingOfScratchedCByTheirColour) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat stained = load("old-photos/scratched_c.png");
    for (const double scale : {1.0, 2.0}) {
        const cv::Mat mask = damageFoundAt(stained, scale);
        for (const std::string spot : {"circle 2 214 292", "circle 1.5 66 149"})
            EXPECT_GT(shareFound("scratched_c", spot, mask), 0.5) << spot << " at " << scale << "x";
    }
    const cv::Mat atHalf = damageFoundAt(stained, 0.5);
    for (const std::string spot : {"circle 1.5 66 149", "circle 1.5 70 100"})
        EXPECT_GT(shareFound("scratched_c", spot, atHalf), 0.3) << spot << " at 0.5x";
}

// A black-and-white copy of scratched_a (most old photos are black and white): no toning tells
// dust from the picture there, and its light dust on the dark dress and curtain was left (0, 7 and
// 6 of the 116 drawn specks found at 0.5x, 1x and 2x). The old-print rule now takes sharp specks
// lying alone on a quiet surface (detect_specks.h): 17, 36 and 37, with 11 of 11, 40 of 41 and 40
// of 42 speck marks on a drawn speck or a don't-care one.
TEST(RealScanDamage, FindsTheDustOfABlackAndWhiteCopyOfScratchedA) {
    PM_REQUIRE_TESTDATA();
    const std::string refDir = std::string(PM_SOURCE_DIR) + "/bench/damage/reference/";
    const cv::Mat dusty = blackAndWhite(load("old-photos/scratched_a.png"));
    for (const double scale : {0.5, 1.0, 2.0}) {
        cv::Mat bgr;
        cv::resize(dusty, bgr, {}, scale, scale, scale < 1 ? cv::INTER_AREA : cv::INTER_CUBIC);
        pm::engine::LocalJobContext ctx;
        pm::ops::DamageStages stages;
        const cv::Mat mask = pm::ops::detectDamage(bgr, {}, ctx, nullptr, &stages);
        const auto s = pm::bench::scoreSpecks(mask, stages.specks, refDir + "scratched_a.txt", scale);
        std::cout << "[ damage   ] grey scratched_a specks at " << scale << "x: " << s.found
                  << " of " << s.drawn << " found, " << s.matched << " of " << s.marked
                  << " marked on one\n";
        EXPECT_GE(s.recall(), scale < 1 ? 0.1 : 0.25) << scale << "x";
        EXPECT_GE(s.precision(), 0.9) << scale << "x";
    }
}

// The same rule must leave the picture's own light points of a black-and-white print alone: on
// faded_b's grey copy, sky between the leaves of the dark foliage is as sharp as dust and stands
// alone in its small ring. Taken on sharpness alone, 0.50% of the copy and 0.97% of the
// half-size copy changed (0.47% and 0.24% before; the goal is 0.5%); they are not alone on a quiet
// surface (edges in the window, the leaves round them): 0.47% and 0.26% (bench figures).
TEST(RealScanDamage, SkyBetweenTheLeavesOfABlackAndWhitePrintStays) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat photo = blackAndWhite(load("old-photos/faded_b.png"));
    for (const double scale : {1.0, 0.5}) {
        const cv::Mat changed = changedByScratchesStep(scale == 1.0 ? photo : halfSize(photo));
        const double share =
            changedShare(changed, scale == 1.0 ? "grey faded_b at 1x" : "grey faded_b at 0.5x");
        EXPECT_LE(share, kGoalChange) << scale << "x";
    }
}

// scratched_a at half size (248 px, looked at doubled) is a smaller scan of the same dusty print:
// its light dust on the dark dress is under a scan pixel there and stands out 14-28 levels, under
// the strong level's floor (25) and the old-print rule's bars for an enlarged scan; and its torn
// left strip, a pixel wide at 1x in rows 216-260, is half a pixel, averaged with the dark scanner
// background (110-142 against a paper tone of 160). Found since dust paler than its ring and
// sharp at the scan's pixel pitch is judged on lower bars (detect_specks.cpp kPaleDustPeakShare)
// and a found strip continues along the border through such blends (torn_edges.h
// continueThinStrips). Before: 51 of 116 drawn specks (48 of 53 marked on one), 0.15 of the
// strip in those rows; now 64 (64 of 71) and 0.85.
TEST(RealScanDamage, FindsTheSubPixelDustAndTornStripOfAHalfSizeScratchedA) {
    PM_REQUIRE_TESTDATA();
    const std::string refPath = std::string(PM_SOURCE_DIR) + "/bench/damage/reference/scratched_a.txt";
    const cv::Mat bgr = halfSize(load("old-photos/scratched_a.png"));
    pm::engine::LocalJobContext ctx;
    pm::ops::DamageStages stages;
    const cv::Mat mask = pm::ops::detectDamage(bgr, {}, ctx, nullptr, &stages);
    const auto specks = pm::bench::scoreSpecks(mask, stages.specks, refPath, 0.5);
    std::cout << "[ damage   ] half-size scratched_a specks: " << specks.found << " of "
              << specks.drawn << " found, " << specks.matched << " of " << specks.marked
              << " marked on one\n";
    EXPECT_GE(specks.found, 60);
    EXPECT_GE(specks.precision(), 0.9);
    // The strip where it is under a pixel wide: rows 108-130 at half size (1 px tolerance, as
    // the bench's at half size).
    const cv::Rect narrow(0, 108, bgr.cols, 23);
    cv::Mat near;
    cv::dilate(mask, near, cv::getStructuringElement(cv::MORPH_ELLIPSE, {3, 3}));
    for (const auto& shape : pm::bench::loadReferenceShapes(refPath, bgr.size())) {
        if (shape.text.rfind("poly 0 50 ", 0) != 0) continue;
        const cv::Mat strip = shape.mask(narrow);
        const double found =
            static_cast<double>(cv::countNonZero(strip & near(narrow))) / cv::countNonZero(strip);
        std::cout << "[ damage   ] half-size torn strip where it narrows: " << found << " found\n";
        EXPECT_GE(found, 0.7);
        return;
    }
    FAIL() << "the reference should hold the left torn edge";
}
