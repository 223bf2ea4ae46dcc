// In Chinese, everything the window says is Chinese: Qt's own buttons and dialogs, the reasons a
// photo cannot be opened or saved (which come from core as codes), and the engine's state line.
#include <gtest/gtest.h>
#include <QApplication>
#include <QDialogButtonBox>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLibraryInfo>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStatusBar>

#include "i18n/translation_loader.h"
#include "tests/support/engine_options.h"
#include "tests/support/testdata.h"
#include "ui/document.h"
#include "ui/engine_bridge.h"
#include "ui/main_window.h"

namespace {

bool hasChinese(const QString& text) {
    static const QRegularExpression han(QStringLiteral("[\\x{4e00}-\\x{9fff}]"));
    return text.contains(han);
}

/// The message the window shows for opening `path`.
QString openError(pm::ui::MainWindow& window, const QString& path) {
    QSignalSpy errors(&window, &pm::ui::MainWindow::errorShown);
    window.openFiles({path});
    return errors.isEmpty() ? QString() : errors.front().front().toString();
}

TEST(ChineseWindow, QtsOwnButtonsAreChinese) {
    const QString qm = QLibraryInfo::path(QLibraryInfo::TranslationsPath) + "/qtbase_zh_CN.qm";
    if (!QFile::exists(qm))
        GTEST_SKIP() << qm.toStdString()
                     << " is missing: install qt6-translations-l10n for Qt's own translations";
    pm::i18n::TranslationLoader loader;
    ASSERT_EQ(loader.install(QLocale("zh_CN")), "zh_CN");
    QMessageBox box(QMessageBox::Question, "t", "t", QMessageBox::Ok | QMessageBox::Cancel);
    EXPECT_EQ(box.button(QMessageBox::Ok)->text(), "确定");
    EXPECT_EQ(box.button(QMessageBox::Cancel)->text(), "取消");
    QDialogButtonBox buttons(QDialogButtonBox::Save | QDialogButtonBox::Discard);
    EXPECT_TRUE(hasChinese(buttons.button(QDialogButtonBox::Save)->text()))
        << buttons.button(QDialogButtonBox::Save)->text().toStdString();
}

TEST(ChineseWindow, LoadErrorsAreChinese) {
    pm::test::TempDir dir;
    pm::i18n::TranslationLoader loader;
    ASSERT_EQ(loader.install(QLocale("zh_CN")), "zh_CN");
    pm::ui::MainWindow window(pm::test::cpuWithoutModels(dir));

    const QString missing = QString::fromStdString(dir.file("missing.jpg"));
    QString message = openError(window, missing);
    EXPECT_TRUE(hasChinese(message)) << message.toStdString();
    EXPECT_TRUE(message.contains(missing)) << "names the file: " << message.toStdString();
    EXPECT_FALSE(message.contains("does not exist")) << message.toStdString();

    QFile corrupt(QString::fromStdString(dir.file("corrupt.png")));
    ASSERT_TRUE(corrupt.open(QIODevice::WriteOnly));
    corrupt.write(QByteArray("\x89PNG\r\n\x1a\n", 8) + QByteArray(200, 'x'));
    corrupt.close();
    message = openError(window, corrupt.fileName());
    EXPECT_TRUE(hasChinese(message)) << message.toStdString();
    EXPECT_TRUE(message.contains("corrupt.png")) << message.toStdString();

    const QString folder = QString::fromStdString(dir.path());
    message = openError(window, folder);
    EXPECT_TRUE(hasChinese(message)) << message.toStdString();

    QFile empty(QString::fromStdString(dir.file("empty.jpg")));
    ASSERT_TRUE(empty.open(QIODevice::WriteOnly));
    empty.close();
    message = openError(window, empty.fileName());
    EXPECT_TRUE(hasChinese(message)) << message.toStdString();
    EXPECT_EQ(window.documentCount(), 0);
}

TEST(ChineseWindow, SaveErrorsAreChinese) {
    pm::test::TempDir dir;
    pm::i18n::TranslationLoader loader;
    ASSERT_EQ(loader.install(QLocale("zh_CN")), "zh_CN");
    pm::ui::MainWindow window(pm::test::cpuWithoutModels(dir));
    pm::image::LoadedPhoto photo;
    photo.pixels = cv::Mat(40, 60, CV_8UC3, cv::Scalar(10, 120, 200));
    photo.format = pm::image::Format::Png;
    auto* document =
        new pm::ui::Document(std::move(photo), QString::fromStdString(dir.file("a.png")));
    window.addDocument(document);
    QSignalSpy errors(&window, &pm::ui::MainWindow::errorShown);
    EXPECT_FALSE(window.saveDocument(document, QString::fromStdString(dir.file("a.xyz"))));
    ASSERT_EQ(errors.size(), 1);
    EXPECT_TRUE(hasChinese(errors.front().front().toString()))
        << errors.front().front().toString().toStdString();
    EXPECT_FALSE(
        window.saveDocument(document, QString::fromStdString(dir.file("no/such/folder/a.png"))));
    ASSERT_EQ(errors.size(), 2);
    EXPECT_TRUE(hasChinese(errors.back().front().toString()))
        << errors.back().front().toString().toStdString();
}

TEST(ChineseWindow, EngineStateLineIsChinese) {
    pm::test::TempDir dir;
    pm::i18n::TranslationLoader loader;
    ASSERT_EQ(loader.install(QLocale("zh_CN")), "zh_CN");
    pm::ui::MainWindow window(pm::test::cpuWithoutModels(dir));
    QElapsedTimer timer;
    timer.start();
    while (!window.engineBridge()->isReady() && timer.elapsed() < 30000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    ASSERT_TRUE(window.engineBridge()->isReady());
    QStringList lines;
    for (const QLabel* label : window.statusBar()->findChildren<QLabel*>()) lines << label->text();
    const QString all = lines.join(" | ");
    EXPECT_TRUE(all.contains(window.engineBridge()->stateMessage())) << all.toStdString();
    EXPECT_TRUE(hasChinese(window.engineBridge()->stateMessage()))
        << window.engineBridge()->stateMessage().toStdString();
    EXPECT_TRUE(hasChinese(window.engineBridge()->deviceDescription()))
        << window.engineBridge()->deviceDescription().toStdString();
    EXPECT_FALSE(all.contains("ready")) << all.toStdString();
    EXPECT_FALSE(all.contains("thread")) << all.toStdString();
}

}  // namespace
