#include <QTest>
#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "tests/support/testdata.h"
#include "ui/canvas_widget.h"
#include "ui/document.h"

using pm::ui::CanvasWidget;
using pm::ui::Document;

namespace {

pm::image::LoadedPhoto flatPhoto(int w, int h, cv::Scalar bgr) {
    pm::image::LoadedPhoto photo;
    photo.pixels = cv::Mat(h, w, CV_8UC3, bgr);
    photo.format = pm::image::Format::Png;
    return photo;
}

double distanceToSegment(cv::Point2d p, cv::Point2d a, cv::Point2d b) {
    const cv::Point2d ab = b - a;
    const double t = std::clamp((p - a).dot(ab) / std::max(1e-12, ab.dot(ab)), 0.0, 1.0);
    return cv::norm(p - (a + t * ab));
}

// A canvas showing an 800x600 photo in a 400x300 widget: fit gives zoom 0.5 and no offset.
struct CanvasFixture : ::testing::Test {
    Document doc{flatPhoto(800, 600, {40, 80, 120}), "/tmp/canvas.png"};
    CanvasWidget canvas{&doc};
    void SetUp() override {
        canvas.resize(400, 300);
        canvas.show();
        ASSERT_TRUE(QTest::qWaitForWindowExposed(&canvas));
        ASSERT_DOUBLE_EQ(canvas.transform().zoom(), 0.5);
    }
};

TEST_F(CanvasFixture, BrushDragPaintsARoundCappedLineInImageCoordinates) {
    canvas.setBrushSize(20);  // radius 10 image pixels
    QTest::mousePress(&canvas, Qt::LeftButton, {}, QPoint(50, 50));
    QTest::mouseMove(&canvas, QPoint(100, 75));
    QTest::mouseMove(&canvas, QPoint(150, 100));
    QTest::mouseRelease(&canvas, Qt::LeftButton, {}, QPoint(150, 100));

    const cv::Point2d a(100, 100), b(300, 200);  // the widget points in image coordinates
    const cv::Mat& mask = doc.mask();
    int inside = 0, outside = 0, wrong = 0;
    for (int y = 0; y < mask.rows; y += 2) {
        for (int x = 0; x < mask.cols; x += 2) {
            const double d = distanceToSegment({double(x), double(y)}, a, b);
            const bool set = mask.at<uchar>(y, x) != 0;
            if (d <= 9) { ++inside; wrong += !set; }
            if (d >= 12) { ++outside; wrong += set; }
        }
    }
    EXPECT_GT(inside, 500);
    EXPECT_EQ(wrong, 0) << "pixels within the brush radius are painted, pixels beyond it are not";
    EXPECT_EQ(doc.undoStack()->count(), 1) << "one stroke is one undo step";
}

TEST_F(CanvasFixture, EraserRemovesFromTheMask) {
    doc.invertMask();  // everything selected
    canvas.setTool(pm::ui::BrushTool::Eraser);
    canvas.setBrushSize(40);
    QTest::mousePress(&canvas, Qt::LeftButton, {}, QPoint(200, 150));
    QTest::mouseRelease(&canvas, Qt::LeftButton, {}, QPoint(200, 150));
    EXPECT_EQ(doc.mask().at<uchar>(300, 400), 0) << "erased under the click (image 400,300)";
    EXPECT_EQ(doc.mask().at<uchar>(300, 440), 255) << "but not beyond the 20 px radius";
    doc.undo();
    EXPECT_EQ(doc.mask().at<uchar>(300, 400), 255);
}

TEST_F(CanvasFixture, WheelZoomsAboutTheCursor) {
    const QPointF cursor(300, 100);
    const QPointF before = canvas.transform().widgetToImage(cursor);
    QWheelEvent wheel(cursor, canvas.mapToGlobal(cursor), QPoint(), QPoint(0, 240), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(&canvas, &wheel);
    EXPECT_NEAR(canvas.transform().zoom(), 0.5 * 1.25 * 1.25, 1e-9);
    const QPointF after = canvas.transform().widgetToImage(cursor);
    EXPECT_NEAR(after.x(), before.x(), 1e-6);
    EXPECT_NEAR(after.y(), before.y(), 1e-6);
}

TEST_F(CanvasFixture, MiddleButtonAndSpaceDragPanWithoutPainting) {
    const QPointF offset = canvas.transform().offset();
    QTest::mousePress(&canvas, Qt::MiddleButton, {}, QPoint(100, 100));
    QTest::mouseMove(&canvas, QPoint(130, 90));
    QTest::mouseRelease(&canvas, Qt::MiddleButton, {}, QPoint(130, 90));
    EXPECT_EQ(canvas.transform().offset(), offset + QPointF(30, -10));

    QTest::keyPress(&canvas, Qt::Key_Space);
    QTest::mousePress(&canvas, Qt::LeftButton, {}, QPoint(100, 100));
    QTest::mouseMove(&canvas, QPoint(90, 120));
    QTest::mouseRelease(&canvas, Qt::LeftButton, {}, QPoint(90, 120));
    QTest::keyRelease(&canvas, Qt::Key_Space);
    EXPECT_EQ(canvas.transform().offset(), offset + QPointF(20, 10));
    EXPECT_FALSE(doc.hasMask()) << "panning never paints";
}

TEST_F(CanvasFixture, HoldingBackslashShowsTheOriginalAtTheSameZoom) {
    cv::Mat edited = doc.image().clone();
    edited.setTo(cv::Scalar(200, 10, 10));
    doc.applyResult(edited, {0, 0, 800, 600}, "op");
    const auto centreColour = [&] { return canvas.grab().toImage().pixelColor(200, 150); };
    EXPECT_EQ(centreColour(), QColor(10, 10, 200)) << "edited pixels shown (RGB of BGR 200,10,10)";
    const pm::ui::ViewTransform before = canvas.transform();
    QTest::keyPress(&canvas, Qt::Key_Backslash);
    EXPECT_TRUE(canvas.showsOriginal());
    EXPECT_EQ(centreColour(), QColor(120, 80, 40)) << "original pixels shown";
    EXPECT_TRUE(canvas.transform() == before);
    QTest::keyRelease(&canvas, Qt::Key_Backslash);
    EXPECT_EQ(centreColour(), QColor(10, 10, 200));
}

TEST_F(CanvasFixture, SplitViewShowsOriginalLeftAndResultRightWithADraggableDivider) {
    cv::Mat edited = doc.image().clone();
    edited.setTo(cv::Scalar(200, 10, 10));
    doc.applyResult(edited, {0, 0, 800, 600}, "op");
    canvas.setSplitCompare(true);
    QImage shot = canvas.grab().toImage();
    EXPECT_EQ(shot.pixelColor(100, 150), QColor(120, 80, 40));
    EXPECT_EQ(shot.pixelColor(300, 150), QColor(10, 10, 200));
    QTest::mousePress(&canvas, Qt::LeftButton, {}, QPoint(200, 150));  // on the divider
    QTest::mouseMove(&canvas, QPoint(320, 150));
    QTest::mouseRelease(&canvas, Qt::LeftButton, {}, QPoint(320, 150));
    EXPECT_NEAR(canvas.splitPosition(), 0.8, 1e-9);
    EXPECT_FALSE(doc.hasMask()) << "dragging the divider does not paint";
    shot = canvas.grab().toImage();
    EXPECT_EQ(shot.pixelColor(300, 150), QColor(120, 80, 40));
}

TEST_F(CanvasFixture, MaskIsShownAsATranslucentOverlay) {
    const QColor plain = canvas.grab().toImage().pixelColor(200, 150);
    doc.invertMask();
    const QColor tinted = canvas.grab().toImage().pixelColor(200, 150);
    EXPECT_NE(plain, tinted);
    EXPECT_GT(tinted.red(), plain.red()) << "the overlay tints red";
    EXPECT_NE(tinted.green(), 0) << "but the photo still shows through";
}

// Counts the pixels inside `rect` that differ from `reference`, and those that are near white (text).
struct LabelPixels {
    int changed = 0;
    int white = 0;
};
LabelPixels labelPixels(const QImage& shot, const QImage& reference, const QRect& rect) {
    LabelPixels counts;
    for (int y = rect.top(); y <= rect.bottom(); ++y) {
        for (int x = rect.left(); x <= rect.right(); ++x) {
            const QColor c = shot.pixelColor(x, y);
            counts.changed += c != reference.pixelColor(x, y);
            counts.white += c.red() > 200 && c.green() > 200 && c.blue() > 200;
        }
    }
    return counts;
}

TEST_F(CanvasFixture, CompareViewsSayWhichSideIsBeforeAndWhichAfter) {
    // The photo is unchanged, so the original and the current pixels look the same: whatever
    // differs in the labels' corners between the two renderings is the labels.
    EXPECT_TRUE(canvas.compareLabels().isEmpty()) << "no labels on the normal view";
    const QImage plain = canvas.grab().toImage();

    canvas.setSplitCompare(true);
    const auto labels = canvas.compareLabels();
    ASSERT_EQ(labels.size(), 2);
    EXPECT_EQ(labels[0].text, "Before");
    EXPECT_EQ(labels[1].text, "After");
    EXPECT_LT(labels[0].rect.right(), 200) << "Before is over the original, left of the divider";
    EXPECT_GT(labels[1].rect.left(), 200) << "After is over the edit, right of it";
    const QImage split = canvas.grab().toImage();
    for (const auto& label : labels) {
        ASSERT_TRUE(canvas.rect().contains(label.rect));
        const LabelPixels counts = labelPixels(split, plain, label.rect);
        EXPECT_GT(counts.changed, label.rect.width() * label.rect.height() / 2) << "a backdrop behind the text";
        EXPECT_GT(counts.white, 10) << "light text on it: " << label.text.toStdString();
    }

    // Holding \ for the original says so too.
    canvas.setSplitCompare(false);
    canvas.setShowOriginal(true);
    const auto held = canvas.compareLabels();
    ASSERT_EQ(held.size(), 1);
    EXPECT_EQ(held[0].text, "Before");
    EXPECT_GT(labelPixels(canvas.grab().toImage(), plain, held[0].rect).white, 10);
    canvas.setShowOriginal(false);
    EXPECT_EQ(labelPixels(canvas.grab().toImage(), plain, held[0].rect).changed, 0) << "gone on release";
}

}  // namespace
