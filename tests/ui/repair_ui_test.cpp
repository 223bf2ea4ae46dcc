// The Repair old photo flow in the window: split a scan into new photos, batch-repair a folder, and
// the one-click chain with each step separately undoable.
#include <QListWidget>
#include <QSlider>
#include <fstream>
#include <iterator>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>
#include <QUndoStack>
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "tests/support/testdata.h"
#include "ui/apply_controller.h"
#include "ui/batch_dialog.h"
#include "ui/canvas_widget.h"
#include "ui/document.h"
#include "ui/engine_bridge.h"
#include "ui/main_window.h"
#include "ui/mode_panel.h"
#include "ui/repair_options.h"
#include "ui/split_scan_dialog.h"
#include "tests/support/engine_options.h"

namespace {

cv::Mat texture(int w, int h, int seed) {
    cv::Mat pixels(h, w, CV_8UC3);
    cv::RNG rng(seed);
    rng.fill(pixels, cv::RNG::UNIFORM, 30, 220);
    cv::GaussianBlur(pixels, pixels, {0, 0}, 2);
    return pixels;
}

TEST(SplitScanDialog, RejectedBoxesAreLeftOutAndAdjustedOnesAreKept) {
    const cv::Mat scan(600, 800, CV_8UC3, cv::Scalar(245, 245, 245));
    const std::vector<cv::RotatedRect> boxes{{{200, 150}, {200, 150}, 5}, {{600, 400}, {220, 180}, -3}};
    pm::ui::SplitScanDialog dialog(scan, boxes);
    ASSERT_EQ(dialog.list()->count(), 2);
    EXPECT_EQ(dialog.acceptedBoxes().size(), 2u);
    dialog.list()->item(0)->setCheckState(Qt::Unchecked);
    const cv::RotatedRect adjusted({610, 405}, {230, 180}, -2);
    dialog.setBox(1, adjusted);
    const auto kept = dialog.acceptedBoxes();
    ASSERT_EQ(kept.size(), 1u);
    EXPECT_FLOAT_EQ(kept[0].center.x, 610);
    EXPECT_FLOAT_EQ(kept[0].angle, -2);
    // The preview draws the boxes over the scan: the kept box's outline is blue.
    const QImage& preview = dialog.preview();
    bool blue = false;
    for (int x = 0; x < preview.width() && !blue; ++x)
        for (int y = 0; y < preview.height() && !blue; ++y) {
            const QColor c = preview.pixelColor(x, y);
            blue = c.blue() > 200 && c.red() < 80;
        }
    EXPECT_TRUE(blue);
}

TEST(MainWindowRepair, SplitPhotosOpenAsUntitledTabsThatAskBeforeClosing) {
    pm::test::TempDir dir;
    pm::ui::MainWindow window(pm::test::cpuWithoutModels(dir));
    const std::string scanPath = dir.file("scan.png");
    cv::Mat scan(600, 800, CV_8UC3, cv::Scalar(245, 245, 245));
    texture(200, 150, 1).copyTo(scan(cv::Rect(100, 75, 200, 150)));
    cv::imwrite(scanPath, scan);
    window.openFiles({QString::fromStdString(scanPath)});
    ASSERT_EQ(window.documentCount(), 1);
    window.openSplitPhotos(window.currentDocument(), scan, {cv::RotatedRect({200, 150}, {200, 150}, 0)});
    ASSERT_EQ(window.documentCount(), 2);
    pm::ui::Document* photo = window.currentDocument();
    EXPECT_EQ(photo->size(), QSize(200, 150));
    EXPECT_TRUE(photo->isUntitled());
    EXPECT_TRUE(photo->isModified()) << "an unsaved new photo must not be dropped silently";
    EXPECT_EQ(photo->displayName(), "scan-1.png");
    int asked = 0;
    window.setSavePrompt([&](pm::ui::Document*) { ++asked; return QMessageBox::Discard; });
    EXPECT_TRUE(window.close());
    EXPECT_EQ(asked, 1) << "only the unsaved split photo asks";
}

TEST(MainWindowRepair, RepairChainMakesEachStepItsOwnUndoStep) {
    pm::test::TempDir dir;
    pm::ui::MainWindow window(pm::test::cpuWithoutModels(dir));
    const std::string path = dir.file("old.png");
    // A faded, colour-cast photo with a bright scratch.
    cv::Mat photo = texture(320, 240, 2);
    photo.convertTo(photo, -1, 0.5, 60);
    std::vector<cv::Mat> planes;
    cv::split(photo, planes);
    planes[0] *= 0.8;
    cv::merge(planes, photo);
    cv::line(photo, {20, 30}, {300, 200}, cv::Scalar(250, 250, 250), 3);
    cv::imwrite(path, photo);
    window.openFiles({QString::fromStdString(path)});
    pm::ui::Document* doc = window.currentDocument();
    ASSERT_NE(doc, nullptr);
    const cv::Mat before = doc->image().clone();

    window.modePanel()->setCurrentMode(pm::ui::Mode::RepairOldPhoto);
    pm::ui::RepairOptions* options = window.modePanel()->repairOptions();
    options->setStepEnabled(pm::ops::RepairStep::Faces, false);
    QSignalSpy applied(window.applyController(), &pm::ui::ApplyController::applied);
    window.applyCurrentMode();
    ASSERT_TRUE(applied.wait(120000));
    const int steps = doc->undoStack()->count();
    EXPECT_GE(steps, 2) << "colour and grain at least, each its own step";
    for (int i = 0; i < steps; ++i) EXPECT_FALSE(doc->undoStack()->text(i).isEmpty());
    EXPECT_GT(cv::norm(doc->image(), before, cv::NORM_L1), 0);
    doc->undo();
    EXPECT_EQ(doc->undoStack()->index(), steps - 1) << "one undo takes back one step only";
    while (doc->canUndo()) doc->undo();
    EXPECT_EQ(cv::norm(doc->image(), before, cv::NORM_INF), 0);
}

TEST(BatchDialog, RepairsAFolderSkipsBadFilesAndNeverTouchesTheInputs) {
    pm::test::TempDir dir;
    pm::ui::EngineBridge bridge(pm::test::cpuWithoutModels(dir));
    const std::string in = dir.file("in"), out = dir.file("out");
    std::filesystem::create_directories(in);
    for (int i = 0; i < 3; ++i) cv::imwrite(in + "/p" + std::to_string(i) + ".jpg", texture(160, 120, 10 + i));
    { std::FILE* f = std::fopen((in + "/broken.png").c_str(), "wb"); std::fputs("not a png", f); std::fclose(f); }
    const auto bytesOf = [](const std::string& p) {
        std::ifstream f(p, std::ios::binary);
        return std::string(std::istreambuf_iterator<char>(f), {});
    };
    const std::string before = bytesOf(in + "/p0.jpg");

    pm::ui::BatchDialog dialog(&bridge);
    dialog.addFiles({QString::fromStdString(in)});
    ASSERT_EQ(dialog.files().size(), 4);
    dialog.setOutputFolder(QString::fromStdString(in));
    EXPECT_FALSE(dialog.start()) << "the inputs' own folder is refused";
    dialog.setOutputFolder(QString::fromStdString(out));
    dialog.options()->setStepEnabled(pm::ops::RepairStep::Faces, false);
    QSignalSpy finished(&dialog, &pm::ui::BatchDialog::finished);
    ASSERT_TRUE(dialog.start());
    ASSERT_TRUE(finished.wait(120000));
    EXPECT_EQ(dialog.succeeded(), 3);
    ASSERT_EQ(dialog.failures().size(), 1);
    EXPECT_TRUE(dialog.failures().front().endsWith("broken.png"));
    for (int i = 0; i < 3; ++i)
        EXPECT_TRUE(std::filesystem::exists(out + "/p" + std::to_string(i) + ".jpg"));
    EXPECT_EQ(bytesOf(in + "/p0.jpg"), before) << "inputs are never overwritten";
}

}  // namespace

