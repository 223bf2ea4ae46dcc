// Intelligent Scissors on the canvas (offscreen): clicks around an object snap to its edge, clicking
// the first point or a double-click closes the outline into the mask as one undo step, Esc drops a
// half-drawn outline and leaves the mask alone; and Edit > Feather Mask… in the window softens the
// mask's edge as one undo step.
#include <QAction>
#include <QApplication>
#include <QInputDialog>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>
#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "core/ops/selection/mask_tools.h"
#include "tests/ui/half_size_canvas_fixture.h"
#include "tests/ui/window_test_support.h"
#include "ui/canvas_widget.h"
#include "ui/document.h"
#include "ui/scissors_outline.h"

using pm::ui::BrushTool;
using pm::ui::CanvasWidget;
using pm::ui::Document;
namespace sel = pm::ops::selection;

namespace {

// 800x600: a bright disk (centre 400,300, radius 150) on a dark noisy ground, on the half-size canvas.
struct ScissorsFixture : pm::test::HalfSizeCanvasFixture {
    ScissorsFixture() : HalfSizeCanvasFixture(photo(), "/tmp/scissors.png", BrushTool::Scissors) {}

    static cv::Mat diskMask() {
        cv::Mat m = cv::Mat::zeros(600, 800, CV_8UC1);
        cv::circle(m, {400, 300}, 150, 255, cv::FILLED);
        return m;
    }
    static pm::image::LoadedPhoto photo() {
        pm::image::LoadedPhoto p;
        p.pixels.create(600, 800, CV_8UC3);
        cv::RNG rng(3);
        rng.fill(p.pixels, cv::RNG::NORMAL, cv::Scalar(50, 60, 40), cv::Scalar(8, 8, 8));
        p.pixels.setTo(cv::Scalar(200, 210, 230), diskMask());
        p.format = pm::image::Format::Png;
        return p;
    }
    const cv::Mat disk = diskMask();
    /// Widget point of the disk's edge at `degrees`, pushed `offset` image px outwards: the clicks
    /// miss the edge on purpose, the path must find it.
    static QPoint onEdge(double degrees, double offset) {
        const double a = degrees * CV_PI / 180, r = 150 + offset;
        return QPoint(int(std::lround((400 + r * std::cos(a)) / 2)), int(std::lround((300 + r * std::sin(a)) / 2)));
    }
    void clickAround(const std::vector<double>& degrees, double offset) {
        for (double d : degrees) QTest::mouseClick(&canvas, Qt::LeftButton, {}, onEdge(d, offset));
    }
};

TEST_F(ScissorsFixture, ClickingTheFirstPointClosesTheOutlineAlongTheEdgeAsOneUndoStep) {
    // A brush stroke first: the outline's inside is added to it, and undo gives it back exactly.
    doc.beginStroke(false);
    doc.strokeSegment({20, 20}, {60, 40}, 6);
    doc.endStroke();
    const cv::Mat painted = doc.mask().clone();
    QSignalSpy applied(canvas.scissors(), &pm::ui::ScissorsOutline::selectionApplied);
    // Four clicks 8 px outside the edge; straight lines between them would cut the disk's sides off.
    clickAround({0, 90, 180, 270}, 8);
    EXPECT_EQ(canvas.scissors()->pointCount(), 4);
    EXPECT_EQ(applied.count(), 0) << "nothing goes into the mask before the outline is closed";
    EXPECT_EQ(cv::countNonZero(doc.mask() != painted), 0);
    QTest::mouseClick(&canvas, Qt::LeftButton, {}, onEdge(0, 10));  // within a few px of the first point
    ASSERT_EQ(applied.count(), 1);
    EXPECT_FALSE(canvas.scissors()->active());
    EXPECT_GT(sel::maskIoU(doc.mask() & ~painted, disk), 0.95) << "the outline snapped to the disk's edge";
    EXPECT_EQ(cv::countNonZero(painted & ~doc.mask()), 0) << "the stroke is kept";
    EXPECT_EQ(doc.undoStack()->count(), 2);
    doc.undo();
    EXPECT_EQ(cv::countNonZero(doc.mask() != painted), 0) << "one undo takes the whole outline out";
}

TEST_F(ScissorsFixture, DoubleClickClosesTheOutline) {
    QSignalSpy applied(canvas.scissors(), &pm::ui::ScissorsOutline::selectionApplied);
    clickAround({0, 120}, 6);
    // A double-click as the window system sends it: a press and release (the third point), then the
    // double-click event.
    QTest::mouseClick(&canvas, Qt::LeftButton, {}, onEdge(240, 6));
    EXPECT_EQ(canvas.scissors()->pointCount(), 3);
    QTest::mouseDClick(&canvas, Qt::LeftButton, {}, onEdge(240, 6));
    ASSERT_EQ(applied.count(), 1);
    EXPECT_GT(sel::maskIoU(doc.mask(), disk), 0.95);
    EXPECT_EQ(doc.undoStack()->count(), 1);
}

TEST_F(ScissorsFixture, EscapeDropsTheOutlineAndLeavesTheMaskAlone) {
    clickAround({0, 90, 180}, 8);
    ASSERT_TRUE(canvas.scissors()->active());
    QTest::keyClick(&canvas, Qt::Key_Escape);
    EXPECT_FALSE(canvas.scissors()->active());
    EXPECT_EQ(cv::countNonZero(doc.mask()), 0);
    EXPECT_EQ(doc.undoStack()->count(), 0);
    // The next click starts a new outline rather than continuing the dropped one.
    clickAround({45}, 0);
    EXPECT_EQ(canvas.scissors()->pointCount(), 1);
}

TEST_F(ScissorsFixture, SwitchingToolsDropsAHalfDrawnOutline) {
    clickAround({0, 90}, 8);
    canvas.setTool(BrushTool::Brush);
    EXPECT_FALSE(canvas.scissors()->active());
    EXPECT_EQ(doc.undoStack()->count(), 0);
}

struct FeatherWindow : pm::test::ShownWindow {};

TEST_F(FeatherWindow, FeatherMaskSoftensTheEdgeAsOneUndoStep) {
    window.openFiles({pm::test::writeTestPhoto(dir, "a.png", 2)});
    Document* d = window.currentDocument();
    ASSERT_NE(d, nullptr);
    cv::Mat square = cv::Mat::zeros(d->image().size(), CV_8UC1);
    square(cv::Rect(100, 60, 120, 120)).setTo(255);
    d->setMask(square, "square");
    const int steps = d->undoStack()->count();

    auto* feather = window.findChild<QAction*>("featherMask");
    ASSERT_NE(feather, nullptr);
    // The action asks for the width: answer 6 px in its dialog.
    QTimer::singleShot(0, [] {
        auto* dialog = qobject_cast<QInputDialog*>(QApplication::activeModalWidget());
        ASSERT_NE(dialog, nullptr);
        dialog->setIntValue(6);
        dialog->accept();
    });
    feather->trigger();

    const cv::Mat& m = d->mask();
    EXPECT_EQ(d->undoStack()->count(), steps + 1);
    EXPECT_EQ(m.at<uchar>(120, 160), 255) << "the inside stays selected";
    EXPECT_EQ(m.at<uchar>(20, 20), 0) << "far outside stays unselected";
    const uchar edge = m.at<uchar>(120, 100);  // on the old left edge
    EXPECT_GT(edge, 60);
    EXPECT_LT(edge, 200) << "the edge is a soft ramp now";
    EXPECT_GT(m.at<uchar>(120, 97), 0) << "the ramp reaches outside the old edge";
    EXPECT_LT(m.at<uchar>(120, 103), 255) << "and inside it";
    // The overlay shows the soft edge: fainter on the ramp than inside, clear outside.
    const QImage overlay = d->maskOverlay();
    const int inside = qAlpha(overlay.pixel(160, 120)), onEdge = qAlpha(overlay.pixel(100, 120));
    EXPECT_GT(inside, 0);
    EXPECT_GT(onEdge, 0);
    EXPECT_LT(onEdge, inside - 20) << "a feathered edge is drawn fainter than the selection's inside";
    EXPECT_EQ(qAlpha(overlay.pixel(20, 20)), 0);
    d->undo();
    EXPECT_EQ(cv::countNonZero(d->mask() != square), 0) << "undo gives the hard edge back";
}

}  // namespace
