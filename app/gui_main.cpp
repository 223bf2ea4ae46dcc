// photomend: the desktop app. `photomend FILE...` is what a file manager's double-click runs.
#include <QApplication>
#include <QCommandLineParser>
#include <cstdio>

#include "core/common/error.h"
#include "ui/main_window.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("PhotoMend");
    QApplication::setOrganizationName("PhotoMend");
    QApplication::setApplicationVersion(PHOTOMEND_VERSION);

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Repair photos: remove objects, fix old scans."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("FILE", QApplication::translate("main", "Photos to open."), "[FILE...]");
    parser.addOption({"device", QApplication::translate("main", "Where models run: auto, cpu or cuda."), "DEVICE", "auto"});
    parser.addOption({"models-dir", QApplication::translate("main", "Folder holding installed models."), "DIR"});
    parser.process(app);

    pm::engine::EngineOptions options;
    try {
        options.device = pm::engine::parseDevicePreference(parser.value("device").toStdString());
    } catch (const pm::Error& e) {
        std::fprintf(stderr, "photomend: %s\n", e.what());
        return 2;
    }
    if (parser.isSet("models-dir")) options.modelsDir = parser.value("models-dir").toStdString();

    pm::ui::MainWindow window(options);
    window.show();
    window.openFiles(parser.positionalArguments());
    return app.exec();
}
