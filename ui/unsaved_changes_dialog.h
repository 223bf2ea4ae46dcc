#pragma once
// The questions asked before unsaved work is closed: one photo (closing its tab, or quitting with
// only it unsaved) or one dialog listing every photo with unsaved work (quitting with several),
// like Gwenview, Krita and Qt Creator do. A painted mask that was never applied is unsaved work
// too, but it is not part of the saved photo, so for it the choice is only Keep Editing or Discard.
#include <QDialog>
#include <QList>
#include <QMessageBox>

class QListWidget;
class QPushButton;

namespace pm::ui {

class Document;

/// A short phrase for what closing `document` would lose ("unsaved changes", "painted mask
/// not applied", ...); empty when nothing.
QString describeUnsavedWork(const Document& document);

/// The question for one photo. Save | Discard | Cancel when there is something to save; for a
/// painted mask alone only Discard ("Discard Mask") | Cancel ("Keep Editing").
/// The caller owns the box (not shown yet).
QMessageBox* createCloseDocumentQuestion(QWidget* parent, const Document& document);

/// Lists `documents` (each with what it would lose); answers SaveAll, Discard (all) or Cancel.
/// Save All is offered only when at least one of them has changes that can be saved.
class UnsavedChangesDialog : public QDialog {
    Q_OBJECT
public:
    UnsavedChangesDialog(const QList<Document*>& documents, QWidget* parent = nullptr);

    /// What the user chose; Cancel until a button was pressed.
    QMessageBox::StandardButton choice() const { return choice_; }
    QListWidget* list() const { return list_; }
    /// Null when nothing listed can be saved.
    QPushButton* saveAllButton() const { return saveAll_; }
    QPushButton* discardAllButton() const { return discardAll_; }
    QPushButton* cancelButton() const { return cancel_; }

private:
    QMessageBox::StandardButton choice_ = QMessageBox::Cancel;
    QListWidget* list_;
    QPushButton* saveAll_ = nullptr;
    QPushButton* discardAll_;
    QPushButton* cancel_;
};

}  // namespace pm::ui
