#include <gtest/gtest.h>

#include "ui/view_transform.h"

using pm::ui::ViewTransform;

namespace {

struct ZoomCase {
    double zoom;
    QPointF anchor;
};

class ViewTransformZoom : public ::testing::TestWithParam<ZoomCase> {};

TEST_P(ViewTransformZoom, ImagePointUnderCursorStaysPut) {
    ViewTransform t;
    t.fit(QSize(6000, 4000), QSize(1200, 800));
    const QPointF before = t.widgetToImage(GetParam().anchor);
    t.zoomAbout(GetParam().zoom, GetParam().anchor);
    const QPointF after = t.widgetToImage(GetParam().anchor);
    EXPECT_NEAR(before.x(), after.x(), 1e-9);
    EXPECT_NEAR(before.y(), after.y(), 1e-9);
}

TEST_P(ViewTransformZoom, WidgetAndImageCoordinatesRoundTrip) {
    ViewTransform t;
    t.zoomAbout(GetParam().zoom, GetParam().anchor);
    t.panBy(QPointF(13.5, -7.25));
    for (const QPointF p : {QPointF(0, 0), QPointF(123.25, 77.5), QPointF(5999, 3999)}) {
        const QPointF back = t.widgetToImage(t.imageToWidget(p));
        EXPECT_NEAR(back.x(), p.x(), 1e-9);
        EXPECT_NEAR(back.y(), p.y(), 1e-9);
    }
    const QRectF r(10, 20, 300, 400);
    const QRectF w = t.imageToWidget(r);
    EXPECT_NEAR(w.width(), 300 * t.zoom(), 1e-9);
    EXPECT_NEAR(t.widgetToImage(w).x(), 10, 1e-9);
}

INSTANTIATE_TEST_SUITE_P(Zooms, ViewTransformZoom,
                         ::testing::Values(ZoomCase{0.05, {0, 0}}, ZoomCase{0.5, {600, 400}},
                                           ZoomCase{1.0, {17, 733}}, ZoomCase{4.0, {1199, 1}},
                                           ZoomCase{16.0, {250.5, 250.5}}));

TEST(ViewTransform, FitShowsTheWholePhotoCentredWithoutEnlarging) {
    ViewTransform t;
    t.fit(QSize(6000, 4000), QSize(1200, 1000));
    EXPECT_DOUBLE_EQ(t.zoom(), 0.2);  // width-limited
    const QRectF shown = t.imageToWidget(QRectF(0, 0, 6000, 4000));
    EXPECT_NEAR(shown.left(), 0, 1e-9);
    EXPECT_NEAR(shown.right(), 1200, 1e-9);
    EXPECT_NEAR(shown.top(), (1000 - 800) / 2.0, 1e-9);

    t.fit(QSize(100, 50), QSize(1200, 1000));
    EXPECT_DOUBLE_EQ(t.zoom(), 1.0) << "a small photo is shown at 100%, not blown up";
    EXPECT_NEAR(t.imageToWidget(QPointF(50, 25)).x(), 600, 1e-9);
}

TEST(ViewTransform, ZoomIsClampedToSaneLimits) {
    ViewTransform t;
    t.zoomAbout(1e6, QPointF(10, 10));
    EXPECT_DOUBLE_EQ(t.zoom(), ViewTransform::kMaxZoom);
    t.zoomAbout(1e-9, QPointF(10, 10));
    EXPECT_DOUBLE_EQ(t.zoom(), ViewTransform::kMinZoom);
}

TEST(ViewTransform, ActualSizeKeepsTheViewCentre) {
    ViewTransform t;
    t.fit(QSize(4000, 3000), QSize(800, 600));
    const QPointF centreBefore = t.widgetToImage(QPointF(400, 300));
    t.actualSize(QSize(800, 600));
    EXPECT_DOUBLE_EQ(t.zoom(), 1.0);
    const QPointF centreAfter = t.widgetToImage(QPointF(400, 300));
    EXPECT_NEAR(centreAfter.x(), centreBefore.x(), 1e-9);
    EXPECT_NEAR(centreAfter.y(), centreBefore.y(), 1e-9);
}

}  // namespace
