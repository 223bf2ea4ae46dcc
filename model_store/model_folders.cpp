#include "model_store/model_folders.h"

#include <unistd.h>

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QUrl>
#include <cstdio>

#include "core/engine/diffusers_layout.h"
#include "model_store/model_download.h"

namespace pm::models {
namespace {

const QString kMarker = QStringLiteral(".photomend-verified");

QString staging(const engine::ModelEntry& e, const QString& modelsDir, const char* what) {
    return QDir(modelsDir).filePath(QStringLiteral(".%1.%2").arg(QString::fromStdString(e.file), QLatin1String(what)));
}

QString rel(const engine::ModelFile& f) { return QString::fromStdString(f.path); }

// Written last, after every file was checked: a file changed later is newer than it.
bool writeMarker(const QString& folder, const engine::ModelEntry& e) {
    QSaveFile marker(QDir(folder).filePath(kMarker));
    if (!marker.open(QIODevice::WriteOnly)) return false;
    for (const auto& f : e.files)
        if (QFileInfo(QDir(folder).filePath(rel(f))).isFile())
            marker.write(QByteArray::fromStdString((f.sha256.empty() ? std::string("-") : f.sha256) + "  " + f.path + "\n"));
    return marker.commit();
}

// Puts the finished temporary folder in place with one rename; a broken old copy goes aside
// first and is deleted only once the new one is there.
QString moveIntoPlace(const QString& from, const QString& to) {
    const QString aside = to + QStringLiteral(".old");
    QDir(aside).removeRecursively();
    const bool hadOld = QFileInfo::exists(to);
    if (hadOld && std::rename(QFile::encodeName(to).constData(), QFile::encodeName(aside).constData()) != 0)
        return QStringLiteral("%1: the old copy cannot be moved aside").arg(to);
    if (std::rename(QFile::encodeName(from).constData(), QFile::encodeName(to).constData()) != 0) {
        if (hadOld) std::rename(QFile::encodeName(aside).constData(), QFile::encodeName(to).constData());
        return QStringLiteral("%1: cannot be moved into place").arg(to);
    }
    ::sync();  // the renamed folder's entries are on disk before anyone relies on them
    QDir(aside).removeRecursively();
    return {};
}

// SHA-256 of a file, reporting each chunk; "" when cancelled or unreadable.
QByteArray sha256Of(const QString& path, qint64* done, qint64 total, const ImportProgress& onProgress,
                    const std::atomic<bool>* cancelled) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    QByteArray chunk(4 << 20, Qt::Uninitialized);
    for (;;) {
        if (cancelled && cancelled->load()) return {};
        const qint64 n = file.read(chunk.data(), chunk.size());
        if (n < 0) return {};
        if (n == 0) break;
        hash.addData(QByteArrayView(chunk.constData(), n));
        *done += n;
        if (onProgress) onProgress(*done, total);
    }
    return hash.result().toHex();
}

// Copies a file in chunks (progress, cancel). "" or the reason.
QString copyWithProgress(const QString& from, const QString& to, qint64* done, qint64 total,
                         const ImportProgress& onProgress, const std::atomic<bool>* cancelled) {
    QDir().mkpath(QFileInfo(to).absolutePath());
    QFile in(from);
    QFile out(to);
    if (!in.open(QIODevice::ReadOnly)) return QStringLiteral("%1: cannot be read").arg(from);
    if (!out.open(QIODevice::WriteOnly)) return QStringLiteral("%1: cannot be written").arg(to);
    QByteArray chunk(4 << 20, Qt::Uninitialized);
    for (;;) {
        if (cancelled && cancelled->load()) return QStringLiteral("cancelled");
        const qint64 n = in.read(chunk.data(), chunk.size());
        if (n < 0) return QStringLiteral("%1: read error").arg(from);
        if (n == 0) break;
        if (out.write(chunk.constData(), n) != n)
            return QStringLiteral("%1: cannot be written (%2)").arg(to, out.errorString());
        *done += n;
        if (onProgress) onProgress(*done, total);
    }
    out.flush();
    ::fsync(out.handle());
    return {};
}

}  // namespace

