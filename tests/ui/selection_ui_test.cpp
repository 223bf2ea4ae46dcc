// Click-to-select on the canvas (offscreen): a click adds the object to the mask, Shift+click takes
// a part out, a drag draws a box, each result is one undo step, a click made while the previous one
// is still computing replaces it (the stale result never reaches the mask), and the magic wand.
#include <QSignalSpy>
#include <QTest>
#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "core/ops/selection/mask_tools.h"
#include "tests/ui/half_size_canvas_fixture.h"
#include "ui/canvas_widget.h"
#include "ui/click_selection.h"
#include "ui/document.h"

using pm::ui::BrushTool;
using pm::ui::CanvasWidget;
using pm::ui::Document;
namespace sel = pm::ops::selection;

namespace {

// 800x600: a red disk (centre 320,300, radius 120) and a blue square right of it on a noisy green
// ground, on the half-size canvas.
struct SelectionFixture : pm::test::HalfSizeCanvasFixture {
    SelectionFixture() : HalfSizeCanvasFixture(photo(), "/tmp/select.png", BrushTool::Select) {}

    static cv::Mat diskMask() {
        cv::Mat m = cv::Mat::zeros(600, 800, CV_8UC1);
        cv::circle(m, {320, 300}, 120, 255, cv::FILLED);
        return m;
    }
    static cv::Mat squareMask() {
        cv::Mat m = cv::Mat::zeros(600, 800, CV_8UC1);
        m(cv::Rect(460, 240, 120, 120)).setTo(255);
        return m;
    }
    static pm::image::LoadedPhoto photo() {
        pm::image::LoadedPhoto p;
        p.pixels.create(600, 800, CV_8UC3);
        cv::RNG rng(5);
        rng.fill(p.pixels, cv::RNG::NORMAL, cv::Scalar(60, 140, 70), cv::Scalar(10, 10, 10));
        p.pixels.setTo(cv::Scalar(40, 50, 200), diskMask());
        p.pixels.setTo(cv::Scalar(190, 80, 40), squareMask());
        p.format = pm::image::Format::Png;
        return p;
    }
    const cv::Mat disk = diskMask(), square = squareMask();
    /// Waits until the selection has gone into the mask (the work runs on a worker thread).
    bool waitApplied(QSignalSpy& spy, int count = 1) {
        while (spy.count() < count)
            if (!spy.wait(30000)) return false;
        return true;
    }
};

TEST_F(SelectionFixture, ClickSelectsTheObjectAsOneUndoStepAndUndoRestoresTheMask) {
    // A brush stroke first: the selection adds to it and undo gives it back exactly.
    doc.beginStroke(false);
    doc.strokeSegment({700, 50}, {760, 80}, 8);
    doc.endStroke();
    const cv::Mat painted = doc.mask().clone();
    QSignalSpy applied(canvas.clickSelection(), &pm::ui::ClickSelection::selectionApplied);
    QTest::mouseClick(&canvas, Qt::LeftButton, {}, QPoint(160, 150));
    ASSERT_TRUE(waitApplied(applied));
    EXPECT_GT(sel::maskIoU(doc.mask() & ~painted, disk), 0.93);
    EXPECT_EQ(cv::countNonZero(painted & ~doc.mask()), 0) << "the stroke is kept";
    EXPECT_LT(cv::countNonZero(doc.mask() & square), 100) << "the square next to it is not selected";
    EXPECT_EQ(doc.undoStack()->count(), 2);
    doc.undo();
    EXPECT_EQ(cv::countNonZero(doc.mask() != painted), 0);
}

TEST_F(SelectionFixture, BoxDragSelectsBothShapesAndShiftClickTakesOneOut) {
    QSignalSpy applied(canvas.clickSelection(), &pm::ui::ClickSelection::selectionApplied);
    QTest::mousePress(&canvas, Qt::LeftButton, {}, QPoint(95, 85));
    QTest::mouseMove(&canvas, QPoint(200, 150));
    QTest::mouseMove(&canvas, QPoint(300, 215));
    QTest::mouseRelease(&canvas, Qt::LeftButton, {}, QPoint(300, 215));
    ASSERT_TRUE(waitApplied(applied));
    const cv::Mat both = doc.mask().clone();
    EXPECT_GT(sel::maskIoU(both, disk | square), 0.9);

    QTest::mouseClick(&canvas, Qt::LeftButton, Qt::ShiftModifier, QPoint(260, 150));  // on the square
    ASSERT_TRUE(waitApplied(applied, 2));
    EXPECT_GT(sel::maskIoU(doc.mask(), disk), 0.9);
    EXPECT_LT(cv::countNonZero(doc.mask() & square), cv::countNonZero(square) / 20);
    EXPECT_EQ(doc.undoStack()->count(), 2);
    doc.undo();
    EXPECT_EQ(cv::countNonZero(doc.mask() != both), 0) << "undo restores the box's selection";
}

TEST_F(SelectionFixture, RightClickMarksBackgroundLikeShiftClick) {
    QSignalSpy applied(canvas.clickSelection(), &pm::ui::ClickSelection::selectionApplied);
    QTest::mousePress(&canvas, Qt::LeftButton, {}, QPoint(95, 85));
    QTest::mouseMove(&canvas, QPoint(300, 215));
    QTest::mouseRelease(&canvas, Qt::LeftButton, {}, QPoint(300, 215));
    ASSERT_TRUE(waitApplied(applied));
    QTest::mouseClick(&canvas, Qt::RightButton, {}, QPoint(260, 150));
    ASSERT_TRUE(waitApplied(applied, 2));
    EXPECT_LT(cv::countNonZero(doc.mask() & square), cv::countNonZero(square) / 20);
    EXPECT_GT(cv::countNonZero(doc.mask() & disk), cv::countNonZero(disk) * 9 / 10);
}

TEST_F(SelectionFixture, ClickWhileThePreviousIsComputingDropsTheStaleResult) {
    QSignalSpy applied(canvas.clickSelection(), &pm::ui::ClickSelection::selectionApplied);
    // No event loop runs between the clicks, so the first is still computing (or its result still
    // queued) when the second arrives: only the second, made from both clicks, reaches the mask.
    QTest::mouseClick(&canvas, Qt::LeftButton, {}, QPoint(160, 150));
    QTest::mouseClick(&canvas, Qt::LeftButton, {}, QPoint(260, 150));
    ASSERT_TRUE(waitApplied(applied));
    QTest::qWait(300);
    EXPECT_EQ(applied.count(), 1);
    EXPECT_EQ(doc.undoStack()->count(), 1) << "one undo step: the stale result was never applied";
    EXPECT_EQ(canvas.clickSelection()->prompt().positive.size(), 2u);
    EXPECT_GT(cv::countNonZero(doc.mask() & disk), cv::countNonZero(disk) * 9 / 10);
}

TEST_F(SelectionFixture, MagicWandAddsTheSimilarColourAndShiftTakesItOut) {
    canvas.setTool(BrushTool::Wand);
    sel::WandSettings wand;
    wand.tolerance = 40;
    canvas.setWandSettings(wand);
    QSignalSpy applied(canvas.clickSelection(), &pm::ui::ClickSelection::selectionApplied);
    QTest::mouseClick(&canvas, Qt::LeftButton, {}, QPoint(260, 150));  // the flat blue square
    ASSERT_TRUE(waitApplied(applied));
    EXPECT_EQ(cv::countNonZero(doc.mask() != square), 0);
    QTest::mouseClick(&canvas, Qt::LeftButton, Qt::ShiftModifier, QPoint(260, 150));
    ASSERT_TRUE(waitApplied(applied, 2));
    EXPECT_EQ(cv::countNonZero(doc.mask()), 0);
    EXPECT_EQ(doc.undoStack()->count(), 2);
}

}  // namespace
