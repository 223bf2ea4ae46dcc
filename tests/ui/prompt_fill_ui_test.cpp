// The prompt fill in the Remove/Fill mode (issue 18) with a fake model: the controls, the missing
// model, one and several variations, Cancel, extending the canvas and what the request carries.
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>
#include <QSlider>
#include <QSpinBox>
#include <QThread>
#include <QToolButton>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "core/common/error.h"
#include "tests/ui/window_test_support.h"
#include "ui/apply_controller.h"
#include "ui/canvas_widget.h"
#include "ui/document.h"
#include "ui/engine_bridge.h"
#include "ui/mode_panel.h"
#include "ui/prompt_fill_options.h"
#include "ui/remove_options.h"
#include "ui/variation_strip.h"

namespace {

using pm::engine::PromptFillRequest;
using pm::engine::PromptFillResult;
using pm::engine::PromptFillTask;

// A colour no smooth random photo has exactly, one per seed, so a test can tell variations apart.
cv::Vec3b colourOf(uint64_t seed) { return {uint8_t(10 + 40 * (seed % 5)), uint8_t(200 - 30 * (seed % 4)), 7}; }

/// A fake model: each variation is the photo with the mask painted its seed's colour (the new
/// canvas too, when extending), reporting every step and stopping when cancelled.
struct FakeModel {
    std::mutex lock;
    PromptFillRequest seen;  // without the pixels' ownership worries: the copies are the job's
    int calls = 0;
    int stepMs = 0;
    std::atomic<bool> started{false};

    pm::ui::PromptFillRunner runner() {
        return [this](const PromptFillRequest& request, pm::engine::JobContext& context) {
            {
                std::lock_guard<std::mutex> guard(lock);
                seen = request;
                ++calls;
            }
            const auto& s = request.settings;
            PromptFillResult result;
            for (int k = 0; k < s.variations; ++k) {
                for (int step = 1; step <= s.steps; ++step) {
                    context.throwIfCancelled();
                    started = true;
                    if (stepMs) QThread::msleep(stepMs);
                    if (request.onStep) request.onStep({k, s.variations, step, s.steps, 0.5});
                }
                cv::Mat image;
                cv::Mat mask = request.mask.empty() ? cv::Mat(cv::Mat::zeros(request.bgr.size(), CV_8UC1)) : request.mask;
                const auto& e = s.extend;
                cv::copyMakeBorder(request.bgr, image, e.top, e.bottom, e.left, e.right, cv::BORDER_CONSTANT, 0);
                cv::copyMakeBorder(mask, mask, e.top, e.bottom, e.left, e.right, cv::BORDER_CONSTANT, 255);
                const cv::Vec3b c = colourOf(s.seed + k);
                image.setTo(cv::Scalar(c[0], c[1], c[2]), mask);
                result.images.push_back(image);
                result.seeds.push_back(s.seed + k);
            }
            return result;
        };
    }
};

struct PromptFillWindow : pm::test::ShownWindow {
    FakeModel model;
    pm::ui::PromptFillOptions* options = nullptr;
    pm::ui::Document* doc = nullptr;

