#include "ui/click_selection.h"

#include <QMetaObject>

#include "core/common/error.h"
#include "core/engine/inference_session.h"
#include "core/image/pixel_convert.h"
#include "ui/document.h"
#include "ui/engine_bridge.h"

namespace pm::ui {

namespace sel = ops::selection;

namespace {
constexpr const char* kSegmentTask = "segment";
}  // namespace

struct ClickSelection::ModelImage {
    std::unique_ptr<engine::SegmentImage> image;  // null until a job made it
    quint64 pixelState = 0;
    const engine::InferenceSession* session = nullptr;  // the model that made it (a reload makes another)
};

ClickSelection::ClickSelection(Document* document, QObject* parent)
    : QObject(parent), document_(document) {
    // One computation at a time: a newer click waits for the running one, whose result is then
    // stale and dropped, and queued clicks that are already stale are skipped without computing.
    pool_.setMaxThreadCount(1);
}

ClickSelection::~ClickSelection() { pool_.waitForDone(); }

void ClickSelection::startSessionIfMaskChanged() {
    const cv::Mat& mask = document_->mask();
    const bool changed = lastApplied_.empty() || cv::norm(mask, lastApplied_, cv::NORM_INF) != 0;
    if (!changed) return;
    base_ = mask.clone();
    lastApplied_ = base_.clone();
    prompt_ = {};
}

void ClickSelection::reset() { lastApplied_.release(); }

void ClickSelection::addClick(QPoint point, bool positive) {
    startSessionIfMaskChanged();
    if (!positive && prompt_.empty()) return;  // "not this" means nothing before anything is selected
    (positive ? prompt_.positive : prompt_.negative).push_back({point.x(), point.y()});
    select(prompt_);
}

void ClickSelection::setBox(QRect box) {
    reset();
    startSessionIfMaskChanged();
    prompt_.box = cv::Rect(box.x(), box.y(), box.width(), box.height()) &
                  cv::Rect(0, 0, document_->image().cols, document_->image().rows);
    if (prompt_.box.empty()) return;
    select(prompt_);
}

void ClickSelection::select(const sel::SelectionPrompt& prompt) {
    if (usesModel()) {
        runModel(prompt);
        return;
    }
    // The last answer goes with the click: a negative click then re-cuts only its box.
    const sel::SelectionState previous =
        selectorState_ == document_->pixelStateId() ? lastState_ : sel::SelectionState{};
    auto next = std::make_shared<sel::SelectionState>();
    run([prompt, previous, next](const sel::ClickSelector& selector) {
        return selector.select(prompt, previous, next.get());
    }, false, false, next);
}

void ClickSelection::setEngine(EngineBridge* bridge) { engine_ = bridge; }

QString ClickSelection::modelName() const {
    if (!engine_ || !engine_->isReady()) return {};
    for (const engine::ModelStatus& model : engine_->engine().models())
        if (model.entry.task == kSegmentTask && model.state == engine::ModelState::Verified)
            return QString::fromStdString(model.entry.name);
    return {};
}

bool ClickSelection::usesModel() const { return !modelName().isEmpty(); }

void ClickSelection::prepareModel() {
    const quint64 state = document_->pixelStateId();
    if (!usesModel() || (modelQueued_ && modelQueuedState_ == state)) return;
    modelQueuedState_ = state;
    modelQueued_ = true;
    if (!modelImage_) modelImage_ = std::make_shared<ModelImage>();
    engine_->submit(tr("Preparing the selection model"),
                    [holder = modelImage_, pixels = document_->image().clone(), state](engine::JobContext& ctx) {
        engine::InferenceSession* model = ctx.model(kSegmentTask);
        if (!model || (holder->image && holder->pixelState == state && holder->session == model)) return;
        holder->image = model->prepareSegment(image::toBgr8(pixels));
        holder->pixelState = state;
        holder->session = model;
    });
}

void ClickSelection::runModel(const sel::SelectionPrompt& prompt) {
    const quint64 state = document_->pixelStateId();
    // The embedding is made once per pixel state: a click right after opening the tool waits for
    // the preparing job (jobs run in order), later clicks only decode.
    const cv::Mat pixels = modelQueued_ && modelQueuedState_ == state ? cv::Mat() : document_->image().clone();
    modelQueuedState_ = state;
    modelQueued_ = true;
    if (!modelImage_) modelImage_ = std::make_shared<ModelImage>();
    const quint64 generation = ++generation_;
    if (running_++ == 0) emit busyChanged(true);
    auto result = std::make_shared<cv::Mat>();
    engine::SegmentPrompt request{prompt.positive, prompt.negative, prompt.box};
    EngineJob* job = engine_->submit(tr("Select object"), [holder = modelImage_, pixels, state, request, result](
                                                              engine::JobContext& ctx) {
        engine::InferenceSession* model = ctx.model(kSegmentTask);
        if (!model) throw Error("the segmentation model is no longer loaded");
        if (!holder->image || holder->pixelState != state || holder->session != model) {
            if (pixels.empty()) throw Error("the photo's embedding was not computed");
            holder->image = model->prepareSegment(image::toBgr8(pixels));
            holder->pixelState = state;
            holder->session = model;
        }
        *result = holder->image->select(request);
    });
    connect(job, &EngineJob::finished, this, [this, generation, result, state, prompt](engine::JobOutcome outcome,
                                                                                        const QString& message) {
        if (outcome == engine::JobOutcome::Done) {
            finish(generation, *result, false, false, nullptr, state);
            return;
        }
        // The built-in selection answers this click; the next one tries the model again, from a
        // fresh embedding.
        modelQueued_ = false;
        if (outcome == engine::JobOutcome::Failed) emit modelFailed(message);
        if (--running_ == 0) emit busyChanged(false);
        if (generation != generation_.load()) return;
        run([prompt](const sel::ClickSelector& selector) { return selector.select(prompt); }, false, false);
    });
}

void ClickSelection::wand(QPoint point, bool subtract, const sel::WandSettings& settings) {
    const cv::Point seed(point.x(), point.y());
    run([seed, settings](const sel::ClickSelector& selector) {
        return sel::magicWand(selector.photo(), seed, settings);
    }, subtract, true);
}

void ClickSelection::run(std::function<cv::Mat(const sel::ClickSelector&)> work, bool subtract, bool isWand,
                         std::shared_ptr<sel::SelectionState> next) {
    const quint64 state = document_->pixelStateId();
    std::shared_ptr<const sel::ClickSelector> selector = selectorState_ == state ? selector_ : nullptr;
    // The worker gets its own copy of the pixels (the GUI thread keeps editing the document's); the
    // selector built from it is kept for the next click on the same pixels.
    const cv::Mat pixels = selector ? cv::Mat() : document_->image().clone();
    const quint64 generation = ++generation_;
    if (running_++ == 0) emit busyChanged(true);
    const sel::ClickSelectSettings settings = settings_;
    pool_.start([this, work, selector, pixels, settings, generation, state, subtract, isWand, next] {
        std::shared_ptr<const sel::ClickSelector> use = selector;
        cv::Mat result;
        if (generation == generation_.load()) {
            if (!use) use = std::make_shared<const sel::ClickSelector>(pixels, settings);
            result = work(*use);
        }
        QMetaObject::invokeMethod(this, [this, generation, result, isWand, subtract, use, state, next] {
            finish(generation, result, isWand, subtract, use, state, next);
        }, Qt::QueuedConnection);
    });
}

void ClickSelection::finish(quint64 generation, const cv::Mat& result, bool isWand, bool subtract,
                            std::shared_ptr<const sel::ClickSelector> selector, quint64 pixelState,
                            std::shared_ptr<sel::SelectionState> next) {
    const bool current = pixelState == document_->pixelStateId();
    if (selector && current) {
        selector_ = std::move(selector);
        selectorState_ = pixelState;
    }
    // Only an answer that goes into the mask, for these pixels, is one the next click may refine.
    lastState_ = next && current && generation == generation_.load() && !result.empty() ? *next
                                                                                        : sel::SelectionState{};
    if (--running_ == 0) emit busyChanged(false);
    // A newer click came (its result follows), or the photo changed under the computation.
    if (generation != generation_.load() || !current || result.empty()) return;
    if (isWand) {
        cv::Mat mask = document_->mask().clone();
        if (subtract) mask.setTo(0, result);
        else mask.setTo(255, result);
        document_->setMask(mask, tr("Magic wand"));
        reset();  // the next click starts from the mask with the wand's pixels
    } else {
        document_->setMask(base_ | result, tr("Select object"));
        lastApplied_ = document_->mask().clone();
    }
    emit selectionApplied();
}

}  // namespace pm::ui
