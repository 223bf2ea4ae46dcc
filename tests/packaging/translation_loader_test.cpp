// The window speaks the system's language (zh_CN here) unless the user overrides it, and English
// when there is no translation for the locale.
#include <gtest/gtest.h>
#include <QApplication>
#include <QMenuBar>

#include "i18n/translation_loader.h"
#include "tests/support/engine_options.h"
#include "tests/support/testdata.h"
#include "ui/main_window.h"

namespace {

QStringList menuTitles(const pm::ui::MainWindow& window) {
    QStringList titles;
    for (QAction* action : window.menuBar()->actions()) titles << action->text();
    return titles;
}

TEST(TranslationLoader, ChineseLocaleGivesAChineseWindow) {
    pm::test::TempDir dir;
    pm::i18n::TranslationLoader loader;
    ASSERT_EQ(loader.install(QLocale("zh_CN")), "zh_CN")
        << "the zh_CN translation is built into the program";
    pm::ui::MainWindow window(pm::test::cpuWithoutModels(dir));
    EXPECT_EQ(menuTitles(window), (QStringList{"文件(&F)", "编辑(&E)", "视图(&V)"}));
    EXPECT_EQ(window.windowTitle(), "PhotoMend 照片修复");
}

TEST(TranslationLoader, EnglishAndUntranslatedLocalesGiveTheEnglishSource) {
    pm::test::TempDir dir;
    pm::i18n::TranslationLoader loader;
    ASSERT_EQ(loader.install(QLocale("zh_CN")), "zh_CN");
    for (const char* name : {"en_US", "fr_FR"}) {
        EXPECT_EQ(loader.install(QLocale(name)), "en") << name;
        pm::ui::MainWindow window(pm::test::cpuWithoutModels(dir));
        EXPECT_EQ(menuTitles(window), (QStringList{"&File", "&Edit", "&View"})) << name;
        EXPECT_EQ(window.windowTitle(), "PhotoMend") << name;
    }
}

TEST(TranslationLoader, TheOverrideBeatsTheSystemLocale) {
    EXPECT_EQ(pm::i18n::resolveLocale("", QLocale("zh_CN")).name(), "zh_CN")
        << "no override: the system decides";
    EXPECT_EQ(pm::i18n::resolveLocale("zh_CN", QLocale("en_US")).name(), "zh_CN");
    pm::i18n::TranslationLoader loader;
    EXPECT_EQ(loader.install(pm::i18n::resolveLocale("en", QLocale("zh_CN"))), "en");
    EXPECT_EQ(QCoreApplication::translate("pm::ui::MainWindow", "&File"), "&File");
}

TEST(TranslationLoader, OffersEnglishAndSimplifiedChinese) {
    const QList<pm::i18n::Language> languages = pm::i18n::availableLanguages();
    QStringList shown;
    for (const auto& l : languages) shown << l.code + "=" + l.nativeName;
    EXPECT_EQ(shown, (QStringList{"en=English", "zh_CN=简体中文"}));
}

}  // namespace
