#include "i18n/translation_loader.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLibraryInfo>
#include <QSettings>
#include <QTranslator>

namespace pm::i18n {

namespace {
// qt_add_translations embeds the compiled .qm files here (see app/CMakeLists.txt).
const QString kResourceDir = QStringLiteral(":/i18n");
const QString kPrefix = QStringLiteral("photomend_");
}  // namespace

QList<Language> availableLanguages() {
    QList<Language> languages{{QStringLiteral("en"), QStringLiteral("English")}};
    const QStringList files =
        QDir(kResourceDir).entryList({kPrefix + "*.qm"}, QDir::Files, QDir::Name);
    for (const QString& file : files) {
        const QString code = file.mid(kPrefix.size()).chopped(3);
        const QLocale locale(code);
        QString name = locale.nativeLanguageName();
        // "中文" alone does not say which script; name the variant as Chinese users expect.
        if (locale.language() == QLocale::Chinese)
            name = locale.script() == QLocale::TraditionalChineseScript
                       ? QStringLiteral("繁體中文")
                       : QStringLiteral("简体中文");
        languages.append({code, name});
    }
    return languages;
}

QString languageSetting() {
    return QSettings().value(kLanguageSettingKey).toString();
}

void setLanguageSetting(const QString& code) {
    QSettings settings;
    if (code.isEmpty())
        settings.remove(kLanguageSettingKey);
    else
        settings.setValue(kLanguageSettingKey, code);
}

QLocale resolveLocale(const QString& setting, const QLocale& system) {
    return setting.isEmpty() ? system : QLocale(setting);
}

TranslationLoader::TranslationLoader() = default;

TranslationLoader::~TranslationLoader() {
    removeAll();
}

void TranslationLoader::removeAll() {
    for (auto* t : {own_.get(), qt_.get()})
        if (t) QCoreApplication::removeTranslator(t);
    own_.reset();
    qt_.reset();
    active_ = QStringLiteral("en");
}

QString TranslationLoader::install(const QLocale& locale) {
    removeAll();
    auto own = std::make_unique<QTranslator>();
    if (!own->load(locale, QStringLiteral("photomend"), QStringLiteral("_"), kResourceDir))
        return active_;
    QCoreApplication::installTranslator(own.get());
    active_ = QFileInfo(own->filePath()).completeBaseName().mid(kPrefix.size());
    own_ = std::move(own);

    // Qt's own strings (standard buttons, file dialogs) come from qt6-translations-l10n when
    // installed.
    auto qt = std::make_unique<QTranslator>();
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qt.get());
        qt_ = std::move(qt);
    }
    return active_;
}

}  // namespace pm::i18n
