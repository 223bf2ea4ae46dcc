#pragma once
// The variations of a prompt fill to pick from (issue 18): a strip of thumbnails under the mode's
// buttons. Clicking one shows it on the canvas (previewChanged), "Use this" applies it as one undo
// step, Discard or Escape keeps the photo as it was. The photo must not have changed since the
// variations were made; if it did, nothing is applied.
#include <QImage>
#include <QPointer>
#include <QWidget>

#include "ui/apply_controller.h"

class QLabel;
class QListWidget;
class QPushButton;
class QShortcut;

namespace pm::ui {

class Document;

class VariationStrip : public QWidget {
    Q_OBJECT
public:
    explicit VariationStrip(QWidget* parent = nullptr);

    /// Shows `choices` (made from `document` at pixel state `stateId`) and previews the first.
    void offer(Document* document, quint64 stateId, OpSteps choices);
    int count() const;
    /// The variation shown on the canvas now (-1: none offered).
    int shownIndex() const;
    void showVariation(int index);
    /// Applies the shown variation; returns false when it was not applied.
    bool useShown();
    /// Keeps the photo as it was and hides the strip.
    void discard();
    Document* document() const { return document_; }

    QListWidget* list() const { return list_; }
    QPushButton* useButton() const { return use_; }
    QPushButton* discardButton() const { return discard_; }

signals:
    /// Show `preview` over `document`'s canvas instead of its photo; a null image ends the preview.
    void previewChanged(pm::ui::Document* document, const QImage& preview);
    /// A variation was applied; `summary` says which (for the status bar).
    void used(const QString& summary, pm::ui::Document* document);
    void failed(const QString& message);

private:
    void close();

    QLabel* title_;
    QListWidget* list_;
    QPushButton* use_;
    QPushButton* discard_;
    QShortcut* escape_;
    QPointer<Document> document_;
    quint64 stateId_ = 0;
    OpSteps choices_;
};

}  // namespace pm::ui