QString folderPath(const engine::ModelEntry& entry, const QString& modelsDir) {
    return QDir(modelsDir).filePath(QString::fromStdString(entry.file));
}

FileCheck checkInstalledFolder(const engine::ModelEntry& e, const QString& modelsDir) {
    FileCheck check;
    const QString folder = folderPath(e, modelsDir);
    if (!QFileInfo(folder).isDir()) return check;
    check.path = folder;
    check.state = FileState::Broken;
    const std::string layout = engine::diffusersFolderProblem(folder.toStdString());
    if (!layout.empty()) {
        check.problem = QString::fromStdString(layout);
        return check;
    }
    QString absent;
    QString unpublished;
    qint64 newest = 0;
    for (const auto& f : e.files) {
        const QFileInfo info(QDir(folder).filePath(rel(f)));
        if (!info.isFile()) {
            if (absent.isEmpty()) absent = rel(f);
            continue;
        }
        if (f.sizeBytes > 0 && info.size() != f.sizeBytes) {
            check.problem = QStringLiteral("%1: expected %2 bytes, got %3").arg(rel(f)).arg(f.sizeBytes).arg(info.size());
            return check;
        }
        if (f.sha256.empty() && unpublished.isEmpty()) unpublished = rel(f);
        newest = std::max(newest, info.lastModified().toMSecsSinceEpoch());
    }
    check.state = FileState::Unverified;
    const QFileInfo marker(QDir(folder).filePath(kMarker));
    if (!absent.isEmpty())
        check.problem = QStringLiteral("it holds other files than the published ones (%1 is not there); not checked").arg(absent);
    else if (!marker.isFile() || marker.lastModified().toMSecsSinceEpoch() < newest)
        check.problem = QStringLiteral("its checksums were not checked (copied in by hand?); import the folder to check it");
    else if (!unpublished.isEmpty())
        check.problem = QStringLiteral("no published checksum for %1").arg(unpublished);
    else
        check.state = FileState::Verified;
    return check;
}

bool looksLikeModelFolder(const QString& path) {
    const QDir dir(path);
    return QFileInfo(path).isDir() && (dir.exists(QStringLiteral("unet")) || dir.exists(QStringLiteral("text_encoder")));
}

const engine::ModelEntry* identifyFolderModel(const engine::ModelRegistry& registry, const QString& folder) {
    const QString name = QFileInfo(QDir::cleanPath(folder)).fileName();
    for (const auto& e : registry.entries())
        if (e.isFolder() && (name == QString::fromStdString(e.file) || name == QString::fromStdString(e.id))) return &e;
    // By content: the model whose own files (not the shared vae/ and tokenizer/) it holds most of.
    const engine::ModelEntry* best = nullptr;
    int bestCount = 0;
    for (const auto& e : registry.entries()) {
        if (!e.isFolder()) continue;
        int count = 0;
        for (const auto& f : e.files)
            if (QFileInfo(QDir(folder).filePath(rel(f))).isFile()) ++count;
        // Files only this model publishes weigh more than ones it shares with another.
        for (const auto& f : e.files) {
            bool shared = false;
            for (const auto& other : registry.entries())
                if (&other != &e && other.isFolder())
                    for (const auto& g : other.files) shared = shared || g.path == f.path;
            if (!shared && QFileInfo(QDir(folder).filePath(rel(f))).isFile()) count += 100;
        }
        if (count > bestCount) {
            best = &e;
            bestCount = count;
        }
    }
    return best;
}

