// GoogleTest main for the translation tests: a QApplication on the offscreen platform, settings in
// a test location so the language choice made here never reaches the user's own PhotoMend.
#include <gtest/gtest.h>
#include <QApplication>
#include <QStandardPaths>

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QStandardPaths::setTestModeEnabled(true);
    QApplication app(argc, argv);
    QApplication::setOrganizationName("PhotoMendTests");
    QApplication::setApplicationName("PhotoMendI18nTests");
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
