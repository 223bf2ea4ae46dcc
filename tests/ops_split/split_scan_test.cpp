#include "core/ops/split/split_scan.h"

#include <cmath>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "tests/ops_split/synthetic_scan.h"
#include "tests/support/testdata.h"

namespace {

using pm::ops::DetectedPhoto;
using pm::test::PastedPhoto;

const cv::Scalar kBed(228, 236, 240);  // a slightly warm off-white, as scanner lids are

double psnr(const cv::Mat& a, const cv::Mat& b) {
    const double mse = cv::norm(a, b, cv::NORM_L2SQR) / double(a.total() * a.channels());
    return 10.0 * std::log10(255.0 * 255.0 / std::max(mse, 1e-10));
}

/// The detected photo closest to truth, or nullptr.
const DetectedPhoto* match(const std::vector<DetectedPhoto>& found, const cv::RotatedRect& truth) {
    const DetectedPhoto* best = nullptr;
    double bestD = 1e9;
    for (const auto& f : found) {
        const double d = cv::norm(f.box.center - truth.center);
        if (d < bestD) bestD = d, best = &f;
    }
    return best;
}

void expectFound(const std::vector<DetectedPhoto>& found, const PastedPhoto& p,
                 const std::string& what) {
    const DetectedPhoto* f = match(found, p.truth);
    ASSERT_NE(f, nullptr) << what;
    const double angleErr = pm::test::angleError(f->angleDegrees, p.truth.angle);
    const double iou = pm::test::rotatedIoU(f->box, p.truth);
    std::cout << "  " << what << ": true angle " << p.truth.angle << ", found " << f->angleDegrees
              << " (error " << angleErr << " deg), IoU " << iou << ", size " << f->box.size
              << " vs " << p.truth.size << ", confidence " << f->confidence << "\n";
    EXPECT_GT(f->angleDegrees, -45.0) << what;
    EXPECT_LE(f->angleDegrees, 45.0) << what;
    EXPECT_LT(angleErr, 0.5) << what;
    EXPECT_GT(iou, 0.95) << what;
}

/// Six photos: rotated by -7, 3.5, 0, 12, 2 and 1 degrees; one flush with the left border, one
/// with a corner on the right border, two a few pixels apart with their shadows between them.
struct BedScan {
    cv::Mat scan;
    std::vector<PastedPhoto> photos;
};

BedScan makeSixPhotoScan() {
    BedScan s;
    s.scan = pm::test::makeBed(cv::Size(2600, 1900), kBed, 3.0, 7);
    auto src = pm::test::samplePhotos(6);
    auto fit = [](const cv::Mat& m, int longSide) {
        cv::Mat out;
        const double f = double(longSide) / std::max(m.cols, m.rows);
        cv::resize(m, out, cv::Size(), f, f, cv::INTER_AREA);
        return out;
    };
    s.photos.push_back(pm::test::pastePhoto(s.scan, fit(src[0], 600), {420, 360}, -7.0));
    s.photos.push_back(pm::test::pastePhoto(s.scan, fit(src[1], 560), {1130, 330}, 3.5));
    // Flush with the left edge of the scan.
    cv::Mat c = fit(src[2], 520);
    s.photos.push_back(pm::test::pastePhoto(s.scan, c, {c.cols / 2.f - 0.5f, 1050}, 0.0));
    s.photos.push_back(pm::test::pastePhoto(s.scan, fit(src[3], 620), {1050, 1450}, 12.0));
    // Right next to the second one: the gap is 13 to 23 px wide and filled by its shadow.
    cv::Mat e = fit(src[4], 560);
    s.photos.push_back(
        pm::test::pastePhoto(s.scan, e, {1130.f + 280 + 18 + e.cols / 2.f, 345}, 2.0));
    // A corner touching the right border.
    cv::Mat g = fit(src[5], 600);
    const float half =
        0.5f * (g.cols * std::cos(1.0f * CV_PI / 180) + g.rows * std::sin(1.0f * CV_PI / 180));
    s.photos.push_back(pm::test::pastePhoto(s.scan, g, {2600 - half - 0.5f, 1000}, 1.0));
    return s;
}

TEST(SplitScan, FindsEveryPhotoWithItsAngleAndEdges) {
    const BedScan s = makeSixPhotoScan();
    cv::imwrite(testing::TempDir() + "/six_photo_scan.png", s.scan);
    pm::engine::LocalJobContext ctx;
    const auto found = pm::ops::detectPhotos(s.scan, {}, ctx);
    for (const auto& f : found)
        std::cout << "  found " << f.box.center << " " << f.box.size << " " << f.angleDegrees
                  << "\n";
    ASSERT_EQ(found.size(), s.photos.size());
    for (size_t i = 0; i < s.photos.size(); ++i)
        expectFound(found, s.photos[i], "photo " + std::to_string(i));
}

TEST(SplitScan, OrdersPhotosInRowsTopToBottomLeftToRight) {
    const BedScan s = makeSixPhotoScan();
    pm::engine::LocalJobContext ctx;
    const auto found = pm::ops::detectPhotos(s.scan, {}, ctx);
    ASSERT_EQ(found.size(), 6u);
    // Rows: {0, 1, 4} at the top, {2, 5} in the middle, {3} at the bottom.
    const int expected[] = {0, 1, 4, 2, 5, 3};
    for (int i = 0; i < 6; ++i)
        EXPECT_LT(cv::norm(found[i].box.center - s.photos[expected[i]].truth.center), 10.0)
            << "position " << i;
}

TEST(SplitScan, ExtractedPhotoMatchesTheOriginal) {
    const BedScan s = makeSixPhotoScan();
    pm::engine::LocalJobContext ctx;
    const auto found = pm::ops::detectPhotos(s.scan, {}, ctx);
    for (int which : {0, 3}) {  // -7 and 12 degrees
        const PastedPhoto& p = s.photos[which];
        const DetectedPhoto* f = match(found, p.truth);
        ASSERT_NE(f, nullptr);
        cv::Mat out = pm::ops::extractPhoto(s.scan, f->box);
        EXPECT_NEAR(out.cols, p.pixels.cols, 2);
        EXPECT_NEAR(out.rows, p.pixels.rows, 2);
        cv::resize(out, out, p.pixels.size(), 0, 0, cv::INTER_LINEAR);
        const cv::Rect interior(p.pixels.cols / 20, p.pixels.rows / 20, p.pixels.cols * 9 / 10,
                                p.pixels.rows * 9 / 10);
        const double db = psnr(out(interior), p.pixels(interior));
        std::cout << "  extracted photo " << which << ": PSNR " << db << " dB\n";
        EXPECT_GT(db, 25.0);
    }
}

TEST(SplitScan, ExtractKeepsDepthAndChannels) {
    cv::Mat scan16(300, 400, CV_16UC4, cv::Scalar(1000, 2000, 3000, 65535));
    const cv::Mat out = pm::ops::extractPhoto(scan16, cv::RotatedRect({200, 150}, {100, 60}, 10));
    EXPECT_EQ(out.type(), CV_16UC4);
    EXPECT_EQ(out.size(), cv::Size(100, 60));
    EXPECT_EQ(out.at<cv::Vec4w>(30, 50), cv::Vec4w(1000, 2000, 3000, 65535));
}

TEST(SplitScan, SinglePhotoIsStraightenedAndCropped) {
    cv::Mat scan = pm::test::makeBed(cv::Size(1700, 1300), kBed, 2.5, 3);
    const auto p = pm::test::pastePhoto(scan, pm::test::samplePhotos(1)[0], {860, 640}, 5.0);
    pm::engine::LocalJobContext ctx;
    const auto found = pm::ops::detectPhotos(scan, {}, ctx);
    ASSERT_EQ(found.size(), 1u);
    expectFound(found, p, "single photo");
}

TEST(SplitScan, WorksOnSixteenBitGrayScans) {
    cv::Mat scan = pm::test::makeBed(cv::Size(1500, 1100), kBed, 2.5, 5);
    const auto p =
        pm::test::pastePhoto(scan, pm::test::syntheticPhoto({500, 380}, 4), {700, 560}, -4.0);
    cv::Mat gray16;
    cv::cvtColor(scan, gray16, cv::COLOR_BGR2GRAY);
    gray16.convertTo(gray16, CV_16U, 257.0);
    pm::engine::LocalJobContext ctx;
    const auto found = pm::ops::detectPhotos(gray16, {}, ctx);
    ASSERT_EQ(found.size(), 1u);
    expectFound(found, p, "16-bit gray");
}

TEST(SplitScan, LightPhotoOnWhiteBed) {
    cv::Mat scan = pm::test::makeBed(cv::Size(1600, 1200), cv::Scalar(246, 247, 248), 2.0, 9);
    // A washed-out photo: its brightest areas are as light as the bed itself.
    cv::Mat light;
    pm::test::samplePhotos(2)[1].convertTo(light, CV_8UC3, 0.35, 165);
    const auto p = pm::test::pastePhoto(scan, light, {780, 620}, 2.5);
    pm::engine::LocalJobContext ctx;
    const auto found = pm::ops::detectPhotos(scan, {}, ctx);
    ASSERT_EQ(found.size(), 1u);
    expectFound(found, p, "light photo");
}

TEST(SplitScan, EmptyBedHasNoPhotos) {
    pm::engine::LocalJobContext ctx;
    EXPECT_TRUE(
        pm::ops::detectPhotos(pm::test::makeBed({1200, 900}, kBed, 3.0, 1), {}, ctx).empty());
    EXPECT_TRUE(
        pm::ops::detectPhotos(cv::Mat(600, 800, CV_8UC3, cv::Scalar::all(255)), {}, ctx).empty());
    EXPECT_TRUE(pm::ops::detectPhotos(cv::Mat(), {}, ctx).empty());
}

/// An ordinary photo fills its frame: there is no scanner bed around it, so there is nothing to
/// split. Proposing a box there (a hat, a flower) would invite the user to crop their photo.
TEST(SplitScan, OrdinaryPhotosAreNotSplit) {
    std::vector<std::string> files = pm::test::testdataFiles("photos");
    for (const auto& f : pm::test::testdataFiles("old-photos")) files.push_back(f);
    if (files.empty()) GTEST_SKIP() << "../shared/testdata is absent";
    pm::engine::LocalJobContext ctx;
    for (const auto& file : files) {
        const cv::Mat photo = cv::imread(file, cv::IMREAD_UNCHANGED);
        ASSERT_FALSE(photo.empty()) << file;
        const auto found = pm::ops::detectPhotos(photo, {}, ctx);
        for (const auto& f : found)
            std::cout << "  " << file << ": proposed " << f.box.center << " " << f.box.size
                      << " confidence " << f.confidence << "\n";
        EXPECT_TRUE(found.empty()) << file << " is one photo, not a scan of several";
    }
}

/// Closer to a real flatbed scan than the synthetic bed: real photos, slightly rotated, on a
/// light bed with grain, a lamp gradient across it and a soft shadow under each photo.
TEST(SplitScan, RealPhotosOnANoisyShadedBed) {
    const auto files = pm::test::testdataFiles("photos");
    if (files.size() < 3) GTEST_SKIP() << "../shared/testdata/photos is absent";
    cv::Mat scan = pm::test::makeBed(cv::Size(2400, 1700), cv::Scalar(222, 230, 236), 4.0, 21);
    // A stronger lamp fall-off than makeBed's: 12% darker on the right.
    for (int x = 0; x < scan.cols; ++x)
        scan.col(x).convertTo(scan.col(x), CV_8UC3, 1.0 - 0.12 * double(x) / scan.cols);
    const char* names[] = {"astronaut.png", "coffee.png", "kodim03.png"};
    const cv::Point2f centres[] = {{560, 520}, {1650, 560}, {1150, 1250}};
    const double angles[] = {-3.0, 4.5, 1.5};
    std::vector<PastedPhoto> truth;
    for (int i = 0; i < 3; ++i) {
        cv::Mat photo = cv::imread(pm::test::testdataDir() + "/photos/" + names[i], cv::IMREAD_COLOR);
        if (photo.empty()) GTEST_SKIP() << names[i] << " is absent";
        const double f = 700.0 / std::max(photo.cols, photo.rows);
        cv::resize(photo, photo, cv::Size(), f, f, cv::INTER_AREA);
        truth.push_back(pm::test::pastePhoto(scan, photo, centres[i], angles[i]));
    }
    cv::imwrite(testing::TempDir() + "/real_photo_scan.png", scan);
    pm::engine::LocalJobContext ctx;
    const auto found = pm::ops::detectPhotos(scan, {}, ctx);
    ASSERT_EQ(found.size(), truth.size());
    for (size_t i = 0; i < truth.size(); ++i) expectFound(found, truth[i], names[i]);
}

TEST(SplitScan, CancelledJobThrows) {
    pm::engine::LocalJobContext ctx;
    ctx.cancel = true;
    EXPECT_THROW(pm::ops::detectPhotos(makeSixPhotoScan().scan, {}, ctx), pm::Cancelled);
}

}  // namespace