namespace {

TEST(MainWindowRepair, DetectedDamageBecomesAnEditableUndoableMask) {
    pm::test::TempDir dir;
    pm::ui::MainWindow window(pm::test::cpuWithoutModels(dir));
    const std::string path = dir.file("scratched.png");
    cv::Mat photo = texture(400, 300, 5);
    // A curved crack, as on a folded print (long ruler-straight lines are scene edges, not damage).
    cv::ellipse(photo, {200, 420}, {260, 300}, 0, 225, 315, cv::Scalar(250, 250, 250), 3);
    cv::imwrite(path, photo);
    window.openFiles({QString::fromStdString(path)});
    pm::ui::Document* doc = window.currentDocument();
    QSignalSpy applied(window.applyController(), &pm::ui::ApplyController::applied);
    window.detectDamage();
    ASSERT_TRUE(applied.wait(60000));
    ASSERT_TRUE(doc->hasMask());
    // The crack's top is marked, a far corner is not.
    EXPECT_EQ(doc->mask().at<uchar>(120, 200), 255);
    EXPECT_EQ(doc->mask().at<uchar>(280, 20), 0);
    EXPECT_FALSE(doc->isModified()) << "detection changes the mask, not the pixels";
    doc->undo();
    EXPECT_FALSE(doc->hasMask());
}

TEST(MainWindowRepair, MovingAToneSliderShowsALivePreviewThatApplyEnds) {
    pm::test::TempDir dir;
    pm::ui::MainWindow window(pm::test::cpuWithoutModels(dir));
    const std::string path = dir.file("faded.png");
    cv::Mat photo = texture(320, 240, 6);
    photo.convertTo(photo, -1, 0.4, 90);
    cv::imwrite(path, photo);
    window.openFiles({QString::fromStdString(path)});
    window.modePanel()->setCurrentMode(pm::ui::Mode::RepairOldPhoto);
    auto* options = window.modePanel()->repairOptions();
    auto* slider = options->findChildren<QSlider*>().at(1);  // colour strength
    slider->setValue(slider->value() == 100 ? 90 : 100);
    QTRY_VERIFY_WITH_TIMEOUT(window.currentCanvas()->hasPreview(), 30000);
    const QImage shown = window.currentCanvas()->grab().toImage();
    window.modePanel()->setCurrentMode(pm::ui::Mode::RemoveObject);
    EXPECT_FALSE(window.currentCanvas()->hasPreview()) << "leaving the mode ends the preview";
    EXPECT_NE(window.currentCanvas()->grab().toImage(), shown) << "the preview looked different";
}

}  // namespace