QString importFolder(const engine::ModelRegistry& registry, const QString& source, const QString& id,
                     QString* importedId, const ImportProgress& onProgress, const std::atomic<bool>* cancelled) {
    const QString name = QFileInfo(QDir::cleanPath(source)).fileName();
    if (!QFileInfo(source).isDir()) return QStringLiteral("%1: no such folder").arg(source);
    // What the loader needs, named as it names it.
    const std::string layout = engine::diffusersFolderProblem(source.toStdString());
    if (!layout.empty()) return QStringLiteral("%1: %2; not imported").arg(name, QString::fromStdString(layout));
    const engine::ModelEntry* e = id.isEmpty() ? identifyFolderModel(registry, source) : findModel(registry, id);
    if (!e || !e->isFolder())
        return id.isEmpty() ? QStringLiteral("%1: matches no folder model of the manifest; not imported").arg(name)
                            : QStringLiteral("no folder model '%1' in the manifest").arg(id);
    const QString modelsDir = QString::fromStdString(registry.modelsDir());
    const QString target = folderPath(*e, modelsDir);
    if (QDir(source).canonicalPath() == QDir(target).canonicalPath())
        return QStringLiteral("%1 is the installed copy already").arg(source);

    // Everything to copy (hidden files such as .git or a download cache stay behind).
    QStringList files;
    qint64 total = 0;
    QDirIterator it(source, QDir::Files | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString relative = QDir(source).relativeFilePath(path);
        if (relative.startsWith(QLatin1Char('.')) || relative.contains(QStringLiteral("/."))) continue;
        files << relative;
        total += QFileInfo(path).size();
    }
    qint64 toHash = 0;
    for (const auto& f : e->files) {
        const QFileInfo info(QDir(source).filePath(rel(f)));
        if (info.isFile() && !f.sha256.empty()) toHash += info.size();
    }
    total += toHash;
    qint64 done = 0;
    // 1. Every published file it holds: the published size, then the published checksum.
    for (const auto& f : e->files) {
        const QString path = QDir(source).filePath(rel(f));
        const QFileInfo info(path);
        if (!info.isFile()) continue;
        if (f.sizeBytes > 0 && info.size() != f.sizeBytes)
            return QStringLiteral("%1: expected %2 bytes, got %3; not imported").arg(rel(f)).arg(f.sizeBytes).arg(info.size());
        if (f.sha256.empty()) continue;
        const QByteArray hex = sha256Of(path, &done, total, onProgress, cancelled);
        if (cancelled && cancelled->load()) return QStringLiteral("import cancelled; nothing was copied");
        if (hex != QByteArray::fromStdString(f.sha256))
            return QStringLiteral("%1: checksum mismatch (expected SHA-256 %2); not imported")
                .arg(rel(f), QString::fromStdString(f.sha256));
    }
    // 2. A copy in a temporary folder, then one rename: the model appears whole or not at all.
    const QString temporary = staging(*e, modelsDir, "import");
    QDir(temporary).removeRecursively();
    QDir().mkpath(temporary);
    for (const QString& relative : files) {
        const QString problem = copyWithProgress(QDir(source).filePath(relative), QDir(temporary).filePath(relative),
                                                 &done, total, onProgress, cancelled);
        if (!problem.isEmpty()) {
            QDir(temporary).removeRecursively();
            return problem == QLatin1String("cancelled") ? QStringLiteral("import cancelled; nothing was copied")
                                                         : problem + QStringLiteral("; not imported");
        }
    }
    if (!writeMarker(temporary, *e)) {
        QDir(temporary).removeRecursively();
        return QStringLiteral("%1: cannot be written").arg(temporary);
    }
    const QString problem = moveIntoPlace(temporary, target);
    if (!problem.isEmpty()) {
        QDir(temporary).removeRecursively();
        return problem;
    }
    if (importedId) *importedId = QString::fromStdString(e->id);
    return {};
}

QString removeFolderModel(const engine::ModelEntry& entry, const QString& modelsDir) {
    QDir(staging(entry, modelsDir, "download")).removeRecursively();
    QDir(staging(entry, modelsDir, "import")).removeRecursively();
    const QString folder = folderPath(entry, modelsDir);
    if (!QFileInfo(folder).isDir()) return QStringLiteral("model '%1' is not installed").arg(QString::fromStdString(entry.id));
    if (!QDir(folder).removeRecursively()) return QStringLiteral("%1: cannot be deleted").arg(folder);
    return {};
}

