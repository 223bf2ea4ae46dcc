// photomend: the desktop app. `photomend FILE...` is what a file manager's double-click runs; while
// PhotoMend runs, such a start hands its files to the open window (new tabs) and exits.
#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QMenuBar>
#include <QTabWidget>
#include <QTimer>
#include <cstdio>

#include "app/engine_environment.h"
#include "app/single_instance.h"
#include "core/image/codecs.h"
#include "core/common/error.h"
#include "core/common/memory_reuse.h"
#include "i18n/translation_loader.h"
#include "ui/canvas_widget.h"
#include "ui/document.h"
#include "ui/main_window.h"
#include "ui/split_scan_flow.h"

namespace {

// With PHOTOMEND_TEST_HOOKS=1 the menu titles and every opened photo are reported on stdout, so
// that end-to-end tests of the installed program can see its language and which window opened what.
void reportMenus(pm::ui::MainWindow& window) {
    QStringList titles;
    for (QAction* action : window.menuBar()->actions()) titles << action->text();
    std::printf("menus: %s\n", qPrintable(titles.join(" | ")));
    std::fflush(stdout);
}

void reportOpened(pm::ui::MainWindow& window, int firstNewTab) {
    for (int i = firstNewTab; i < window.tabs()->count(); ++i) {
        const auto* canvas = static_cast<pm::ui::CanvasWidget*>(window.tabs()->widget(i));
        std::printf("opened: %s\n", qPrintable(canvas->document()->path()));
    }
    std::fflush(stdout);
}

// With PHOTOMEND_QUIT_AFTER_FIRST_PAINT=1 the app quits once the window has painted itself (with
// the photo, when one was given): bench/startup times the whole start as a process.
class QuitAfterFirstPaint : public QObject {
public:
    explicit QuitAfterFirstPaint(QWidget* watched) : QObject(watched) {
        watched->installEventFilter(this);
    }
    bool eventFilter(QObject* watched, QEvent* event) override {
        // The paint itself runs after this filter; the queued quit after the paint.
        if (event->type() == QEvent::Paint)
            QTimer::singleShot(0, QCoreApplication::instance(), &QCoreApplication::quit);
        return QObject::eventFilter(watched, event);
    }
};

}  // namespace

int main(int argc, char** argv) {
    pm::keepFreedMemoryForReuse();  // freed image buffers are reused, not faulted in again
    // Loads the image codecs on the second core while Qt starts and the window is built.
    pm::image::preloadCodecs();
    QApplication app(argc, argv);
    QApplication::setApplicationName("PhotoMend");
    QApplication::setOrganizationName("PhotoMend");
    QApplication::setApplicationVersion(PHOTOMEND_VERSION);
    QApplication::setDesktopFileName("io.github.photomend.PhotoMend");
    QApplication::setWindowIcon(QIcon::fromTheme("io.github.photomend.PhotoMend"));

    pm::i18n::TranslationLoader translations;
    translations.install(pm::i18n::resolveLocale(pm::i18n::languageSetting(), QLocale::system()));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Repair photos: remove objects, fix old scans."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("FILE", QApplication::translate("main", "Photos to open."),
                                 "[FILE...]");
    parser.addOption({"device",
                      QApplication::translate("main", "Where models run: auto, cpu or cuda."),
                      "DEVICE", "auto"});
    parser.addOption(
        {"models-dir", QApplication::translate("main", "Folder holding installed models."), "DIR"});
    parser.addOption(
        {"new-window",
         QApplication::translate(
             "main", "Open a separate window even when PhotoMend is already running.")});
    parser.addOption(
        {"split", QApplication::translate(
                      "main", "The files are scans of several photos: find the photos on each and "
                              "open them, straightened, instead of the scans.")});
    parser.process(app);

    pm::engine::EngineOptions options;
    try {
        options.device = pm::engine::parseDevicePreference(parser.value("device").toStdString());
    } catch (const pm::Error& e) {
        std::fprintf(stderr, "photomend: %s\n", e.what());
        return 2;
    }
    if (parser.isSet("models-dir")) options.modelsDir = parser.value("models-dir").toStdString();
    pm::app::applyEngineEnvironment(options);

    pm::app::SingleInstance instance(pm::app::SingleInstance::defaultServerName());
    // A split is reviewed in the window that starts it: the running window's hand-over only takes
    // files to open.
    const bool split = parser.isSet("split");
    const QStringList files = split ? QStringList() : parser.positionalArguments();
    const QStringList scans = split ? parser.positionalArguments() : QStringList();
    if (!parser.isSet("new-window") && !split) {
        if (instance.handOver(files)) return 0;
        QString error;
        if (!instance.listen(&error)) {
            // Lost a race with another start: that one is the window now.
            if (error.isEmpty() && instance.handOver(files)) return 0;
            if (!error.isEmpty())
                std::fprintf(stderr, "photomend: other starts will open their own windows: %s\n",
                             qPrintable(error));
        }
    }

    const bool reportHook = qEnvironmentVariableIntValue("PHOTOMEND_TEST_HOOKS") == 1;
    pm::ui::MainWindow window(options);
    auto open = [&window, reportHook](const QStringList& paths) {
        const int firstNewTab = window.documentCount();
        window.openFiles(paths);
        if (reportHook) reportOpened(window, firstNewTab);
    };
    QObject::connect(&instance, &pm::app::SingleInstance::filesReceived, &window,
                     [&window, open](const QStringList& paths) {
                         open(paths);
                         window.setWindowState(window.windowState() & ~Qt::WindowMinimized);
                         window.raise();
                         window.activateWindow();
                     });
    window.show();
    if (reportHook) reportMenus(window);
    open(files);
    if (reportHook)
        QObject::connect(window.splitFlow(), &pm::ui::SplitScanFlow::searched, &window,
                         [](const QString& path, int count) {
                             std::printf("split: %s: %d photos\n", qPrintable(path), count);
                             std::fflush(stdout);
                         });
    if (!scans.isEmpty()) window.splitFlow()->splitFiles(scans);
    if (qEnvironmentVariableIntValue("PHOTOMEND_QUIT_AFTER_FIRST_PAINT") == 1)
        new QuitAfterFirstPaint(window.tabs()->currentWidget() ? window.tabs()->currentWidget()
                                                               : static_cast<QWidget*>(&window));
    return app.exec();
}
