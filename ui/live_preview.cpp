#include "ui/live_preview.h"

#include "core/image/qimage_convert.h"
#include "ui/document.h"
#include "ui/engine_bridge.h"

namespace pm::ui {

LivePreview::LivePreview(EngineBridge* bridge, QObject* parent) : QObject(parent), bridge_(bridge) {}

void LivePreview::request(Document* document, Render render) {
    document_ = document;
    render_ = std::move(render);
    if (job_) {
        dirty_ = true;
        return;
    }
    start();
}

void LivePreview::start() {
    if (!document_ || !render_) return;
    dirty_ = false;
    auto result = std::make_shared<cv::Mat>();
    const cv::Mat image = document_->image().clone();
    job_ = bridge_->submit(tr("Preview"), [result, image, render = render_](engine::JobContext&) {
        *result = render(image);
    });
    connect(job_, &EngineJob::finished, this,
            [this, result](engine::JobOutcome outcome) { onFinished(outcome, *result); });
}

void LivePreview::onFinished(engine::JobOutcome outcome, const cv::Mat& result) {
    job_ = nullptr;
    if (dirty_) {
        start();
        return;
    }
    if (outcome == engine::JobOutcome::Done && document_ && !result.empty())
        emit ready(document_, image::toQImage(result));
}

}  // namespace pm::ui
