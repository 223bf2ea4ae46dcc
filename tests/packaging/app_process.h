#pragma once
// One photomend process started as a file manager starts it, with its stdout read line by line
// (PHOTOMEND_TEST_HOOKS=1 makes it print "opened: PATH"). Killed when the test ends, pass or fail.
#include <QElapsedTimer>
#include <QProcess>
#include <QStringList>

namespace pm::test {

class AppProcess {
public:
    AppProcess(const QStringList& args, const QProcessEnvironment& env,
               const QString& workingDir = {}) {
        process_.setProcessEnvironment(env);
        if (!workingDir.isEmpty()) process_.setWorkingDirectory(workingDir);
        process_.start(PM_PHOTOMEND, args);
    }
    ~AppProcess() {
        if (process_.state() != QProcess::NotRunning) {
            process_.kill();
            process_.waitForFinished(5000);
        }
    }
    AppProcess(const AppProcess&) = delete;
    AppProcess& operator=(const AppProcess&) = delete;

    bool waitForStarted() { return process_.waitForStarted(10000); }
    bool running() const { return process_.state() == QProcess::Running; }

    /// True once stdout had exactly `line`; false when the time ran out or the process ended first.
    bool waitForLine(const QString& line, int timeoutMs) {
        QElapsedTimer clock;
        clock.start();
        for (;;) {
            readOutput();
            if (lines_.contains(line)) return true;
            if (process_.state() == QProcess::NotRunning || clock.elapsed() > timeoutMs)
                return false;
            process_.waitForReadyRead(100);
        }
    }

    /// True when the process ended within `timeoutMs` (see exitCode()).
    bool waitForExit(int timeoutMs) {
        const bool ended =
            process_.state() == QProcess::NotRunning || process_.waitForFinished(timeoutMs);
        readOutput();
        return ended;
    }
    int exitCode() const {
        return process_.exitStatus() == QProcess::NormalExit ? process_.exitCode() : -1;
    }

    QStringList lines() {
        readOutput();
        return lines_;
    }
    /// Everything it said, for failure messages.
    std::string transcript() {
        readOutput();
        return (lines_.join('\n') + "\n[stderr]\n" + QString::fromLocal8Bit(stderr_)).toStdString();
    }

private:
    void readOutput() {
        stdout_ += process_.readAllStandardOutput();
        stderr_ += process_.readAllStandardError();
        int end;
        while ((end = stdout_.indexOf('\n')) >= 0) {
            lines_ << QString::fromLocal8Bit(stdout_.left(end));
            stdout_.remove(0, end + 1);
        }
    }

    QProcess process_;
    QByteArray stdout_;
    QByteArray stderr_;
    QStringList lines_;
};

}  // namespace pm::test
