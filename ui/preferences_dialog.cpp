#include "ui/preferences_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QVBoxLayout>

#include "i18n/translation_loader.h"

namespace pm::ui {

PreferencesDialog::PreferencesDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Preferences"));

    language_ = new QComboBox(this);
    // Empty data = follow the system; language names stay in their own language so anyone finds
    // theirs.
    language_->addItem(tr("System default (%1)").arg(QLocale::system().nativeLanguageName()),
                       QString());
    for (const i18n::Language& language : i18n::availableLanguages())
        language_->addItem(language.nativeName, language.code);
    const int current = language_->findData(i18n::languageSetting());
    language_->setCurrentIndex(current < 0 ? 0 : current);

    auto* form = new QFormLayout;
    form->addRow(tr("&Language:"), language_);
    auto* note = new QLabel(tr("A new language shows the next time PhotoMend starts."), this);
    note->setWordWrap(true);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addStretch();
    layout->addWidget(buttons);
}

void PreferencesDialog::accept() {
    i18n::setLanguageSetting(language_->currentData().toString());
    QDialog::accept();
}

}  // namespace pm::ui
