#include "ui/cartoon_preview.h"

#include "core/image/qimage_convert.h"
#include "ui/document.h"
#include "ui/engine_bridge.h"

namespace pm::ui {

CartoonPreview::CartoonPreview(EngineBridge* bridge, QObject* parent) : QObject(parent), bridge_(bridge) {}

void CartoonPreview::request(Document* document, const ops::CartoonParams& params) {
    document_ = document;
    params_ = params;
    if (job_) {
        dirty_ = true;
        return;
    }
    start();
}

void CartoonPreview::start() {
    if (!document_) return;
    dirty_ = false;
    auto result = std::make_shared<cv::Mat>();
    const cv::Mat image = document_->image().clone();
    const ops::CartoonParams params = params_;
    job_ = bridge_->submit(tr("Preview"), [result, image, params](engine::JobContext&) {
        *result = ops::previewCartoon(image, params);
    });
    connect(job_, &EngineJob::finished, this,
            [this, result](engine::JobOutcome outcome) { onFinished(outcome, *result); });
}

void CartoonPreview::onFinished(engine::JobOutcome outcome, const cv::Mat& result) {
    job_ = nullptr;
    if (dirty_) {
        start();
        return;
    }
    if (outcome == engine::JobOutcome::Done && document_ && !result.empty())
        emit ready(document_, image::toQImage(result));
}

}  // namespace pm::ui
