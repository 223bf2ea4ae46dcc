// GoogleTest main for widget tests: a QApplication on the offscreen platform, no display needed.
#include <QApplication>
#include <QStandardPaths>
#include <gtest/gtest.h>

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QStandardPaths::setTestModeEnabled(true);  // QSettings (recent files) go to a test location
    QApplication app(argc, argv);
    QApplication::setOrganizationName("PhotoMendTests");
    QApplication::setApplicationName("PhotoMendTests");
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