FolderDownload::FolderDownload(engine::ModelEntry entry, QString modelsDir, QObject* parent)
    : QObject(parent), entry_(std::move(entry)), modelsDir_(std::move(modelsDir)) {}

FolderDownload::~FolderDownload() {
    if (current_) {
        current_->disconnect(this);
        current_->cancel();
    }
}

QString FolderDownload::stagingDir() const { return staging(entry_, modelsDir_, "download"); }

void FolderDownload::start() {
    index_ = 0;
    doneBytes_ = 0;
    cancelled_ = false;
    done_ = false;
    next();
}

void FolderDownload::cancel() {
    cancelled_ = true;
    if (current_) current_->cancel();
}

void FolderDownload::next() {
    const QString dir = stagingDir();
    // Files finished by an earlier run are whole and checked (ModelDownload renames only then).
    while (index_ < entry_.files.size() && QFileInfo(QDir(dir).filePath(rel(entry_.files[index_]))).isFile()) {
        doneBytes_ += QFileInfo(QDir(dir).filePath(rel(entry_.files[index_]))).size();
        ++index_;
    }
    if (index_ == entry_.files.size()) return install();
    const engine::ModelFile& f = entry_.files[index_];
    DownloadRequest request;
    request.url = QUrl(QString::fromStdString(f.url));
    request.destination = QDir(dir).filePath(rel(f));
    request.expectedSize = f.sizeBytes;
    request.algorithm = QCryptographicHash::Sha256;
    request.expectedHex = QByteArray::fromStdString(f.sha256);
    request.transferTimeoutMs = timeoutMs_;
    auto* download = new ModelDownload(request, this);
    current_ = download;
    connect(download, &ModelDownload::progress, this, [this](qint64 received, qint64) {
        emit progress(doneBytes_ + received, entry_.sizeBytes);
    });
    connect(download, &ModelDownload::finished, this, [this, download, path = rel(f)](bool ok, const QString& message) {
        download->deleteLater();
        current_.clear();
        if (ok) return next();  // next() counts the file now in place and moves past it
        if (cancelled_)
            return finish(false, QStringLiteral("download cancelled; the files so far are kept for next time"));
        if (download->verificationFailed()) {
            // One wrong file: the source cannot be trusted, nothing of it is kept.
            QDir(stagingDir()).removeRecursively();
            return finish(false, QStringLiteral("%1 (%2); nothing of %3 was kept")
                                     .arg(message, path, QString::fromStdString(entry_.file)));
        }
        finish(false, message);
    });
    download->start();
}

void FolderDownload::install() {
    const QString dir = stagingDir();
    const std::string layout = engine::diffusersFolderProblem(dir.toStdString());
    if (!layout.empty()) {
        QDir(dir).removeRecursively();
        return finish(false, QStringLiteral("the downloaded files are not a complete model: %1").arg(QString::fromStdString(layout)));
    }
    if (!writeMarker(dir, entry_)) return finish(false, QStringLiteral("%1: cannot be written").arg(dir));
    const QString problem = moveIntoPlace(dir, folderPath(entry_, modelsDir_));
    finish(problem.isEmpty(), problem);
}

void FolderDownload::finish(bool ok, const QString& message) {
    if (done_) return;
    done_ = true;
    emit finished(ok, message);
}

QString downloadFolderAndWait(const engine::ModelEntry& entry, const QString& modelsDir,
                              const std::function<void(qint64, qint64)>& onProgress, int transferTimeoutMs) {
    FolderDownload download(entry, modelsDir);
    download.setTransferTimeoutMs(transferTimeoutMs);
    return waitForDownload(download, onProgress);
}

}  // namespace pm::models