    void SetUp() override {
        // No step time measured by an earlier test or run: the options read it when the window is made.
        QSettings().remove(QStringLiteral("promptFill"));
        ShownWindow::SetUp();
        window.setPromptFillRunner(model.runner());
        options = window.modePanel()->removeOptions()->promptOptions();
        window.modePanel()->removeOptions()->setUsesPrompt(true);
    }
    /// A diffusers folder as promptFillModelInstalled checks it (the fake model never reads it).
    void installModel() {
        namespace fs = std::filesystem;
        const fs::path folder = fs::path(dir.path()) / "powerpaint-v1";
        for (const char* part : {"unet", "vae", "text_encoder", "tokenizer"}) fs::create_directories(folder / part);
        for (const char* file : {"unet/config.json", "vae/config.json", "text_encoder/config.json",
                                 "unet/unet.safetensors", "vae/diffusion_pytorch_model.safetensors",
                                 "text_encoder/text_encoder.safetensors", "tokenizer/vocab.json",
                                 "tokenizer/merges.txt"})
            std::ofstream(folder / file) << "{}";
        options->refreshModel();
    }
    void openPhotoWithMask() {
        window.openFiles({pm::test::writeTestPhoto(dir, "a.png", 5)});
        doc = window.currentDocument();
        ASSERT_NE(doc, nullptr);
        doc->beginStroke(false);
        doc->strokeSegment({100, 100}, {140, 120}, 15);
        doc->endStroke();
    }
};

TEST_F(PromptFillWindow, ThePromptMethodShowsItsControlsAndEachTaskItsOwn) {
    auto* remove = window.modePanel()->removeOptions();
    EXPECT_TRUE(options->isVisibleTo(remove));
    EXPECT_TRUE(options->promptEdit()->isVisibleTo(options));
    EXPECT_TRUE(options->negativeEdit()->isVisibleTo(options));
    EXPECT_EQ(options->taskBox()->count(), 4);
    EXPECT_TRUE(options->isRowShown(options->stepsBox()));
    EXPECT_TRUE(options->isRowShown(options->variationsBox()));
    EXPECT_EQ(options->variationsBox()->maximum(), 4);
    EXPECT_FALSE(options->isRowShown(options->fittingSlider())) << "fitting degree is for Shape only";
    EXPECT_FALSE(options->isRowShown(options->extendPixelsBox())) << "pixels to extend are for Extend only";

    options->taskBox()->setCurrentIndex(options->taskBox()->findData(int(PromptFillTask::Shape)));
    EXPECT_TRUE(options->isRowShown(options->fittingSlider()));
    EXPECT_FALSE(options->isRowShown(options->extendPixelsBox()));
    options->taskBox()->setCurrentIndex(options->taskBox()->findData(int(PromptFillTask::Outpaint)));
    EXPECT_TRUE(options->isRowShown(options->extendPixelsBox()));
    EXPECT_FALSE(options->isRowShown(options->fittingSlider()));

    // The built-in fill's own options come back with it, and the prompt's go.
    remove->setUsesPrompt(false);
    EXPECT_FALSE(options->isVisibleTo(remove));
}

TEST_F(PromptFillWindow, WithoutAModelApplyIsDisabledAndTheHintPointsToModels) {
    window.openFiles({pm::test::writeTestPhoto(dir, "a.png", 5)});
    options->promptEdit()->setText("a red bicycle");
    QPushButton* apply = window.modePanel()->applyButton();
    EXPECT_FALSE(apply->isEnabled());
    EXPECT_TRUE(apply->toolTip().contains("Edit > Models")) << apply->toolTip().toStdString();
    EXPECT_TRUE(options->modelNote()->isVisibleTo(options));
    EXPECT_TRUE(options->modelNote()->text().contains("Edit > Models"));
    EXPECT_TRUE(options->modelNote()->toolTip().contains("powerpaint-v1")) << "where to put it";
    window.applyCurrentMode();  // Ctrl+Return: refused with the same reason, nothing run
    EXPECT_EQ(model.calls, 0);

    installModel();
    EXPECT_TRUE(apply->isEnabled());
    EXPECT_TRUE(apply->toolTip().isEmpty());
    EXPECT_FALSE(options->modelNote()->isVisibleTo(options));
    // Other fills never needed the model.
    window.modePanel()->removeOptions()->setUsesPrompt(false);
    EXPECT_TRUE(apply->isEnabled());
}

TEST_F(PromptFillWindow, OnTheCpuTheNextFillsTimeIsToldBeforeItStarts) {
    installModel();  // no step measured yet: SetUp cleared it before the window was made
    openPhotoWithMask();
    options->setCpu(true);  // the tests' engine runs on the CPU; said here so the test never depends on it
    EXPECT_TRUE(options->cpuNote()->isVisibleTo(options));
    EXPECT_EQ(options->stepsBox()->value(), pm::ui::PromptFillOptions::kCpuDefaultSteps) << "fewer steps on the CPU";
    EXPECT_TRUE(options->cpuNote()->text().contains("minutes")) << options->cpuNote()->text().toStdString();

    options->promptEdit()->setText("a red bicycle");
    QSignalSpy applied(window.applyController(), &pm::ui::ApplyController::applied);
    window.applyCurrentMode();
    ASSERT_TRUE(applied.wait(20000));
    // The fake's steps take 0.5 s each: 20 steps are about 10 s, before the next fill starts.
    QTRY_VERIFY_WITH_TIMEOUT(options->cpuNote()->text().contains("about 10 s"), 5000);
    options->stepsBox()->setValue(150);
    options->variationsBox()->setValue(4);
    EXPECT_TRUE(options->cpuNote()->text().contains("about 5 min")) << options->cpuNote()->text().toStdString();

    // The next session knows the pace before its first fill.
    pm::ui::PromptFillOptions later;
    later.setCpu(true);
    EXPECT_TRUE(later.cpuNote()->text().contains("about 10 s")) << later.cpuNote()->text().toStdString();
    QSettings().remove(QStringLiteral("promptFill"));
}

TEST_F(PromptFillWindow, AFillWithoutAPromptCannotStart) {
    installModel();
    EXPECT_FALSE(window.modePanel()->applyButton()->isEnabled());
    options->taskBox()->setCurrentIndex(options->taskBox()->findData(int(PromptFillTask::Remove)));
    EXPECT_TRUE(window.modePanel()->applyButton()->isEnabled()) << "removing with context needs no prompt";
}

TEST_F(PromptFillWindow, OneVariationChangesOnlyMaskedPixelsAsOneUndoStep) {
    installModel();
    openPhotoWithMask();
    options->promptEdit()->setText("a red bicycle");
    options->stepsBox()->setValue(5);
    const cv::Mat before = doc->image().clone();
    const cv::Mat mask = doc->mask().clone();
    const int undoSteps = doc->undoStack()->count();
    QStringList stages;
    QObject::connect(window.applyController(), &pm::ui::ApplyController::progress, &window,
            [&](int, const QString& stage) { stages << stage; });
    QSignalSpy applied(window.applyController(), &pm::ui::ApplyController::applied);
    window.applyCurrentMode();
    ASSERT_TRUE(applied.wait(10000));

    cv::Mat changed;
    cv::compare(doc->image().reshape(1), before.reshape(1), changed, cv::CMP_NE);
    changed = changed.reshape(3);
    cv::Mat anyChannel;
    cv::transform(changed, anyChannel, cv::Matx13f(1, 1, 1));
    EXPECT_GT(cv::countNonZero(anyChannel), 0);
    cv::Mat outside;
    anyChannel.copyTo(outside, 255 - mask);
    EXPECT_EQ(cv::countNonZero(outside), 0) << "no pixel outside the mask changed";
    EXPECT_EQ(doc->image().at<cv::Vec3b>(110, 120), colourOf(24)) << "the (fake) model's fill is applied";
    EXPECT_EQ(doc->undoStack()->count(), undoSteps + 1) << "one undo step";
    EXPECT_FALSE(doc->hasMask());
    // Each step is reported; the fake's steps take 0.5 s each, so on the CPU two steps are left after
    // the third.
    EXPECT_TRUE(stages.contains(QStringLiteral("Step 3 of 5 — about 1 s left"))) << stages.join(" | ").toStdString();
    EXPECT_TRUE(stages.contains(QStringLiteral("Step 5 of 5"))) << stages.join(" | ").toStdString();

    doc->undo();
    EXPECT_EQ(cv::norm(doc->image(), before, cv::NORM_INF), 0) << "undo restores the photo";
    EXPECT_TRUE(doc->hasMask()) << "and the mask";
}

TEST_F(PromptFillWindow, ThreeVariationsAreOfferedAndThePickedOneIsApplied) {
    installModel();
    openPhotoWithMask();
    options->promptEdit()->setText("a cat");
    options->stepsBox()->setValue(2);
    options->seedBox()->setValue(100);
    options->variationsBox()->setValue(3);
    const cv::Mat before = doc->image().clone();
    const int undoSteps = doc->undoStack()->count();
    pm::ui::VariationStrip* strip = window.modePanel()->variationStrip();
    QSignalSpy offered(window.applyController(), &pm::ui::ApplyController::choicesReady);
    window.applyCurrentMode();
    ASSERT_TRUE(offered.wait(10000));

    EXPECT_TRUE(strip->isVisible());
    ASSERT_EQ(strip->list()->count(), 3) << "three thumbnails";
    EXPECT_EQ(cv::norm(doc->image(), before, cv::NORM_INF), 0) << "nothing is applied before picking";
    EXPECT_TRUE(window.currentCanvas()->hasPreview()) << "the first variation is shown on the canvas";

    // Clicking the second thumbnail shows it, "Use this" applies it.
    QListWidget* list = strip->list();
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(list->item(1)).center());
    EXPECT_EQ(strip->shownIndex(), 1);
    QTest::mouseClick(strip->useButton(), Qt::LeftButton);
    EXPECT_EQ(doc->image().at<cv::Vec3b>(110, 120), colourOf(101)) << "the second variation (seed 101)";
    EXPECT_EQ(doc->undoStack()->count(), undoSteps + 1);
    EXPECT_FALSE(strip->isVisible());
    EXPECT_FALSE(window.currentCanvas()->hasPreview());
    doc->undo();
    EXPECT_EQ(cv::norm(doc->image(), before, cv::NORM_INF), 0);
}

