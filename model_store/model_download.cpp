#include "model_store/model_download.h"

#include <unistd.h>

#include <QDir>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <cstdio>

namespace pm::models {
namespace {

QString httpReason(QNetworkReply* reply) {
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QString phrase = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
    return QStringLiteral("HTTP %1%2").arg(status).arg(phrase.isEmpty() ? QString()
                                                                        : QStringLiteral(" ") + phrase);
}

// Errors that mean "no network or no server", worded so that a user knows to check the connection.
QString networkReason(QNetworkReply* reply, const QUrl& url) {
    switch (reply->error()) {
    case QNetworkReply::HostNotFoundError:
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
        return QStringLiteral("cannot reach %1 (are you offline?)").arg(url.host());
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral("%1 refused the connection").arg(url.host());
    case QNetworkReply::OperationCanceledError:
    case QNetworkReply::TimeoutError:
        return QStringLiteral("no answer from %1 in time (are you offline?)").arg(url.host());
    default:
        return reply->errorString();
    }
}

}  // namespace

ModelDownload::ModelDownload(DownloadRequest request, QObject* parent)
    : QObject(parent), request_(std::move(request)), network_(new QNetworkAccessManager(this)) {
    request_.expectedHex = request_.expectedHex.toLower();
}

ModelDownload::~ModelDownload() {
    if (reply_) reply_->abort();
}

void ModelDownload::start() {
    attempts_ = 0;
    cancelled_ = false;
    done_ = false;
    verificationFailed_ = false;
    writeProblem_.clear();
    beginAttempt();
}

void ModelDownload::cancel() {
    cancelled_ = true;
    if (reply_) reply_->abort();
}

void ModelDownload::beginAttempt() {
    ++attempts_;
    part_.setFileName(partPath());
    QDir().mkpath(QFileInfo(request_.destination).absolutePath());  // a first model makes the folder
    if (!part_.open(QIODevice::ReadWrite | QIODevice::Append))
        return finish(false, QStringLiteral("%1: cannot be written (%2)")
                                 .arg(partPath(), part_.errorString()));
    resumeFrom_ = part_.size();
    attemptBytes_ = 0;
    bodyIsFile_ = false;
    if (request_.expectedSize > 0 && resumeFrom_ >= request_.expectedSize)
        return verifyAndInstall();  // a complete .part from an earlier run: nothing to fetch

    QNetworkRequest request(request_.url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::NoLessSafeRedirectPolicy);  // release assets redirect
    request.setTransferTimeout(request_.transferTimeoutMs);
    if (resumeFrom_ > 0)
        request.setRawHeader("Range", QByteArrayLiteral("bytes=") + QByteArray::number(resumeFrom_) + '-');
    reply_ = network_->get(request);
    connect(reply_, &QNetworkReply::metaDataChanged, this, &ModelDownload::onMetaData);
    connect(reply_, &QNetworkReply::readyRead, this, &ModelDownload::onReadyRead);
    connect(reply_, &QNetworkReply::finished, this, &ModelDownload::onReplyFinished);
}

void ModelDownload::onMetaData() {
    const int status = reply_->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 206) {
        bodyIsFile_ = true;
    } else if (status == 200) {
        bodyIsFile_ = true;
        if (resumeFrom_ > 0) {  // the server ignored Range: it sends the whole file again
            part_.resize(0);
            resumeFrom_ = 0;
        }
    } else {
        bodyIsFile_ = false;  // a redirect (followed) or an error page: not the file's bytes
    }
    const qint64 length = reply_->header(QNetworkRequest::ContentLengthHeader).toLongLong();
    total_ = request_.expectedSize > 0 ? request_.expectedSize
                                       : (bodyIsFile_ && length > 0 ? resumeFrom_ + length : 0);
}

void ModelDownload::onReadyRead() {
    if (!bodyIsFile_) {
        reply_->readAll();
        return;
    }
    const QByteArray bytes = reply_->readAll();
    if (part_.write(bytes) != bytes.size()) {  // a full disk: retrying would not help
        writeProblem_ = QStringLiteral("%1: cannot be written (%2)").arg(partPath(), part_.errorString());
        reply_->abort();
        return;
    }
    attemptBytes_ += bytes.size();
    emit progress(resumeFrom_ + attemptBytes_, total_);
}

