#pragma once
// Live preview of a mode's options (tone sliders, cartoon style and strength): a downscaled result
// computed on the worker while the options move. If they change while a preview is being computed,
// it is marked dirty and recomputed once it ends (nomacs), so the worker never piles up stale
// previews.
#include <QImage>
#include <QObject>
#include <QPointer>
#include <functional>

#include <opencv2/core.hpp>

#include "ui/engine_job.h"

namespace pm::ui {

class Document;
class EngineBridge;

class LivePreview : public QObject {
    Q_OBJECT
public:
    /// Makes the preview of a copy of the photo; runs on the engine's worker.
    using Render = std::function<cv::Mat(const cv::Mat& photo)>;

    explicit LivePreview(EngineBridge* bridge, QObject* parent = nullptr);
    void request(Document* document, Render render);

signals:
    /// A preview of the whole photo (smaller than it), for `document`.
    void ready(Document* document, const QImage& preview);

private:
    void start();
    void onFinished(engine::JobOutcome outcome, const cv::Mat& result);

    EngineBridge* bridge_;
    QPointer<EngineJob> job_;  ///< the preview being computed; null when none
    QPointer<Document> document_;
    Render render_;
    bool dirty_ = false;
};

}  // namespace pm::ui
