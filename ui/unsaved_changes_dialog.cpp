#include "ui/unsaved_changes_dialog.h"

#include <algorithm>
#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

#include "ui/document.h"

namespace pm::ui {

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
        box->setDefaultButton(QMessageBox::Cancel);
    }
    return box;
}

UnsavedChangesDialog::UnsavedChangesDialog(const QList<Document*>& documents, QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(tr("Unsaved changes"));
    auto* layout = new QVBoxLayout(this);
    auto* text = new QLabel(tr("%n photo(s) have unsaved work. Save them before closing?", nullptr,
                               int(documents.size())),
                            this);
    text->setWordWrap(true);
    layout->addWidget(text);

    list_ = new QListWidget(this);
    list_->setSelectionMode(QAbstractItemView::NoSelection);
    list_->setFocusPolicy(Qt::NoFocus);
    bool anySavable = false, anyMask = false;
    for (const Document* document : documents) {
        auto* item = new QListWidgetItem(
            QStringLiteral("%1 — %2").arg(document->displayName(), describeUnsavedWork(*document)), list_);
        item->setToolTip(document->path());
        item->setIcon(style()->standardIcon(QStyle::SP_FileIcon));
        anySavable = anySavable || document->isModified();
        anyMask = anyMask || document->hasMask();
    }
    list_->setMinimumWidth(420);
    list_->setMaximumHeight(list_->sizeHintForRow(0) * std::min<int>(int(documents.size()), 8) + 8);
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
    if (!anySavable) cancel_->setDefault(true);
    layout->addWidget(buttons);
}

}  // namespace pm::ui
