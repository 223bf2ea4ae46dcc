#pragma once
// Downloads one model file: progress, cancel, resume. Bytes go to "<destination>.part" next to the
// destination, so an interrupted download (a dropped connection, Cancel, a closed app) resumes with
// an HTTP Range request instead of starting over. The file is checked (size, checksum) before it is
// renamed into place in one step; a file that fails the check is deleted, so a bad download never
// looks installed. Every request has a transfer timeout: offline means a message, never a hang.
#include <QByteArray>
#include <QEventLoop>
#include <QCryptographicHash>
#include <QFile>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>
#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace pm::models {

struct DownloadRequest {
    QUrl url;
    QString destination;    ///< the final file; "<destination>.part" holds the bytes until checked
    qint64 expectedSize = 0;  ///< 0 = unknown
    QCryptographicHash::Algorithm algorithm = QCryptographicHash::Sha256;
    QByteArray expectedHex;   ///< lower-case hex; empty = no published checksum to check
    int transferTimeoutMs = 30000;  ///< no byte for this long aborts the attempt
    int maxAttempts = 4;  ///< attempts that each made progress before a connection dropped
};

class ModelDownload : public QObject {
    Q_OBJECT
public:
    explicit ModelDownload(DownloadRequest request, QObject* parent = nullptr);
    ~ModelDownload() override;

    /// Starts (or resumes from the .part file). Emits finished() exactly once.
    void start();
    /// Stops; the .part file is kept so that the next start() resumes.
    Q_INVOKABLE void cancel();
    /// The last finished(false) came from a wrong size or checksum (the bytes were deleted), not
    /// from the network: a folder download then throws away its other files too.
    bool verificationFailed() const { return verificationFailed_; }
    QString partPath() const { return request_.destination + QStringLiteral(".part"); }

signals:
    /// Bytes of the whole file so far and its total (0 when unknown).
    void progress(qint64 received, qint64 total);
    /// ok: the verified file is in place. Otherwise `message` says what went wrong, in one sentence.
    void finished(bool ok, const QString& message);

private:
    void beginAttempt();
    void onMetaData();
    void onReadyRead();
    void onReplyFinished();
    void verifyAndInstall();
    void finish(bool ok, const QString& message);

    DownloadRequest request_;
    QNetworkAccessManager* network_ = nullptr;
    QPointer<QNetworkReply> reply_;
    QFile part_;
    qint64 resumeFrom_ = 0;     ///< bytes already in the .part file when this attempt began
    qint64 attemptBytes_ = 0;   ///< bytes this attempt added
    qint64 total_ = 0;
    int attempts_ = 0;
    bool cancelled_ = false;
    QString writeProblem_;  ///< set when the .part file could not be written
    bool done_ = false;
    bool verificationFailed_ = false;
    bool bodyIsFile_ = false;   ///< the reply carries (part of) the file, not an error page
};

/// Runs a download job (ModelDownload, FolderDownload: start(), progress(received, total),
/// finished(ok, message)) in a local event loop until it finishes; "" or the failure message.
/// finished() may come from start() itself (a complete .part, nothing left to fetch).
template <class Download>
QString waitForDownload(Download& download, const std::function<void(qint64, qint64)>& onProgress) {
    QEventLoop loop;
    QString result;
    bool done = false;
    QObject::connect(&download, &Download::progress, &loop, [&](qint64 received, qint64 total) {
        if (onProgress) onProgress(received, total);
    });
    QObject::connect(&download, &Download::finished, &loop, [&](bool ok, const QString& message) {
        result = ok ? QString() : message;
        done = true;
        loop.quit();
    });
    download.start();
    if (!done) loop.exec();
    return result;
}

/// Runs a download to its end in a local event loop (the command line). `onProgress` may be empty.
/// Returns "" on success, else the reason.
QString downloadAndWait(const DownloadRequest& request,
                        const std::function<void(qint64, qint64)>& onProgress);

}  // namespace pm::models
