#pragma once
// Live preview of Cartoonize while its options change: a downscaled built-in cartoon computed on the
// worker. As with the tone preview, a change during a computation marks it dirty and one more
// preview follows when it ends, so stale previews never pile up on the worker.
#include <QImage>
#include <QObject>
#include <QPointer>

#include "core/ops/cartoon/cartoon.h"
#include "ui/engine_job.h"

namespace pm::ui {

class Document;
class EngineBridge;

class CartoonPreview : public QObject {
    Q_OBJECT
public:
    explicit CartoonPreview(EngineBridge* bridge, QObject* parent = nullptr);
    void request(Document* document, const ops::CartoonParams& params);

signals:
    /// A preview of the whole photo (at most 1024 px on its long side), for `document`.
    void ready(Document* document, const QImage& preview);

private:
    void start();
    void onFinished(engine::JobOutcome outcome, const cv::Mat& result);

    EngineBridge* bridge_;
    QPointer<EngineJob> job_;  ///< the preview being computed; null when none
    QPointer<Document> document_;
    ops::CartoonParams params_;
    bool dirty_ = false;
};

}  // namespace pm::ui
