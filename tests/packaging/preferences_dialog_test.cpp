// Edit > Preferences…: the language picked there is saved and used at the next start.
#include <gtest/gtest.h>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QMenu>
#include <QMenuBar>
#include <QTimer>

#include "i18n/translation_loader.h"
#include "tests/support/testdata.h"
#include "ui/main_window.h"
#include "ui/preferences_dialog.h"

namespace {

struct PreferencesFixture : ::testing::Test {
    void SetUp() override { pm::i18n::setLanguageSetting({}); }
    void TearDown() override { pm::i18n::setLanguageSetting({}); }
};

void choose(pm::ui::PreferencesDialog& dialog, const QString& code) {
    const int index = dialog.languageBox()->findData(code);
    ASSERT_GE(index, 0) << code.toStdString() << " is offered";
    dialog.languageBox()->setCurrentIndex(index);
}

TEST_F(PreferencesFixture, ChoosingChineseOnAnEnglishSystemGivesChineseAtTheNextStart) {
    pm::ui::PreferencesDialog dialog;
    EXPECT_EQ(dialog.languageBox()->currentData().toString(), "")
        << "follows the system until the user picks";
    choose(dialog, "zh_CN");
    dialog.accept();
    EXPECT_EQ(pm::i18n::languageSetting(), "zh_CN");

    // What the next start does.
    pm::i18n::TranslationLoader loader;
    EXPECT_EQ(
        loader.install(pm::i18n::resolveLocale(pm::i18n::languageSetting(), QLocale("en_US"))),
        "zh_CN");
    EXPECT_EQ(QCoreApplication::translate("pm::ui::MainWindow", "&File"), "文件(&F)");

    pm::ui::PreferencesDialog reopened;
    EXPECT_EQ(reopened.languageBox()->currentText(), "简体中文")
        << "the dialog shows the saved choice";
}

TEST_F(PreferencesFixture, SystemDefaultRemovesTheOverrideAndCancelKeepsIt) {
    pm::i18n::setLanguageSetting("zh_CN");
    {
        pm::ui::PreferencesDialog dialog;
        choose(dialog, "en");
        dialog.reject();
    }
    EXPECT_EQ(pm::i18n::languageSetting(), "zh_CN") << "Cancel changes nothing";
    pm::ui::PreferencesDialog dialog;
    choose(dialog, "");
    dialog.accept();
    EXPECT_EQ(pm::i18n::languageSetting(), "");
}

TEST_F(PreferencesFixture, EditMenuOpensPreferences) {
    pm::test::TempDir dir;
    pm::engine::EngineOptions options;
    options.device = pm::engine::DevicePreference::Cpu;
    options.modelsDir = dir.path();
    pm::ui::MainWindow window(options);
    window.show();

    QAction* preferences = nullptr;
    for (QAction* menu : window.menuBar()->actions())
        if (menu->menu() && menu->text() == "&Edit")
            for (QAction* a : menu->menu()->actions())
                if (a->text() == "&Preferences…") preferences = a;
    ASSERT_NE(preferences, nullptr) << "Edit > Preferences… exists";

    // exec() blocks: close the dialog from a timer, and any dialog at all if ours never shows.
    QString shown;
    int ticks = 0;
    QTimer poll;
    QObject::connect(&poll, &QTimer::timeout, [&] {
        for (QWidget* w : QApplication::topLevelWidgets()) {
            auto* dialog = qobject_cast<QDialog*>(w);
            if (!dialog || !dialog->isVisible()) continue;
            if (qobject_cast<pm::ui::PreferencesDialog*>(dialog)) {
                shown = dialog->windowTitle();
                dialog->reject();
            } else if (ticks > 250) {  // 5 s: something else is modal; end it so the test can fail
                dialog->reject();
            }
        }
        ++ticks;
    });
    poll.start(20);
    preferences->trigger();
    poll.stop();
    EXPECT_EQ(shown, "Preferences");
}

}  // namespace
