#include "ui/unsaved_changes_dialog.h"

#include <algorithm>
#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <QVBoxLayout>

#include "ui/document.h"

namespace pm::ui {

namespace {
const QSize kThumbnail(64, 48);

/// The photo scaled into a kThumbnail box, centred, so that every row's text lines up.
QPixmap thumbnail(const QImage& photo) {
    QPixmap pixmap(kThumbnail);
    pixmap.fill(Qt::transparent);
    const QImage scaled = photo.scaled(kThumbnail, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    QPainter painter(&pixmap);
    painter.drawImage((kThumbnail.width() - scaled.width()) / 2, (kThumbnail.height() - scaled.height()) / 2, scaled);
    return pixmap;
}
}  // namespace

QString describeUnsavedWork(const Document& document) {
    const QString mask = UnsavedChangesDialog::tr("painted mask not applied");
    QString what;
    if (document.isUntitled()) what = UnsavedChangesDialog::tr("new photo, never saved");
    else if (document.isModified()) what = UnsavedChangesDialog::tr("unsaved changes");
    if (document.hasMask()) what = what.isEmpty() ? mask : what + QStringLiteral(", ") + mask;
    return what;
}

QMessageBox* createCloseDocumentQuestion(QWidget* parent, const Document& document) {
    auto* box = new QMessageBox(QMessageBox::Question, UnsavedChangesDialog::tr("Unsaved changes"), QString(),
                                QMessageBox::NoButton, parent);
    const QString name = document.displayName();
    if (document.isModified()) {
        box->setText(UnsavedChangesDialog::tr("“%1” has unsaved changes. Save them before closing?").arg(name));
        if (document.hasMask())
            box->setInformativeText(UnsavedChangesDialog::tr(
                "Its painted mask was not applied; the mask is not saved with the photo and will be lost."));
        box->setStandardButtons(QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
        box->setDefaultButton(QMessageBox::Save);
    } else {
        // Only a mask: saving would not keep it, so there is nothing to offer but keeping it.
        box->setText(UnsavedChangesDialog::tr("“%1” has a painted mask that was not applied.").arg(name));
        box->setInformativeText(UnsavedChangesDialog::tr(
            "The mask is not saved with the photo. Apply it to keep its result, or close and lose it."));
        box->setStandardButtons(QMessageBox::Discard | QMessageBox::Cancel);
        box->button(QMessageBox::Discard)->setText(UnsavedChangesDialog::tr("&Discard Mask"));
        box->button(QMessageBox::Cancel)->setText(UnsavedChangesDialog::tr("&Keep Editing"));
        box->button(QMessageBox::Cancel)->setIcon(QIcon());  // not the style's "cancel" cross
        box->setDefaultButton(QMessageBox::Cancel);
    }
    return box;
}

UnsavedChangesDialog::UnsavedChangesDialog(const QList<Document*>& documents, QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(tr("Unsaved changes"));
    auto* layout = new QVBoxLayout(this);
    const bool anySavable = std::any_of(documents.begin(), documents.end(),
                                        [](const Document* d) { return d->isModified(); });
    const bool anyMask = std::any_of(documents.begin(), documents.end(),
                                     [](const Document* d) { return d->hasMask(); });
    const int n = int(documents.size());
    auto* text = new QLabel(anySavable ? tr("%n photo(s) have unsaved work. Save them before closing?", nullptr, n)
                                       : tr("%n photo(s) have painted masks that were not applied.", nullptr, n),
                            this);
    text->setWordWrap(true);
    layout->addWidget(text);

    list_ = new QListWidget(this);
    list_->setSelectionMode(QAbstractItemView::NoSelection);
    list_->setFocusPolicy(Qt::NoFocus);
    list_->setIconSize(kThumbnail);
    for (Document* document : documents) {
        auto* item = new QListWidgetItem(
            QStringLiteral("%1 — %2").arg(document->displayName(), describeUnsavedWork(*document)), list_);
        item->setToolTip(document->path());
        // A thumbnail tells photos with similar names apart (scan-1, scan-2...).
        item->setIcon(thumbnail(document->displayImage()));
    }
    list_->setMinimumWidth(420);
    // Up to six rows without scrolling; more scroll.
    list_->setUniformItemSizes(true);
    list_->setFixedHeight(list_->sizeHintForRow(0) * std::min(n, 6) + 2 * list_->frameWidth() + 6);
    layout->addWidget(list_);

    if (anyMask) {
        auto* note = new QLabel(tr("Painted masks that were not applied are not saved with the photos."), this);
        note->setWordWrap(true);
        layout->addWidget(note);
    }
    if (std::any_of(documents.begin(), documents.end(), [](const Document* d) { return d->isUntitled(); })) {
        auto* note = new QLabel(tr("New photos ask for a file name each."), this);
        note->setWordWrap(true);
        layout->addWidget(note);
    }

    auto* buttons = new QDialogButtonBox(this);
    if (anySavable) {
        saveAll_ = buttons->addButton(QDialogButtonBox::SaveAll);
        saveAll_->setDefault(true);
        connect(saveAll_, &QPushButton::clicked, this, [this] { choice_ = QMessageBox::SaveAll; accept(); });
    }
    discardAll_ = buttons->addButton(tr("&Discard All"), QDialogButtonBox::DestructiveRole);
    connect(discardAll_, &QPushButton::clicked, this, [this] { choice_ = QMessageBox::Discard; accept(); });
    cancel_ = buttons->addButton(QDialogButtonBox::Cancel);
    connect(cancel_, &QPushButton::clicked, this, [this] { choice_ = QMessageBox::Cancel; reject(); });
    if (!anySavable) {
        // Nothing here can be saved: the choice is the same as for one photo's mask.
        cancel_->setText(tr("&Keep Editing"));
        cancel_->setIcon(QIcon());
        cancel_->setDefault(true);
    }
    layout->addWidget(buttons);
}

}  // namespace pm::ui