TEST_F(PromptFillWindow, EscapeDiscardsTheVariationsAndKeepsThePhoto) {
    installModel();
    openPhotoWithMask();
    options->promptEdit()->setText("a cat");
    options->stepsBox()->setValue(1);
    options->variationsBox()->setValue(2);
    const cv::Mat before = doc->image().clone();
    QSignalSpy offered(window.applyController(), &pm::ui::ApplyController::choicesReady);
    window.applyCurrentMode();
    ASSERT_TRUE(offered.wait(10000));
    ASSERT_TRUE(window.modePanel()->variationStrip()->isVisible());
    window.currentCanvas()->setFocus();
    QTest::keyClick(window.currentCanvas(), Qt::Key_Escape);
    EXPECT_FALSE(window.modePanel()->variationStrip()->isVisible());
    EXPECT_FALSE(window.currentCanvas()->hasPreview());
    EXPECT_EQ(cv::norm(doc->image(), before, cv::NORM_INF), 0);
    EXPECT_TRUE(doc->hasMask()) << "the mask stays for another try";
}

TEST_F(PromptFillWindow, CancelStopsTheFillAndLeavesThePhotoUnchanged) {
    installModel();
    openPhotoWithMask();
    options->promptEdit()->setText("a cat");
    options->stepsBox()->setValue(options->stepsBox()->maximum());  // far longer than the test waits
    model.stepMs = 50;
    const cv::Mat before = doc->image().clone();
    QSignalSpy cancelled(window.applyController(), &pm::ui::ApplyController::cancelled);
    QSignalSpy applied(window.applyController(), &pm::ui::ApplyController::applied);
    window.applyCurrentMode();
    QTRY_VERIFY_WITH_TIMEOUT(model.started.load(), 10000);
    ASSERT_TRUE(window.modePanel()->cancelButton()->isEnabled());
    QTest::mouseClick(window.modePanel()->cancelButton(), Qt::LeftButton);
    ASSERT_TRUE(cancelled.wait(5000)) << "the fill stops at its next step";
    EXPECT_EQ(applied.count(), 0);
    EXPECT_FALSE(window.applyController()->isBusy());
    EXPECT_EQ(cv::norm(doc->image(), before, cv::NORM_INF), 0);
    EXPECT_TRUE(doc->hasMask());
}

