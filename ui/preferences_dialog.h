#pragma once
// Edit > Preferences…: the language override (the system locale decides unless the user picks one).
#include <QDialog>

class QComboBox;

namespace pm::ui {

class PreferencesDialog : public QDialog {
    Q_OBJECT
public:
    explicit PreferencesDialog(QWidget* parent = nullptr);

    QComboBox* languageBox() const { return language_; }

    /// Saves the choice; the new language shows from the next start.
    void accept() override;

private:
    QComboBox* language_;
};

}  // namespace pm::ui
