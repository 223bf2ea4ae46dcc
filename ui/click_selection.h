#pragma once
// Click-to-select on one document: clicks, Shift/right clicks and box drags on the canvas build a
// prompt, a worker thread computes the selection (core/ops/selection) and the GUI thread puts it
// into the document's mask as one undo step per click. A click that arrives while an older one is
// still computing makes the older result stale: it is dropped, never shown. The magic wand goes
// the same way. With an installed and verified segmentation model ("segment" task, e.g.
// EfficientSAM) and an engine to run it, clicks and boxes go to the model on the engine's worker
// instead: the photo's embedding is computed once (prepareModel(), when the Select tool is chosen)
// and each click only decodes; a model that fails falls back to the built-in selection.
#include <QObject>
#include <QPointer>
#include <QString>
#include <QPoint>
#include <QRect>
#include <QThreadPool>
#include <atomic>
#include <functional>
#include <memory>

#include <opencv2/core.hpp>

#include "core/ops/selection/click_select.h"
#include "core/ops/selection/mask_tools.h"

namespace pm::ui {

class Document;
class EngineBridge;

class ClickSelection : public QObject {
    Q_OBJECT
public:
    explicit ClickSelection(Document* document, QObject* parent = nullptr);
    /// Waits for a computation still running (at most one click's worth): it uses the document.
    ~ClickSelection() override;

    /// positive: the object is here; otherwise: this is not part of it. Image coordinates.
    void addClick(QPoint point, bool positive);
    /// The object lies inside `box` (image coordinates); starts a new selection.
    void setBox(QRect box);
    /// Adds (or with `subtract` takes out) the pixels of similar colour to the one at `point`.
    void wand(QPoint point, bool subtract, const ops::selection::WandSettings& settings);
    /// The next click starts a new selection instead of refining the current one.
    void reset();

    /// Clicks and boxes use the engine's segmentation model when it has a verified one.
    void setEngine(EngineBridge* bridge);
    /// Whether clicks go to a segmentation model now (installed, verified, engine ready).
    bool usesModel() const;
    /// The model's name, or "" when the built-in selection is used.
    QString modelName() const;
    /// Starts computing the photo's embedding in the background, so the first click only decodes.
    /// Does nothing without a model or when it is computed (or queued) for these pixels already.
    void prepareModel();

    bool isBusy() const { return running_ > 0; }
    const ops::selection::SelectionPrompt& prompt() const { return prompt_; }
    void setSettings(const ops::selection::ClickSelectSettings& settings) { settings_ = settings; }

signals:
    void busyChanged(bool busy);
    /// A result went into the mask (stale ones never do).
    void selectionApplied();
    /// The model failed on a click (the built-in selection answered it instead).
    void modelFailed(const QString& message);

private:
    void startSessionIfMaskChanged();
    void run(std::function<cv::Mat(const ops::selection::ClickSelector&)> work, bool wandSubtract, bool isWand,
             std::shared_ptr<ops::selection::SelectionState> next = nullptr);
    /// A click or box: to the model when there is one, else the built-in selection.
    void select(const ops::selection::SelectionPrompt& prompt);
    void runModel(const ops::selection::SelectionPrompt& prompt);
    void finish(quint64 generation, const cv::Mat& result, bool isWand, bool subtract,
                std::shared_ptr<const ops::selection::ClickSelector> selector, quint64 pixelState,
                std::shared_ptr<ops::selection::SelectionState> next = nullptr);

    Document* document_;
    QThreadPool pool_;
    ops::selection::ClickSelectSettings settings_;
    ops::selection::SelectionPrompt prompt_;
    cv::Mat base_;         // the mask before this selection began: the selection is added to it
    cv::Mat lastApplied_;  // the mask as we left it: any other change starts a new selection
    std::shared_ptr<const ops::selection::ClickSelector> selector_;  // built for selectorState_
    quint64 selectorState_ = 0;
    // What the last applied built-in answer leaves for the next click (ClickSelector::select).
    ops::selection::SelectionState lastState_;
    std::atomic<quint64> generation_{0};  // read by the worker to skip stale clicks
    int running_ = 0;

    struct ModelImage;  // the photo's embedding, touched only on the engine's worker
    QPointer<EngineBridge> engine_;
    std::shared_ptr<ModelImage> modelImage_;
    // The pixels whose embedding a queued or finished job computes (0 is a real state: the photo as
    // opened), and whether there is one at all.
    quint64 modelQueuedState_ = 0;
    bool modelQueued_ = false;
};

}  // namespace pm::ui
