#include "ui/tone_preview.h"

#include "core/image/qimage_convert.h"
#include "ui/document.h"
#include "ui/engine_bridge.h"

namespace pm::ui {

TonePreview::TonePreview(EngineBridge* bridge, QObject* parent) : QObject(parent), bridge_(bridge) {
    connect(bridge_, &EngineBridge::finished, this,
            [this](quint64 id, int outcome, const QString&) { onFinished(id, outcome); });
}

void TonePreview::request(Document* document, const ops::ToneParams& params) {
    document_ = document;
    params_ = params;
    if (jobId_) {
        dirty_ = true;
        return;
    }
    start();
}

void TonePreview::start() {
    if (!document_) return;
    dirty_ = false;
    auto result = std::make_shared<cv::Mat>();
    const cv::Mat image = document_->image().clone();
    const ops::ToneParams params = params_;
    jobId_ = bridge_->submit(tr("Preview"), [result, image, params](engine::JobContext&) {
        *result = ops::previewTone(image, params);
    });
    result_ = result;
}

void TonePreview::onFinished(quint64 id, int outcome) {
    if (id != jobId_) return;
    jobId_ = 0;
    if (dirty_) {
        start();
        return;
    }
    if (engine::JobOutcome(outcome) == engine::JobOutcome::Done && document_ && !result_->empty())
        emit ready(document_, image::toQImage(*result_));
}

}  // namespace pm::ui
