#pragma once
// A tiny HTTP/1.1 server on 127.0.0.1 for download tests: serves files at their paths (one given
// to the constructor, more with addFile), honours "Range: bytes=N-" with 206, answers 404
// elsewhere, and can drop the first connection part-way.
#include <QByteArray>
#include <QHash>
#include <QList>
#include <QTcpServer>
#include <QTcpSocket>

namespace pm::test {

class LocalHttpServer : public QObject {
public:
    LocalHttpServer(QByteArray path, QByteArray body) {
        files_.insert(path, body);
        server_.listen(QHostAddress::LocalHost);
        connect(&server_, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = server_.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { serve(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }
    QString url(const QString& path) const {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(server_.serverPort()).arg(path);
    }
    /// Serves `body` at `path` too.
    void addFile(const QByteArray& path, const QByteArray& body) { files_.insert(path, body); }
    /// The first GET of a file (of `path` when given) sends only this many bytes of the body,
    /// then closes (0 = never).
    void dropFirstAfter(int bytes, const QByteArray& path = {}) {
        dropAfter_ = bytes;
        dropPath_ = path;
    }
    /// The paths of every request, in order.
    const QList<QByteArray>& targets() const { return targets_; }
    /// Every GET of the file sends only this many bytes, then the server goes silent (0 = never).
    void stallAfter(int bytes) { stallAfter_ = bytes; }
    /// The Range header of every request, "" where there was none.
    const QList<QByteArray>& ranges() const { return ranges_; }

private:
    void serve(QTcpSocket* socket) {
        QByteArray& request = pending_[socket];
        request += socket->readAll();
        if (!request.contains("\r\n\r\n")) return;
        const QList<QByteArray> lines = request.split('\n');
        const QByteArray target = lines.value(0).split(' ').value(1);
        QByteArray range;
        for (const QByteArray& line : lines)
            if (line.toLower().startsWith("range:")) range = line.mid(6).trimmed();
        pending_.remove(socket);
        ranges_.append(range);
        targets_.append(target);
        if (!files_.contains(target)) {
            socket->write("HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\nConnection: close\r\n\r\nnot found");
            socket->disconnectFromHost();
            return;
        }
        qint64 from = 0;
        if (range.startsWith("bytes=")) from = range.mid(6, range.indexOf('-') - 6).toLongLong();
        const QByteArray body = files_.value(target);
        const QByteArray part = body.mid(from);
        QByteArray head = from > 0 ? "HTTP/1.1 206 Partial Content\r\n" : "HTTP/1.1 200 OK\r\n";
        head += "Content-Length: " + QByteArray::number(part.size()) + "\r\n";
        if (from > 0)
            head += "Content-Range: bytes " + QByteArray::number(from) + "-" +
                    QByteArray::number(body.size() - 1) + "/" + QByteArray::number(body.size()) + "\r\n";
        head += "Accept-Ranges: bytes\r\nConnection: close\r\n\r\n";
        socket->write(head);
        if (stallAfter_ > 0) {
            socket->write(part.left(stallAfter_));
            return;  // the connection stays open and silent
        }
        if (dropAfter_ > 0 && (dropPath_.isEmpty() || dropPath_ == target)) {
            socket->write(part.left(dropAfter_));
            dropAfter_ = 0;
            while (socket->bytesToWrite() > 0 && socket->waitForBytesWritten(1000)) {
            }
            socket->abort();  // the connection drops mid-file
            return;
        }
        socket->write(part);
        socket->disconnectFromHost();
    }

    QTcpServer server_;
    QHash<QByteArray, QByteArray> files_;
    QByteArray dropPath_;
    QList<QByteArray> targets_;
    int dropAfter_ = 0;
    int stallAfter_ = 0;
    QList<QByteArray> ranges_;
    QHash<QTcpSocket*, QByteArray> pending_;
};

}  // namespace pm::test
