#pragma once
// Which language the window speaks: the system locale unless the user picked one in Preferences.
#include <QLocale>
#include <QString>
#include <QStringList>
#include <memory>

class QCoreApplication;
class QTranslator;

namespace pm::i18n {

/// The QSettings key holding the override: empty = follow the system, otherwise a code like
/// "zh_CN".
inline constexpr const char* kLanguageSettingKey = "language";

struct Language {
    QString code;        ///< "en", "zh_CN"
    QString nativeName;  ///< shown in its own language: "English", "简体中文"
};

/// English (the source language) first, then every translation built into the program.
QList<Language> availableLanguages();

/// The override saved in QSettings, or an empty string when the system locale decides.
QString languageSetting();
void setLanguageSetting(const QString& code);

/// The locale whose translation is used: the override when set, otherwise `system`.
QLocale resolveLocale(const QString& setting, const QLocale& system);

/// Owns the installed translators (PhotoMend's own and Qt's for standard dialogs).
class TranslationLoader {
public:
    TranslationLoader();
    ~TranslationLoader();

    /// Removes any translators installed before, then installs those for `locale`.
    /// Returns the code of the PhotoMend translation in use, or "en" when the source text is used.
    QString install(const QLocale& locale);

private:
    void removeAll();

    std::unique_ptr<QTranslator> own_;
    std::unique_ptr<QTranslator> qt_;
    QString active_ = QStringLiteral("en");
};

}  // namespace pm::i18n
