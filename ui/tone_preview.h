#pragma once
// Live preview of the colour/grain/sharpen sliders: a downscaled result computed on the worker while
// the sliders move. If the sliders change while a preview is being computed, it is marked dirty and
// recomputed once it ends (nomacs), so the worker never piles up stale previews.
#include <QImage>
#include <QObject>
#include <QPointer>
#include <optional>

#include "core/ops/tone/tone.h"
#include "ui/engine_job.h"

namespace pm::ui {

class Document;
class EngineBridge;

class TonePreview : public QObject {
    Q_OBJECT
public:
    explicit TonePreview(EngineBridge* bridge, QObject* parent = nullptr);
    void request(Document* document, const ops::ToneParams& params);

signals:
    /// A preview of the whole photo (smaller than it), for `document`.
    void ready(Document* document, const QImage& preview);

private:
    void start();
    void onFinished(engine::JobOutcome outcome, const cv::Mat& result);

    EngineBridge* bridge_;
    QPointer<EngineJob> job_;  ///< the preview being computed; null when none
    QPointer<Document> document_;
    ops::ToneParams params_;
    bool dirty_ = false;
};

}  // namespace pm::ui
