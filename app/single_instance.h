#pragma once
// One PhotoMend window per user: a second start hands its files to the running one over a local
// socket and exits, as a file manager's double-click on another photo expects.
#include <QObject>
#include <QString>
#include <QStringList>

class QLocalServer;

namespace pm::app {

class SingleInstance : public QObject {
    Q_OBJECT
public:
    /// `serverName` is a QLocalServer name or socket path; defaultServerName() is the real one.
    explicit SingleInstance(QString serverName, QObject* parent = nullptr);
    ~SingleInstance() override;

    /// Per user (in $XDG_RUNTIME_DIR when there is one), plus $PHOTOMEND_INSTANCE_KEY when set so
    /// that tests and parallel sessions do not meet each other's windows.
    static QString defaultServerName();

    /// Sends `paths` (made absolute: the running instance has another working folder) to a running
    /// instance. True only when it confirmed receipt within `timeoutMs`.
    bool handOver(const QStringList& paths, int timeoutMs = 5000);

    /// Becomes the running instance. False when another instance answers on the name, or when the
    /// name cannot be served (then `error` says why).
    bool listen(QString* error = nullptr);

    QString serverName() const { return serverName_; }

signals:
    /// Paths sent by a later start; an empty list means "just show the window".
    void filesReceived(const QStringList& paths);

private:
    void onNewConnection();

    QString serverName_;
    QLocalServer* server_ = nullptr;
};

}  // namespace pm::app
