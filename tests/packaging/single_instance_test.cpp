// One window: a second start with a photo opens it as a tab of the running PhotoMend and exits 0;
// --new-window opts out; a socket left by a crashed PhotoMend does not stop the next start.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QProcessEnvironment>

#include <cstring>

#include "tests/packaging/app_process.h"
#include "tests/support/testdata.h"

namespace {

using pm::test::AppProcess;

constexpr int kWindowTimeoutMs = 60000;  // a cold start on a loaded 2-core machine
constexpr int kHandOverTimeoutMs = 20000;

struct SingleInstance : ::testing::Test {
    pm::test::TempDir dir;
    QString key = QStringLiteral("test-%1-%2").arg(::getpid()).arg(counter()++);

    static int& counter() {
        static int c = 0;
        return c;
    }

    void SetUp() override {
        for (const char* sub : {"run", "config", "models"})
            QDir().mkpath(QString::fromStdString(dir.file(sub)));
        QFile::setPermissions(runtimeDir(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }

    QString runtimeDir() const { return QString::fromStdString(dir.file("run")); }

    QString photo(const QString& name, QRgb colour) const {
        QImage image(96, 64, QImage::Format_RGB32);
        image.fill(colour);
        const QString path = QString::fromStdString(dir.file(name.toStdString()));
        EXPECT_TRUE(image.save(path));
        return path;
    }

    QProcessEnvironment env() const {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert("QT_QPA_PLATFORM", "offscreen");
        e.insert("PHOTOMEND_TEST_HOOKS", "1");
        e.insert("PHOTOMEND_INSTANCE_KEY", key);
        e.insert("XDG_RUNTIME_DIR", runtimeDir());
        e.insert("XDG_CONFIG_HOME", QString::fromStdString(dir.file("config")));
        return e;
    }

    QStringList args(const QStringList& files, bool newWindow = false) const {
        QStringList a{"--device", "cpu", "--models-dir",
                      QString::fromStdString(dir.file("models"))};
        if (newWindow) a << "--new-window";
        return a + files;
    }
};

TEST_F(SingleInstance, SecondStartOpensItsPhotosAsTabsOfTheFirstWindowAndExits) {
    const QString first = photo("first.png", qRgb(200, 40, 40));
    const QString second = photo("second.png", qRgb(40, 200, 40));
    const QString third = photo("third.jpg", qRgb(40, 40, 200));

    AppProcess running(args({first}), env());
    ASSERT_TRUE(running.waitForStarted());
    ASSERT_TRUE(running.waitForLine("opened: " + first, kWindowTimeoutMs)) << running.transcript();

    AppProcess again(args({second}), env());
    ASSERT_TRUE(again.waitForExit(kHandOverTimeoutMs))
        << "the second start should hand over and exit\n"
        << again.transcript();
    EXPECT_EQ(again.exitCode(), 0) << again.transcript();
    EXPECT_FALSE(again.lines().join('\n').contains("opened:"))
        << "the second start opened no window of its own";
    EXPECT_TRUE(running.waitForLine("opened: " + second, kHandOverTimeoutMs))
        << running.transcript();

    // Relative paths are resolved in the folder of the start that names them, not the running
    // one's.
    AppProcess more(args({"third.jpg"}), env(), QString::fromStdString(dir.path()));
    ASSERT_TRUE(more.waitForExit(kHandOverTimeoutMs)) << more.transcript();
    EXPECT_EQ(more.exitCode(), 0);
    EXPECT_TRUE(running.waitForLine("opened: " + third, kHandOverTimeoutMs))
        << running.transcript();
    EXPECT_TRUE(running.running()) << "the first window is still open";
}

TEST_F(SingleInstance, NewWindowOptsOut) {
    const QString first = photo("first.png", qRgb(200, 40, 40));
    const QString second = photo("second.png", qRgb(40, 200, 40));

    AppProcess running(args({first}), env());
    ASSERT_TRUE(running.waitForLine("opened: " + first, kWindowTimeoutMs)) << running.transcript();

    AppProcess separate(args({second}, true), env());
    ASSERT_TRUE(separate.waitForLine("opened: " + second, kWindowTimeoutMs))
        << "--new-window opens its own window\n"
        << separate.transcript();
    EXPECT_TRUE(separate.running());
    EXPECT_FALSE(running.lines().contains("opened: " + second)) << running.transcript();
}

TEST_F(SingleInstance, SplitLooksForPhotosOnTheScanInsteadOfOpeningIt) {
    const QString open = photo("open.png", qRgb(200, 40, 40));
    const QString scan = photo("scan.png", qRgb(240, 240, 236));  // an empty bed
    AppProcess running(args({open}), env());
    ASSERT_TRUE(running.waitForLine("opened: " + open, kWindowTimeoutMs)) << running.transcript();

    // `--split` is reviewed in a window of its own: the hand-over only opens files.
    AppProcess split(QStringList{"--split"} + args({scan}), env());
    ASSERT_TRUE(split.waitForLine("split: " + scan + ": 0 photos", kWindowTimeoutMs))
        << split.transcript();
    EXPECT_FALSE(split.lines().contains("opened: " + scan)) << "the scan itself is not opened";
    EXPECT_FALSE(running.lines().contains("opened: " + scan)) << running.transcript();
}

TEST_F(SingleInstance, ASocketLeftByACrashDoesNotStopTheNextStart) {
    // What a killed PhotoMend leaves behind: a socket file nobody listens on.
    const QString stale = QDir(runtimeDir()).filePath("photomend-" + key + ".socket");
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, qPrintable(stale), sizeof(address.sun_path) - 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0)
        << std::strerror(errno);
    ::close(fd);
    ASSERT_TRUE(QFile::exists(stale));

    const QString first = photo("first.png", qRgb(200, 40, 40));
    const QString second = photo("second.png", qRgb(40, 200, 40));
    AppProcess running(args({first}), env());
    ASSERT_TRUE(running.waitForLine("opened: " + first, kWindowTimeoutMs)) << running.transcript();

    AppProcess again(args({second}), env());
    ASSERT_TRUE(again.waitForExit(kHandOverTimeoutMs)) << again.transcript();
    EXPECT_EQ(again.exitCode(), 0);
    EXPECT_TRUE(running.waitForLine("opened: " + second, kHandOverTimeoutMs))
        << "the new window took the name over from the crashed one\n"
        << running.transcript();
}

}  // namespace

namespace {

// The window decodes photos through libphotomend-codecs.so, opened on a second thread while the
// window is built (core/image/codecs.h), and finds it beside the program. OpenCV's imgcodecs (and
// the hundred libraries it brings) comes in only through that module: not at the window's start
// through another library, as it did while the cartoon linked OpenCV's ximgproc.
TEST_F(SingleInstance, TheWindowDecodesThroughTheCodecsModule) {
    const QString first = photo("first.jpg", qRgb(200, 40, 40));
    QProcessEnvironment e = env();
    e.insert("LD_DEBUG", "files");
    AppProcess running(args({first}, true), e);
    ASSERT_TRUE(running.waitForStarted());
    ASSERT_TRUE(running.waitForLine("opened: " + first, kWindowTimeoutMs)) << running.transcript();
    const std::string loaded = running.transcript();
    EXPECT_NE(loaded.find("needed by " PM_PHOTOMEND), std::string::npos) << "LD_DEBUG said nothing";
    const size_t module = loaded.find("libphotomend-codecs.so [0];  dynamically loaded by");
    EXPECT_NE(module, std::string::npos) << "the photo was not decoded through the codecs module";
    const size_t codecs = loaded.find("file=libopencv_imgcodecs");
    ASSERT_NE(codecs, std::string::npos) << "imgcodecs was never loaded";
    const std::string firstLoad = loaded.substr(codecs, loaded.find('\n', codecs) - codecs);
    EXPECT_NE(firstLoad.find("needed by "), std::string::npos) << firstLoad;
    EXPECT_NE(firstLoad.find("libphotomend-codecs.so"), std::string::npos)
        << "imgcodecs was loaded at the window's start, not through the codecs module: " << firstLoad;
    EXPECT_EQ(loaded.find("libopencv_ximgproc"), std::string::npos) << "the window loaded OpenCV's ximgproc";
}

}  // namespace
