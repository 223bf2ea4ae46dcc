#pragma once
// Runs operations on the engine's worker for one document and applies what comes back: each step as
// its own undo step, a new mask as a mask edit. Requests are immutable snapshots; a result whose
// document was closed or whose pixels changed meanwhile is dropped, never applied to the wrong state.
#include <QObject>
#include <QPointer>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "core/engine/engine.h"
#include "ui/engine_job.h"

namespace pm::ui {

class Document;
class EngineBridge;

/// What an operation hands back to the document.
struct OpOutput {
    struct Step {
        std::string undoText;
        cv::Mat image;        ///< the whole image after the step
        cv::Rect changed;
        std::string engineUsed;
    };
    std::vector<Step> steps;  ///< applied in order, one undo step each
    /// Results to pick from (several variations of a prompt fill): none is applied; choicesReady
    /// offers them, and the one picked is applied with applyStep.
    std::vector<Step> choices;
    cv::Mat mask;             ///< when set, replaces the mask (one undo step named maskText)
    std::string maskText;
    std::string summary;      ///< for the status bar; "" = built from the steps
};

using OpSteps = std::vector<OpOutput::Step>;

/// An operation on snapshots of the document's image and mask, run on the worker.
using OpJob = std::function<OpOutput(const cv::Mat& image, const cv::Mat& mask, engine::JobContext&)>;

class ApplyController : public QObject {
    Q_OBJECT
public:
    explicit ApplyController(EngineBridge* bridge, QObject* parent = nullptr);

    /// Starts `job` on the document. With `needsMask`, refuses (emits failed) when nothing is
    /// painted. Returns false when it did not start (also while another job runs).
    bool run(Document* document, const QString& label, OpJob job, bool needsMask);
    void cancel();
    bool isBusy() const { return job_ != nullptr; }
    /// Applies one step to `document` as one undo step: a result of another size (the canvas
    /// extended) replaces the image. Returns false when nothing changed.
    static bool applyStep(Document* document, const OpOutput::Step& step);

signals:
    void busyChanged(bool busy);
    void progress(int percent, const QString& stage);
    /// The result was applied to `document`; `summary` is for the status bar and that document's
    /// note (e.g. which engine filled). It may no longer be the current document.
    void applied(const QString& summary, pm::ui::Document* document);
    void cancelled();
    /// The job handed back results to pick from, made from `document` at pixel state `stateId`.
    void choicesReady(pm::ui::Document* document, quint64 stateId, const pm::ui::OpSteps& choices);
    void failed(const QString& message);

private:
    struct Pending;
    void onFinished(const Pending& pending, engine::JobOutcome outcome, const QString& message);

    EngineBridge* bridge_;
    QPointer<EngineJob> job_;  ///< the running request; null when idle
};

}  // namespace pm::ui
