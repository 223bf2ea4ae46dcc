#include <QDropEvent>
#include <QListWidget>
#include <QMenu>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>
#include <QUrl>
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "tests/support/testdata.h"
#include "ui/apply_controller.h"
#include "ui/canvas_widget.h"
#include "ui/document.h"
#include "ui/main_window.h"
#include "ui/mode_panel.h"
#include "ui/recent_files.h"
#include "ui/remove_options.h"
#include "ui/repair_options.h"
#include "tests/support/engine_options.h"
#include "tests/ui/window_test_support.h"

using pm::ui::MainWindow;

namespace {

struct WindowFixture : ::testing::Test {
    pm::test::TempDir dir;
    MainWindow window{pm::test::cpuWithoutModels(dir)};
    void SetUp() override {
        window.show();
        QApplication::setActiveWindow(&window);
        ASSERT_TRUE(QTest::qWaitForWindowActive(&window)) << "shortcuts need an active window";
    }
};

TEST_F(WindowFixture, DroppingSeveralFilesOpensEachInATab) {
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(pm::test::writeTestPhoto(dir, "a.png", 1)),
                  QUrl::fromLocalFile(pm::test::writeTestPhoto(dir, "b.jpg", 2))});
    const QPoint centre = window.rect().center();
    QDragEnterEvent enter(centre, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &enter);
    EXPECT_TRUE(enter.isAccepted()) << "a drag of local files is accepted";
    QDropEvent drop(centre, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &drop);
    ASSERT_EQ(window.documentCount(), 2);
    EXPECT_EQ(window.tabs()->tabText(0), "a.png");
    EXPECT_EQ(window.tabs()->tabText(1), "b.jpg");
    EXPECT_EQ(window.currentDocument()->displayName(), "b.jpg") << "the last dropped is shown";
}

