#include "ui/variation_strip.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QShortcut>
#include <QVBoxLayout>

#include "core/image/qimage_convert.h"
#include "ui/document.h"

namespace pm::ui {

namespace {
constexpr int kThumbnail = 96;
}

VariationStrip::VariationStrip(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    title_ = new QLabel(tr("Pick a variation:"), this);
    layout->addWidget(title_);
    list_ = new QListWidget(this);
    list_->setViewMode(QListView::IconMode);
    list_->setFlow(QListView::LeftToRight);
    list_->setWrapping(false);
    list_->setMovement(QListView::Static);
    list_->setIconSize({kThumbnail, kThumbnail});
    list_->setFixedHeight(kThumbnail + 40);
    list_->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    layout->addWidget(list_);
    auto* buttons = new QHBoxLayout;
    use_ = new QPushButton(tr("Use this"), this);
    use_->setToolTip(tr("Apply the variation shown on the canvas (one undo step)"));
    discard_ = new QPushButton(tr("Discard"), this);
    discard_->setToolTip(tr("Keep the photo as it was (Esc)"));
    buttons->addWidget(use_);
    buttons->addWidget(discard_);
    layout->addLayout(buttons);
    // Escape anywhere in the window while the strip is shown, as the tooltip says.
    escape_ = new QShortcut(QKeySequence(Qt::Key_Escape), this, this, &VariationStrip::discard,
                            Qt::WindowShortcut);
    escape_->setEnabled(false);

    connect(list_, &QListWidget::currentRowChanged, this, [this](int row) { showVariation(row); });
    connect(use_, &QPushButton::clicked, this, &VariationStrip::useShown);
    connect(discard_, &QPushButton::clicked, this, &VariationStrip::discard);
    setVisible(false);
}

void VariationStrip::offer(Document* document, quint64 stateId, OpSteps choices) {
    document_ = document;
    stateId_ = stateId;
    choices_ = std::move(choices);
    const QSignalBlocker quiet(list_);
    list_->clear();
    for (size_t k = 0; k < choices_.size(); ++k) {
        const QImage thumbnail = image::toQImage(choices_[k].image)
                                     .scaled(kThumbnail, kThumbnail, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        auto* item = new QListWidgetItem(QIcon(QPixmap::fromImage(thumbnail)), QString::number(k + 1), list_);
        item->setToolTip(QString::fromStdString(choices_[k].engineUsed));
    }
    setVisible(true);
    escape_->setEnabled(true);
    list_->setCurrentRow(0);
    showVariation(0);
}

int VariationStrip::count() const { return int(choices_.size()); }

int VariationStrip::shownIndex() const { return choices_.empty() ? -1 : list_->currentRow(); }

void VariationStrip::showVariation(int index) {
    if (index < 0 || index >= count()) return;
    if (list_->currentRow() != index) list_->setCurrentRow(index);  // comes back here once
    emit previewChanged(document_, image::toQImage(choices_[index].image));
}

bool VariationStrip::useShown() {
    const int index = shownIndex();
    if (index < 0) return false;
    Document* document = document_;
    if (!document) {
        close();
        return false;
    }
    if (document->pixelStateId() != stateId_) {
        close();
        emit failed(tr("The photo changed after the variations were made; none was applied."));
        return false;
    }
    const OpOutput::Step step = choices_[index];
    close();
    ApplyController::applyStep(document, step);
    emit used(tr("Variation %1 (%2)").arg(index + 1).arg(QString::fromStdString(step.engineUsed)), document);
    return true;
}

void VariationStrip::discard() { close(); }

void VariationStrip::close() {
    Document* document = document_;
    choices_.clear();
    document_ = nullptr;
    {
        const QSignalBlocker quiet(list_);
        list_->clear();
    }
    escape_->setEnabled(false);
    setVisible(false);
    emit previewChanged(document, QImage());
}

}  // namespace pm::ui
