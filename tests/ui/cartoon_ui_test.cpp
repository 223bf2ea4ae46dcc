// Cartoonize in the window: the mode is enabled, the canvas previews the cartoon while the strength
// slider moves, Apply is one undo step, and another output size opens the cartoon as a new photo.
#include <QComboBox>
#include <QSignalSpy>
#include <QSlider>
#include <QTabWidget>
#include <QTest>
#include <QUndoStack>
#include <gtest/gtest.h>

#include "tests/ui/window_test_support.h"
#include "ui/apply_controller.h"
#include "ui/canvas_widget.h"
#include "ui/cartoon_options.h"
#include "ui/document.h"
#include "ui/mode_panel.h"

namespace {

using CartoonWindow = pm::test::ShownWindow;

/// A photo with flat shapes and edges, so that the cartoon differs visibly from it.
QString writeShapes(const pm::test::TempDir& dir) {
    cv::Mat photo(240, 320, CV_8UC3, cv::Scalar(200, 170, 120));
    cv::circle(photo, {110, 120}, 60, cv::Scalar(40, 90, 200), -1);
    cv::rectangle(photo, cv::Rect(190, 60, 90, 120), cv::Scalar(60, 160, 60), -1);
    cv::Mat noise(photo.size(), CV_8UC3);
    cv::randu(noise, 0, 24);
    photo += noise;
    const std::string path = dir.file("shapes.png");
    cv::imwrite(path, photo);
    return QString::fromStdString(path);
}

TEST_F(CartoonWindow, MovingStrengthUpdatesTheLivePreview) {
    window.openFiles({writeShapes(dir)});
    pm::ui::ModePanel* panel = window.modePanel();
    ASSERT_TRUE(panel->isModeEnabled(pm::ui::Mode::Cartoonize));
    panel->setCurrentMode(pm::ui::Mode::Cartoonize);
    ASSERT_TRUE(panel->cartoonOptions()->isVisibleTo(panel));
    pm::ui::CanvasWidget* canvas = window.currentCanvas();
    QTRY_VERIFY_WITH_TIMEOUT(canvas->hasPreview(), 30000);  // choosing the mode previews at once
    const QImage atDefault = canvas->grab().toImage();

    panel->cartoonOptions()->strengthSlider()->setValue(10);
    QTRY_VERIFY_WITH_TIMEOUT(canvas->grab().toImage() != atDefault, 30000);
    EXPECT_FALSE(window.currentDocument()->isModified()) << "a preview changes nothing";

    panel->setCurrentMode(pm::ui::Mode::RemoveObject);
    EXPECT_FALSE(canvas->hasPreview()) << "leaving the mode ends the preview";
}

TEST_F(CartoonWindow, ApplyIsOneUndoStep) {
    window.openFiles({writeShapes(dir)});
    pm::ui::Document* doc = window.currentDocument();
    const cv::Mat before = doc->image().clone();
    const int steps = doc->undoStack()->count();
    window.modePanel()->setCurrentMode(pm::ui::Mode::Cartoonize);
    window.modePanel()->cartoonOptions()->strengthSlider()->setValue(100);
    QSignalSpy applied(window.applyController(), &pm::ui::ApplyController::applied);
    window.applyCurrentMode();
    ASSERT_TRUE(applied.wait(60000));
    EXPECT_EQ(doc->undoStack()->count(), steps + 1);
    EXPECT_EQ(doc->image().size(), before.size());
    EXPECT_GT(cv::norm(doc->image(), before, cv::NORM_L1) / before.total(), 5.0) << "the photo became a cartoon";
    EXPECT_TRUE(doc->isModified());
    doc->undo();
    EXPECT_EQ(cv::norm(doc->image(), before, cv::NORM_INF), 0.0) << "one undo brings the photo back";
}

TEST_F(CartoonWindow, AnotherOutputSizeOpensTheCartoonAsANewPhoto) {
    window.openFiles({writeShapes(dir)});
    pm::ui::Document* doc = window.currentDocument();
    const cv::Mat before = doc->image().clone();
    window.modePanel()->setCurrentMode(pm::ui::Mode::Cartoonize);
    QComboBox* size = window.modePanel()->cartoonOptions()->sizeBox();
    size->setCurrentIndex(size->findData(512));
    window.applyCurrentMode();
    QTRY_COMPARE_WITH_TIMEOUT(window.documentCount(), 2, 60000);
    EXPECT_EQ(window.currentDocument()->image().cols, 512);
    EXPECT_EQ(window.currentDocument()->image().rows, 384);
    EXPECT_TRUE(window.currentDocument()->isUntitled());
    EXPECT_EQ(cv::norm(doc->image(), before, cv::NORM_INF), 0.0) << "the photo itself is unchanged";
    EXPECT_FALSE(doc->isModified());
}

}  // namespace