TEST_F(WindowFixture, DraggingTextIsIgnored) {
    QMimeData mime;
    mime.setText("not a file");
    QDragEnterEvent enter(window.rect().center(), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    enter.setAccepted(false);
    QApplication::sendEvent(&window, &enter);
    EXPECT_FALSE(enter.isAccepted());
}

TEST_F(WindowFixture, UnreadableFilesGiveOneMessageAndTheOthersStillOpen) {
    const std::string bad = dir.file("broken.png");
    FILE* f = std::fopen(bad.c_str(), "wb");
    std::fputs("\x89PNG garbage", f);
    std::fclose(f);
    QSignalSpy errors(&window, &MainWindow::errorShown);
    window.openFiles({QString::fromStdString(bad), pm::test::writeTestPhoto(dir, "ok.png", 3),
                      QString::fromStdString(dir.file("missing.jpg"))});
    EXPECT_EQ(window.documentCount(), 1);
    ASSERT_EQ(errors.count(), 1);
    const QString message = errors.front().front().toString();
    EXPECT_TRUE(message.contains("broken.png")) << message.toStdString();
    EXPECT_TRUE(message.contains("missing.jpg")) << message.toStdString();
}

TEST_F(WindowFixture, BracketKeysResizeTheBrushOfEveryCanvas) {
    window.openFiles({pm::test::writeTestPhoto(dir, "a.png", 1)});
    const double size = window.brushSize();
    QTest::keyClick(&window, Qt::Key_BracketRight);
    EXPECT_NEAR(window.brushSize(), size * 1.2, 1e-9);
    EXPECT_NEAR(window.currentCanvas()->brushSize(), size * 1.2, 1e-9);
    QTest::keyClick(&window, Qt::Key_BracketLeft);
    QTest::keyClick(&window, Qt::Key_BracketLeft);
    EXPECT_NEAR(window.brushSize(), size / 1.2, 1e-9);
}

TEST_F(WindowFixture, OpenedPhotosGoToOpenRecentNewestFirst) {
    pm::ui::RecentFiles recent;
    recent.clear();
    const QString a = pm::test::writeTestPhoto(dir, "a.png", 1);
    const QString b = pm::test::writeTestPhoto(dir, "b.png", 2);
    window.openFiles({a, b});
    window.openFiles({a});  // opened again: moves to the top, not listed twice
    const QStringList files = recent.files();
    ASSERT_GE(files.size(), 2);
    EXPECT_EQ(files[0], a);
    EXPECT_EQ(files[1], b);
    EXPECT_EQ(files.count(a), 1);
    QMenu menu;
    recent.populate(&menu);
    EXPECT_EQ(menu.actions().first()->text(), "a.png");
    // Choosing an entry opens it.
    QSignalSpy requested(&recent, &pm::ui::RecentFiles::openRequested);
    menu.actions().first()->trigger();
    ASSERT_EQ(requested.count(), 1);
    EXPECT_EQ(requested.front().front().toString(), a);
}

TEST_F(WindowFixture, HoldingBackslashComparesEvenWhenAButtonHasFocus) {
    window.openFiles({pm::test::writeTestPhoto(dir, "a.png", 8)});
    QPushButton* apply = window.modePanel()->applyButton();
    apply->setFocus();
    QTest::keyPress(apply, Qt::Key_Backslash);
    EXPECT_TRUE(window.currentCanvas()->showsOriginal());
    QTest::keyRelease(apply, Qt::Key_Backslash);
    EXPECT_FALSE(window.currentCanvas()->showsOriginal());
}

TEST_F(WindowFixture, EveryModeIsEnabledWithATooltip) {
    pm::ui::ModePanel* panel = window.modePanel();
    for (pm::ui::Mode mode : {pm::ui::Mode::RemoveObject, pm::ui::Mode::RepairOldPhoto, pm::ui::Mode::RestoreFaces,
                              pm::ui::Mode::Cartoonize}) {
        EXPECT_TRUE(panel->isModeEnabled(mode));
        EXPECT_FALSE(panel->modeList()->item(int(mode))->toolTip().contains("not available"));
    }
    // Choosing a mode shows its options.
    panel->setCurrentMode(pm::ui::Mode::RepairOldPhoto);
    EXPECT_TRUE(panel->repairOptions()->isVisibleTo(panel));
    EXPECT_FALSE(panel->removeOptions()->isVisibleTo(panel));
}

TEST_F(WindowFixture, ApplyRemovesTheMaskedObjectOnTheWorkerAndUndoRestoresIt) {
    window.openFiles({pm::test::writeTestPhoto(dir, "a.png", 4)});
    pm::ui::Document* doc = window.currentDocument();
    ASSERT_NE(doc, nullptr);
    const cv::Mat before = doc->image().clone();
    // A bright object to remove.
    cv::Mat withObject = before.clone();
    cv::circle(withObject, {160, 120}, 20, cv::Scalar(255, 255, 255), cv::FILLED);
    doc->applyResult(withObject, {0, 0, 320, 240}, "object");
    doc->beginStroke(false);
    doc->strokeSegment({160, 120}, {160, 120}, 24);
    doc->endStroke();

    QSignalSpy applied(window.applyController(), &pm::ui::ApplyController::applied);
    QSignalSpy busy(window.applyController(), &pm::ui::ApplyController::busyChanged);
    window.applyCurrentMode();
    EXPECT_FALSE(window.modePanel()->applyButton()->isEnabled()) << "Apply is disabled while running";
    EXPECT_TRUE(window.modePanel()->cancelButton()->isEnabled());
    ASSERT_TRUE(applied.wait(60000)) << "the result arrives without blocking the event loop";
    EXPECT_TRUE(window.modePanel()->applyButton()->isEnabled());
    EXPECT_EQ(busy.count(), 2);

    const cv::Mat after = doc->image();
    cv::Mat centre;
    cv::cvtColor(after(cv::Rect(150, 110, 20, 20)), centre, cv::COLOR_BGR2GRAY);
    EXPECT_LT(cv::mean(centre)[0], 200) << "the white object is gone";
    EXPECT_EQ(cv::norm(after(cv::Rect(0, 0, 100, 240)), withObject(cv::Rect(0, 0, 100, 240)), cv::NORM_INF), 0)
        << "pixels far from the mask are untouched";
    EXPECT_FALSE(doc->hasMask()) << "the mask is cleared by the apply";
    EXPECT_TRUE(applied.front().front().toString().contains("PatchMatch")) << "the engine is named";

    doc->undo();
    EXPECT_EQ(cv::norm(doc->image(), withObject, cv::NORM_INF), 0);
    EXPECT_TRUE(doc->hasMask()) << "undo brings the mask back";
}

TEST_F(WindowFixture, ClosingWithUnsavedChangesAsksAndCanBeCancelled) {
    window.openFiles({pm::test::writeTestPhoto(dir, "a.png", 5)});
    pm::ui::Document* doc = window.currentDocument();
    cv::Mat edited = doc->image().clone();
    edited.setTo(cv::Scalar(1, 2, 3));
    doc->applyResult(edited, {0, 0, 320, 240}, "op");
    EXPECT_TRUE(window.isWindowModified());
    EXPECT_EQ(window.tabs()->tabText(0), "a.png*");

    int asked = 0;
    window.setSavePrompt([&](pm::ui::Document*) { ++asked; return QMessageBox::Cancel; });
    EXPECT_FALSE(window.close());
    EXPECT_EQ(asked, 1);
    EXPECT_TRUE(window.isVisible()) << "cancel keeps the window and the work";

    window.setSavePrompt([&](pm::ui::Document*) { ++asked; return QMessageBox::Save; });
    EXPECT_TRUE(window.close());
    EXPECT_EQ(asked, 2);
    EXPECT_EQ(cv::norm(cv::imread(dir.file("a.png")), edited, cv::NORM_INF), 0) << "Save wrote the edit";
}

TEST_F(WindowFixture, OpensRealPhotosUprightAndFitted) {
    PM_REQUIRE_TESTDATA();
    const auto files = pm::test::testdataFiles("photos");
    ASSERT_FALSE(files.empty());
    window.resize(900, 700);
    window.openFiles({QString::fromStdString(files.front())});
    ASSERT_EQ(window.documentCount(), 1);
    QTest::qWait(50);
    pm::ui::CanvasWidget* canvas = window.currentCanvas();
    const QRectF shown = canvas->transform().imageToWidget(QRectF(QPointF(0, 0), QSizeF(window.currentDocument()->size())));
    EXPECT_GE(shown.left(), -0.5);
    EXPECT_GE(shown.top(), -0.5);
    EXPECT_LE(shown.right(), canvas->width() + 0.5);
    EXPECT_LE(shown.bottom(), canvas->height() + 0.5);
}

}  // namespace
