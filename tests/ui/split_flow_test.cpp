// Splitting scans from wherever they come (File > Split Scanned Photos from File…, a drop, the open
// tab): several photos on a bed open as new tabs after review; an ordinary photo is never cut up,
// the user is told that no separate photos were found.
#include <gtest/gtest.h>
#include <QDropEvent>
#include <QMimeData>
#include <QSignalSpy>
#include <QTabWidget>
#include <QUrl>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "tests/support/testdata.h"
#include "ui/document.h"
#include "ui/main_window.h"
#include "ui/split_scan_flow.h"
#include "tests/support/engine_options.h"

namespace {

cv::Mat texture(int w, int h, int seed) {
    cv::Mat pixels(h, w, CV_8UC3);
    cv::RNG rng(seed);
    rng.fill(pixels, cv::RNG::UNIFORM, 30, 220);
    cv::GaussianBlur(pixels, pixels, {0, 0}, 2);
    return pixels;
}

/// Two photos, 300 x 220 and 320 x 240, on a plain off-white bed.
std::string writeScan(const pm::test::TempDir& dir) {
    cv::Mat scan(900, 1200, CV_8UC3, cv::Scalar(236, 240, 242));
    texture(300, 220, 1).copyTo(scan(cv::Rect(100, 120, 300, 220)));
    texture(320, 240, 2).copyTo(scan(cv::Rect(650, 420, 320, 240)));
    const std::string path = dir.file("scan.png");
    cv::imwrite(path, scan);
    return path;
}

/// Waits until the flow has looked at `count` scans.
bool waitSearched(QSignalSpy& spy, int count) {
    while (spy.size() < count)
        if (!spy.wait(60000)) return false;
    return true;
}

void drop(pm::ui::MainWindow& window, const QString& path) {
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    // Qt delivers a drop only after an accepted drag enter.
    QDragEnterEvent enter(QPoint(100, 100), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&window, &enter);
    QDropEvent event(QPointF(100, 100), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&window, &event);
}

TEST(SplitScanFlow, AScanFileSplitsWithoutOpeningTheScan) {
    pm::test::TempDir dir;
    pm::ui::MainWindow window(pm::test::cpuWithoutModels(dir));
    int reviewed = 0;
    window.splitFlow()->setReview([&](const cv::Mat& scan, std::vector<cv::RotatedRect> boxes) {
        ++reviewed;
        EXPECT_EQ(scan.size(), cv::Size(1200, 900));
        return boxes;
    });
    QSignalSpy searched(window.splitFlow(), &pm::ui::SplitScanFlow::searched);
    window.splitFlow()->splitFiles({QString::fromStdString(writeScan(dir))});
    ASSERT_TRUE(waitSearched(searched, 1));
    EXPECT_EQ(searched.front().at(1).toInt(), 2);
    EXPECT_EQ(reviewed, 1);
    ASSERT_EQ(window.documentCount(), 2) << "the two photos, not the scan";
    QStringList names;
    for (int i = 0; i < window.documentCount(); ++i) {
        window.tabs()->setCurrentIndex(i);
        names << window.currentDocument()->displayName();
        EXPECT_TRUE(window.currentDocument()->isUntitled());
    }
    EXPECT_EQ(names, (QStringList{"scan-1.png", "scan-2.png"}));
    EXPECT_NEAR(window.currentDocument()->size().width(), 320, 4);
    EXPECT_NEAR(window.currentDocument()->size().height(), 240, 4);
}

TEST(SplitScanFlow, AnOrdinaryPhotoSaysNoSeparatePhotosWereFound) {
    const std::string root = pm::test::testdataDir();
    if (root.empty()) GTEST_SKIP() << "../shared/testdata is absent";
    pm::test::TempDir dir;
    pm::ui::MainWindow window(pm::test::cpuWithoutModels(dir));
    int reviewed = 0;
    window.splitFlow()->setReview([&](const cv::Mat&, std::vector<cv::RotatedRect> boxes) {
        ++reviewed;
        return boxes;
    });
    QSignalSpy searched(window.splitFlow(), &pm::ui::SplitScanFlow::searched);
    QSignalSpy told(window.splitFlow(), &pm::ui::SplitScanFlow::told);
    // The cat and the portrait once got made-up "Photo 1" boxes.
    window.splitFlow()->splitFiles({QString::fromStdString(root + "/photos/chelsea.png"),
                                    QString::fromStdString(root + "/photos/astronaut.png")});
    ASSERT_TRUE(waitSearched(searched, 2));
    EXPECT_EQ(searched.at(0).at(1).toInt(), 0);
    EXPECT_EQ(searched.at(1).at(1).toInt(), 0);
    EXPECT_EQ(reviewed, 0) << "no box to review";
    EXPECT_EQ(window.documentCount(), 0);
    ASSERT_EQ(told.size(), 2);
    EXPECT_TRUE(told.front().front().toString().startsWith(
        "This looks like a single photo: no separate photos were found on a scanner background"))
        << told.front().front().toString().toStdString();
}

TEST(SplitScanFlow, AnUnreadableScanIsAClearError) {
    pm::test::TempDir dir;
    pm::ui::MainWindow window(pm::test::cpuWithoutModels(dir));
    QSignalSpy told(window.splitFlow(), &pm::ui::SplitScanFlow::told);
    window.splitFlow()->splitFiles({QString::fromStdString(dir.file("missing.png"))});
    ASSERT_TRUE(told.wait(60000));
    EXPECT_TRUE(told.front().front().toString().contains("does not exist"))
        << told.front().front().toString().toStdString();
}

TEST(SplitScanFlow, ADroppedScanOfSeveralPhotosIsOfferedForSplitting) {
    pm::test::TempDir dir;
    pm::ui::MainWindow window(pm::test::cpuWithoutModels(dir));
    QStringList asked;
    window.splitFlow()->setAsk([&](const QString& name, int count) {
        asked << QStringLiteral("%1:%2").arg(name).arg(count);
        return true;
    });
    window.splitFlow()->setReview(
        [](const cv::Mat&, std::vector<cv::RotatedRect> boxes) { return boxes; });
    QSignalSpy searched(window.splitFlow(), &pm::ui::SplitScanFlow::searched);
    drop(window, QString::fromStdString(writeScan(dir)));
    ASSERT_EQ(window.documentCount(), 1) << "the drop opens the scan at once";
    ASSERT_TRUE(waitSearched(searched, 1));
    EXPECT_EQ(asked, QStringList{"scan.png:2"});
    EXPECT_EQ(window.documentCount(), 3) << "the scan and its two photos";
}

TEST(SplitScanFlow, ADroppedOrdinaryPhotoIsJustOpened) {
    pm::test::TempDir dir;
    pm::ui::MainWindow window(pm::test::cpuWithoutModels(dir));
    int asked = 0;
    window.splitFlow()->setAsk([&](const QString&, int) { return ++asked, true; });
    QSignalSpy searched(window.splitFlow(), &pm::ui::SplitScanFlow::searched);
    QSignalSpy told(window.splitFlow(), &pm::ui::SplitScanFlow::told);
    const std::string path = dir.file("photo.png");
    cv::imwrite(path, texture(640, 480, 3));
    drop(window, QString::fromStdString(path));
    ASSERT_TRUE(waitSearched(searched, 1));
    EXPECT_EQ(asked, 0);
    EXPECT_EQ(told.size(), 0) << "a drop that is no scan says nothing";
    EXPECT_EQ(window.documentCount(), 1);
}

}  // namespace