TEST_F(PromptFillWindow, ExtendingGrowsTheCanvasAndUndoRestoresItsSize) {
    installModel();
    openPhotoWithMask();
    const cv::Mat before = doc->image().clone();
    options->taskBox()->setCurrentIndex(options->taskBox()->findData(int(PromptFillTask::Outpaint)));
    options->sideBox(0)->setChecked(true);   // left
    options->sideBox(1)->setChecked(false);  // right
    options->sideBox(3)->setChecked(true);   // bottom
    options->extendPixelsBox()->setValue(64);
    options->stepsBox()->setValue(2);
    QSignalSpy applied(window.applyController(), &pm::ui::ApplyController::applied);
    window.applyCurrentMode();
    ASSERT_TRUE(applied.wait(10000));

    EXPECT_EQ(doc->size(), QSize(320 + 64, 240 + 64));
    EXPECT_EQ(doc->mask().size(), doc->image().size()) << "the mask follows the new canvas";
    EXPECT_FALSE(doc->hasMask());
    EXPECT_EQ(cv::norm(doc->image()(cv::Rect(64, 0, 320, 240)), before, cv::NORM_INF), 0)
        << "the photo sits where it was, the new canvas around it";
    EXPECT_EQ(doc->image().at<cv::Vec3b>(300, 10), colourOf(24));
    EXPECT_EQ(model.seen.settings.extend.left, 64);
    EXPECT_EQ(model.seen.settings.extend.bottom, 64);
    EXPECT_EQ(model.seen.settings.extend.right, 0);
    EXPECT_TRUE(model.seen.mask.empty()) << "extending the canvas fills only the new area";

    doc->undo();
    EXPECT_EQ(doc->size(), QSize(320, 240));
    EXPECT_EQ(cv::norm(doc->image(), before, cv::NORM_INF), 0);
    EXPECT_TRUE(doc->hasMask()) << "the painted mask comes back at the old size";
    doc->redo();
    EXPECT_EQ(doc->size(), QSize(384, 304));
}

