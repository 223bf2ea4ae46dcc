// The Select tool with a segmentation model (offscreen): a tiny TorchScript model with EfficientSAM's
// contract is installed in a temp models folder, the engine verifies it, clicks on the canvas go
// to it (one undo step each) and the window says which selection answers; without the model the
// built-in GrabCut answers the same click.
#include <QAction>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTest>
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/ops/selection/mask_tools.h"
#include "tests/engine/tiny_models.h"
#include "tests/engine/tiny_segment_models.h"
#include "tests/ui/window_test_support.h"
#include "ui/canvas_widget.h"
#include "ui/click_selection.h"
#include "ui/document.h"
#include "ui/engine_bridge.h"

using pm::ui::BrushTool;
using pm::ui::CanvasWidget;
using pm::ui::ClickSelection;
using pm::ui::Document;
namespace sel = pm::ops::selection;

namespace {

template <typename Pred>
bool waitFor(Pred done, int ms = 30000) {
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > ms) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    return true;
}

// 800x600: two blue squares of one colour apart on a noisy green ground. The tiny model selects by
// colour (both squares); the built-in selection keeps what is connected to the click (one).
struct Squares {
    cv::Mat photo, left = cv::Mat::zeros(600, 800, CV_8UC1), right = cv::Mat::zeros(600, 800, CV_8UC1);
    Squares() {
        photo.create(600, 800, CV_8UC3);
        cv::RNG rng(9);
        rng.fill(photo, cv::RNG::NORMAL, cv::Scalar(60, 140, 70), cv::Scalar(6, 6, 6));
        left(cv::Rect(120, 200, 160, 160)).setTo(255);
        right(cv::Rect(520, 200, 160, 160)).setTo(255);
        photo.setTo(cv::Scalar(190, 80, 40), left | right);
    }
};

struct SelectModelFixture : ::testing::Test {
    pm::test::TempDir dir;
    Squares squares;

    pm::engine::EngineOptions options(bool withModel) {
        pm::engine::EngineOptions o;
        o.device = pm::engine::DevicePreference::Cpu;
        o.modelsDir = dir.path();
        if (withModel) pm::test::saveSeparableColourSegmenter(dir.file("sam.pt"));
        o.manifestPath = pm::test::writeManifest(
            dir.path(), pm::test::manifestEntry("sam", "segment", "sam.pt", pm::test::kSegmentContract));
        return o;
    }
    pm::image::LoadedPhoto photo() {
        pm::image::LoadedPhoto p;
        p.pixels = squares.photo.clone();
        p.format = pm::image::Format::Png;
        return p;
    }
    /// Clicks the left square on a canvas of `bridge`'s engine; returns the mask.
    cv::Mat clickLeftSquare(pm::ui::EngineBridge& bridge, bool expectModel) {
        Document doc{photo(), "/tmp/select-model.png"};
        CanvasWidget canvas{&doc};
        canvas.resize(400, 300);
        canvas.show();
        EXPECT_TRUE(QTest::qWaitForWindowExposed(&canvas));
        canvas.clickSelection()->setEngine(&bridge);
        EXPECT_EQ(canvas.clickSelection()->usesModel(), expectModel);
        canvas.setTool(BrushTool::Select);  // with a model: the embedding starts now
        QSignalSpy applied(canvas.clickSelection(), &ClickSelection::selectionApplied);
        QSignalSpy failed(canvas.clickSelection(), &ClickSelection::modelFailed);
        QTest::mouseClick(&canvas, Qt::LeftButton, {}, QPoint(100, 140));  // image (200, 280)
        EXPECT_TRUE(waitFor([&] { return applied.count() == 1; }));
        EXPECT_EQ(doc.undoStack()->count(), 1);
        EXPECT_EQ(failed.count(), 0) << (failed.isEmpty() ? "" : failed.front().front().toString().toStdString());
        const cv::Mat mask = doc.mask().clone();
        doc.undo();
        EXPECT_EQ(cv::countNonZero(doc.mask()), 0) << "undo takes the model's selection out";
        return mask;
    }
};

TEST_F(SelectModelFixture, AVerifiedModelAnswersTheClick) {
    pm::ui::EngineBridge bridge(options(true));
    ASSERT_TRUE(waitFor([&] { return bridge.isReady(); }));
    const cv::Mat mask = clickLeftSquare(bridge, true);
    EXPECT_GT(sel::maskIoU(mask, squares.left | squares.right), 0.9)
        << "the colour model selects both squares: it was the model that answered";
}

TEST_F(SelectModelFixture, WithoutTheModelTheBuiltInSelectionAnswers) {
    pm::ui::EngineBridge bridge(options(false));
    ASSERT_TRUE(waitFor([&] { return bridge.isReady(); }));
    const cv::Mat mask = clickLeftSquare(bridge, false);
    EXPECT_GT(sel::maskIoU(mask, squares.left), 0.9);
    EXPECT_LT(cv::countNonZero(mask & squares.right), 100);
}

TEST_F(SelectModelFixture, TheWindowSaysWhichSelectionTheSelectToolUses) {
    for (const bool withModel : {true, false}) {
        pm::test::TempDir models;
        pm::engine::EngineOptions o = options(withModel);
        if (!withModel) o.modelsDir = models.path();  // the manifest's model is not installed there
        pm::ui::MainWindow window(o);
        window.show();
        ASSERT_TRUE(waitFor([&] { return window.engineBridge()->isReady(); }));
        cv::imwrite(dir.file("squares.png"), squares.photo);
        window.openFiles({QString::fromStdString(dir.file("squares.png"))});
        QAction* select = nullptr;
        for (QAction* a : window.findChildren<QAction*>())
            if (a->text() == "Select") select = a;
        ASSERT_NE(select, nullptr);
        select->trigger();
        const QString message = window.statusBar()->currentMessage();
        if (withModel) EXPECT_TRUE(message.contains("Select uses sam")) << message.toStdString();
        else EXPECT_TRUE(message.contains("built-in selection (GrabCut)")) << message.toStdString();
    }
}

}  // namespace