void ModelDownload::onReplyFinished() {
    QNetworkReply* reply = reply_;
    if (!reply) return;  // already handled (abort() from inside readyRead finishes at once)
    if (bodyIsFile_ && !cancelled_) onReadyRead();  // whatever arrived with the last packet
    reply->deleteLater();
    reply_.clear();
    part_.flush();
    if (!writeProblem_.isEmpty()) {
        part_.close();
        return finish(false, writeProblem_);
    }
    if (cancelled_) {
        part_.close();
        return finish(false, QStringLiteral("download cancelled; the %1 bytes so far are kept for next time")
                                 .arg(part_.size()));
    }
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 416 && resumeFrom_ > 0) return verifyAndInstall();  // the .part is already whole
    if (status >= 400) {
        const bool empty = part_.size() == 0;
        part_.close();
        if (empty) QFile::remove(partPath());
        return finish(false, QStringLiteral("%1 for %2").arg(httpReason(reply), request_.url.toString()));
    }
    // Qt may report a connection closed before Content-Length as a normal end: count the bytes.
    const bool shortBody = total_ > 0 && part_.size() < total_;
    if (reply->error() != QNetworkReply::NoError || shortBody) {
        // A connection that dropped after sending something resumes where it stopped.
        if (attemptBytes_ > 0 && attempts_ < request_.maxAttempts) {
            part_.close();
            return beginAttempt();
        }
        const qint64 have = part_.size();
        part_.close();
        const QString why = reply->error() != QNetworkReply::NoError
                                ? networkReason(reply, request_.url)
                                : QStringLiteral("the connection closed after %1 of %2 bytes").arg(have).arg(total_);
        return finish(false, QStringLiteral("download of %1 failed: %2%3")
                                 .arg(request_.url.toString(), why,
                                      have > 0 ? QStringLiteral("; run it again to resume") : QString()));
    }
    verifyAndInstall();
}

void ModelDownload::verifyAndInstall() {
    part_.flush();
    ::fsync(part_.handle());  // the bytes are on disk before the rename makes them the model
    part_.close();
    const QString name = QFileInfo(request_.destination).fileName();
    const qint64 size = QFileInfo(partPath()).size();
    QString problem;
    if (request_.expectedSize > 0 && size != request_.expectedSize)
        problem = QStringLiteral("%1: expected %2 bytes, got %3").arg(name).arg(request_.expectedSize).arg(size);
    if (problem.isEmpty() && !request_.expectedHex.isEmpty()) {
        QFile file(partPath());
        QCryptographicHash hash(request_.algorithm);
        if (!file.open(QIODevice::ReadOnly) || !hash.addData(&file))
            problem = QStringLiteral("%1: cannot be read back to check it").arg(name);
        else if (hash.result().toHex() != request_.expectedHex)
            problem = QStringLiteral("%1: checksum mismatch: expected %2, got %3")
                          .arg(name, QString::fromLatin1(request_.expectedHex),
                               QString::fromLatin1(hash.result().toHex()));
    }
    if (!problem.isEmpty()) {
        QFile::remove(partPath());  // a wrong file must not be resumed or mistaken for the model
        verificationFailed_ = true;
        return finish(false, problem + QStringLiteral("; the download was deleted"));
    }
    // rename() replaces the destination in one step: readers see the old file or the new one.
    if (std::rename(QFile::encodeName(partPath()).constData(),
                    QFile::encodeName(request_.destination).constData()) != 0)
        return finish(false, QStringLiteral("%1: cannot be moved into place").arg(request_.destination));
    finish(true, QString());
}

void ModelDownload::finish(bool ok, const QString& message) {
    if (done_) return;
    done_ = true;
    if (!ok && QFileInfo(partPath()).size() == 0) QFile::remove(partPath());  // nothing to resume
    emit finished(ok, message);
}

QString downloadAndWait(const DownloadRequest& request,
                        const std::function<void(qint64, qint64)>& onProgress) {
    ModelDownload download(request);
    return waitForDownload(download, onProgress);
}

}  // namespace pm::models