TEST_F(PromptFillWindow, TheRequestCarriesWhatTheUserSet) {
    installModel();
    openPhotoWithMask();
    options->taskBox()->setCurrentIndex(options->taskBox()->findData(int(PromptFillTask::Shape)));
    options->promptEdit()->setText("  a blue vase ");
    options->negativeEdit()->setText("blurry");
    options->fittingSlider()->setValue(40);
    options->stepsBox()->setValue(12);
    options->guidanceBox()->setValue(9.5);
    options->seedBox()->setValue(777);
    const int seedBefore = options->seedBox()->value();
    QSignalSpy applied(window.applyController(), &pm::ui::ApplyController::applied);
    window.applyCurrentMode();
    ASSERT_TRUE(applied.wait(10000));
    ASSERT_EQ(model.calls, 1);
    const auto& s = model.seen.settings;
    EXPECT_EQ(s.task, PromptFillTask::Shape);
    EXPECT_EQ(s.prompt, "a blue vase");
    EXPECT_EQ(s.negativePrompt, "blurry");
    EXPECT_DOUBLE_EQ(s.fitting, 0.4);
    EXPECT_EQ(s.steps, 12);
    EXPECT_DOUBLE_EQ(s.guidance, 9.5);
    EXPECT_EQ(s.seed, 777u);
    EXPECT_EQ(s.variations, 1);
    EXPECT_EQ(model.seen.modelFolder, dir.path() + "/powerpaint-v1");
    EXPECT_GT(cv::countNonZero(model.seen.mask), 0) << "the painted mask goes with the request";

    // "New seed" picks another one.
    QTest::mouseClick(options->newSeedButton(), Qt::LeftButton);
    EXPECT_NE(options->seedBox()->value(), seedBefore);
}

TEST_F(PromptFillWindow, TheCpuEngineIsSaidToBeSlowAndUsesFewerSteps) {
    // The window's engine runs on the CPU (the fixture's options).
    QTRY_VERIFY_WITH_TIMEOUT(window.engineBridge()->isReady(), 20000);
    EXPECT_TRUE(options->cpuNote()->isVisibleTo(options));
    EXPECT_EQ(options->stepsBox()->value(), pm::ui::PromptFillOptions::kCpuDefaultSteps);
}

TEST_F(PromptFillWindow, AModelErrorIsShownAndNothingChanges) {
    installModel();
    openPhotoWithMask();
    options->promptEdit()->setText("a cat");
    window.setPromptFillRunner([](const PromptFillRequest&, pm::engine::JobContext&) -> PromptFillResult {
        throw pm::Error("prompt fill models are not built in");
    });
    const cv::Mat before = doc->image().clone();
    QSignalSpy failed(window.applyController(), &pm::ui::ApplyController::failed);
    window.applyCurrentMode();
    ASSERT_TRUE(failed.wait(10000));
    EXPECT_TRUE(failed.front().front().toString().contains("not built in"));
    EXPECT_EQ(cv::norm(doc->image(), before, cv::NORM_INF), 0);
    EXPECT_TRUE(window.modePanel()->applyButton()->isEnabled()) << "ready for another try";
}

}  // namespace
