#include "app/single_instance.h"

#include <QDataStream>
#include <QDir>
#include <QFileInfo>
#include <QLocalServer>
#include <QLocalSocket>

#ifdef Q_OS_UNIX
#include <unistd.h>
#endif

namespace pm::app {

namespace {
// Guards against something else listening on the name; bump when the message changes.
constexpr quint32 kMagic = 0x504d3031;  // "PM01"
constexpr char kAck = 'K';
constexpr QDataStream::Version kStreamVersion = QDataStream::Qt_6_0;

QString userTag() {
#ifdef Q_OS_UNIX
    return QString::number(::getuid());
#else
    return qEnvironmentVariable("USERNAME", QStringLiteral("user"));
#endif
}
}  // namespace

SingleInstance::SingleInstance(QString serverName, QObject* parent)
    : QObject(parent), serverName_(std::move(serverName)) {}

SingleInstance::~SingleInstance() = default;

QString SingleInstance::defaultServerName() {
    QString name = QStringLiteral("photomend");
    const QString key = qEnvironmentVariable("PHOTOMEND_INSTANCE_KEY");
    if (!key.isEmpty()) name += '-' + key;
    // The runtime folder is private to the user; /tmp is shared, so the name carries the user id.
    const QString runtimeDir = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!runtimeDir.isEmpty() && QFileInfo(runtimeDir).isDir() &&
        QFileInfo(runtimeDir).isWritable())
        return QDir(runtimeDir).filePath(name + QStringLiteral(".socket"));
    return name + '-' + userTag();
}

bool SingleInstance::handOver(const QStringList& paths, int timeoutMs) {
    QLocalSocket socket;
    socket.connectToServer(serverName_);
    if (!socket.waitForConnected(timeoutMs)) return false;

    QStringList absolute;
    for (const QString& path : paths) absolute << QFileInfo(path).absoluteFilePath();
    QByteArray message;
    QDataStream out(&message, QIODevice::WriteOnly);
    out.setVersion(kStreamVersion);
    out << kMagic << absolute;
    socket.write(message);
    if (!socket.waitForBytesWritten(timeoutMs)) return false;

    // Only the acknowledgement proves a live PhotoMend took the files; a hung one must not eat
    // them.
    while (socket.bytesAvailable() < 1) {
        if (!socket.waitForReadyRead(timeoutMs)) return false;
    }
    char ack = 0;
    return socket.getChar(&ack) && ack == kAck;
}

bool SingleInstance::listen(QString* error) {
    if (!server_) {
        server_ = new QLocalServer(this);
        server_->setSocketOptions(QLocalServer::UserAccessOption);
        connect(server_, &QLocalServer::newConnection, this, &SingleInstance::onNewConnection);
    }
    if (server_->listen(serverName_)) return true;
    if (server_->serverError() == QAbstractSocket::AddressInUseError) {
        // Either another instance started at the same moment, or a crashed one left its socket
        // file.
        QLocalSocket probe;
        probe.connectToServer(serverName_);
        if (probe.waitForConnected(500)) return false;
        QLocalServer::removeServer(serverName_);
        if (server_->listen(serverName_)) return true;
    }
    if (error) *error = server_->errorString();
    return false;
}

void SingleInstance::onNewConnection() {
    while (QLocalSocket* socket = server_->nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
            QDataStream in(socket);
            in.setVersion(kStreamVersion);
            in.startTransaction();
            quint32 magic = 0;
            QStringList paths;
            in >> magic >> paths;
            if (!in.commitTransaction()) return;  // the rest is still on its way
            if (magic != kMagic) {
                socket->abort();
                return;
            }
            socket->putChar(kAck);
            socket->flush();
            emit filesReceived(paths);
        });
    }
}

}  // namespace pm::app
