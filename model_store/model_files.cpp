#include "model_store/model_files.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QUrl>
#include <cstdio>
#include <exception>

#include "core/engine/device.h"
#include "core/engine/inference_session.h"
#include "model_store/model_folders.h"

namespace pm::models {
namespace {

QByteArray hashOf(const QString& path, QCryptographicHash::Algorithm algorithm) {
    QFile file(path);
    QCryptographicHash hash(algorithm);
    if (!file.open(QIODevice::ReadOnly) || !hash.addData(&file)) return {};
    return hash.result().toHex();
}

bool hasChecksum(const engine::ModelEntry& e) {
    return !e.md5.empty() || !e.sha256.empty();
}

// Whether `path` has the entry's published checksum (callers check hasChecksum first).
bool matchesChecksum(const engine::ModelEntry& e, const QString& path) {
    if (!e.sha256.empty()) return hashOf(path, QCryptographicHash::Sha256) == e.sha256.c_str();
    return hashOf(path, QCryptographicHash::Md5) == e.md5.c_str();
}

// The engine's own load check: TorchScript, and a dry run that keeps the contract, on the CPU.
QString loadProblem(const engine::ModelEntry& entry, const QString& path) {
    try {
        engine::DeviceInfo cpu;
        cpu.name = "CPU";
        engine::InferenceSession::load(entry, path.toStdString(), cpu);
        return {};
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
}

QString copyInto(const QString& source, const QString& destination) {
    QDir().mkpath(QFileInfo(destination).absolutePath());
    const QString temporary = destination + QStringLiteral(".import");
    QFile::remove(temporary);
    if (!QFile::copy(source, temporary))
        return QStringLiteral("%1: cannot be copied into %2").arg(source, QFileInfo(destination).absolutePath());
    if (std::rename(QFile::encodeName(temporary).constData(),
                    QFile::encodeName(destination).constData()) != 0) {
        QFile::remove(temporary);
        return QStringLiteral("%1: cannot be moved into place").arg(destination);
    }
    return {};
}

}  // namespace

const engine::ModelEntry* findModel(const engine::ModelRegistry& registry, const QString& id) {
    for (const auto& e : registry.entries())
        if (QString::fromStdString(e.id) == id) return &e;
    return nullptr;
}

QString publishedChecksum(const engine::ModelEntry& e) {
    if (e.isFolder()) {  // one per file: say how many of the folder's files have one
        size_t published = 0;
        for (const auto& f : e.files) published += f.sha256.empty() ? 0 : 1;
        return published == 0 ? QString()
                              : QStringLiteral("SHA-256 for %1 of its %2 files").arg(published).arg(e.files.size());
    }
    if (!e.sha256.empty()) return QStringLiteral("SHA-256 ") + QString::fromStdString(e.sha256);
    if (!e.md5.empty()) return QStringLiteral("MD5 ") + QString::fromStdString(e.md5);
    return {};
}

QString checksumProblem(const engine::ModelEntry& e, const QString& path) {
    const QString name = QFileInfo(path).fileName();
    const qint64 size = QFileInfo(path).size();
    if (e.sizeBytes > 0 && size != e.sizeBytes)
        return QStringLiteral("%1: expected %2 bytes, got %3").arg(name).arg(e.sizeBytes).arg(size);
    if (hasChecksum(e) && !matchesChecksum(e, path))
        return QStringLiteral("%1: checksum mismatch (expected %2)").arg(name, publishedChecksum(e));
    return {};
}

FileCheck checkInstalled(const engine::ModelEntry& entry, const QString& modelsDir) {
    if (entry.isFolder()) return checkInstalledFolder(entry, modelsDir);
    FileCheck check;
    const QString path = QDir(modelsDir).filePath(QString::fromStdString(entry.file));
    if (!QFileInfo(path).isFile()) return check;
    check.path = path;
    check.problem = checksumProblem(entry, path);
    if (!check.problem.isEmpty()) {
        check.state = FileState::Broken;
    } else if (hasChecksum(entry)) {
        check.state = FileState::Verified;
    } else {
        check.state = FileState::Unverified;
        check.problem = QStringLiteral("no published checksum; 'photomend-cli info' test-loads it");
    }
    return check;
}

bool hasDirectDownload(const engine::ModelEntry& e) {
    if (e.isFolder()) {
        for (const auto& f : e.files)
            if (!QUrl(QString::fromStdString(f.url)).scheme().startsWith(QStringLiteral("http"))) return false;
        return true;
    }
    const QUrl url(QString::fromStdString(e.url));
    return url.scheme().startsWith(QStringLiteral("http")) &&
           url.fileName() == QString::fromStdString(e.file);
}

DownloadRequest downloadRequestFor(const engine::ModelEntry& e, const QString& modelsDir) {
    DownloadRequest request;
    request.url = QUrl(QString::fromStdString(e.url));
    request.destination = QDir(modelsDir).filePath(QString::fromStdString(e.file));
    request.expectedSize = e.sizeBytes;
    if (!e.sha256.empty()) {
        request.algorithm = QCryptographicHash::Sha256;
        request.expectedHex = QByteArray::fromStdString(e.sha256);
    } else if (!e.md5.empty()) {
        request.algorithm = QCryptographicHash::Md5;
        request.expectedHex = QByteArray::fromStdString(e.md5);
    }
    return request;
}

QString importModel(const engine::ModelRegistry& registry, const QString& file, QString* importedId) {
    if (QFileInfo(file).isDir()) return importFolder(registry, file, QString(), importedId);
    if (!QFileInfo(file).isFile()) return QStringLiteral("%1: no such file").arg(file);
    const QString modelsDir = QString::fromStdString(registry.modelsDir());
    // 1. By published checksum, whatever the file is called.
    for (const auto& e : registry.entries()) {
        if (e.isFolder() || !hasChecksum(e) || !checksumProblem(e, file).isEmpty()) continue;
        *importedId = QString::fromStdString(e.id);
        return copyInto(file, QDir(modelsDir).filePath(QString::fromStdString(e.file)));
    }
    // 2. By file name, for models without a published checksum, if the engine can load it.
    const QString name = QFileInfo(file).fileName();
    for (const auto& e : registry.entries()) {
        if (e.isFolder() || QString::fromStdString(e.file) != name) continue;
        const QString problem = importModelAs(registry, file, QString::fromStdString(e.id));
        if (problem.isEmpty()) *importedId = QString::fromStdString(e.id);
        return problem;
    }
    return QStringLiteral("%1: matches no model of the manifest by checksum or file name; not imported")
        .arg(name);
}

bool identifiesModel(const engine::ModelRegistry& registry, const QString& file) {
    if (QFileInfo(file).isDir()) return identifyFolderModel(registry, file) != nullptr;
    const QString name = QFileInfo(file).fileName();
    for (const auto& e : registry.entries())
        if (!e.isFolder() && (QString::fromStdString(e.file) == name || (hasChecksum(e) && checksumProblem(e, file).isEmpty())))
            return true;
    return false;
}

QString importModelAs(const engine::ModelRegistry& registry, const QString& file, const QString& id) {
    const engine::ModelEntry* e = findModel(registry, id);
    if (!e) return QStringLiteral("no model '%1' in the manifest").arg(id);
    if (e->isFolder()) return importFolder(registry, file, id, nullptr);
    if (!QFileInfo(file).isFile()) return QStringLiteral("%1: no such file").arg(file);
    if (hasChecksum(*e)) {
        const QString problem = checksumProblem(*e, file);
        if (!problem.isEmpty()) return problem + QStringLiteral("; not imported");
    } else {
        const QString problem = loadProblem(*e, file);
        if (!problem.isEmpty()) return problem + QStringLiteral("; not imported");
    }
    const QString modelsDir = QString::fromStdString(registry.modelsDir());
    return copyInto(file, QDir(modelsDir).filePath(QString::fromStdString(e->file)));
}

bool looksLikeModelFile(const QString& path) {
    static const QStringList suffixes = {QStringLiteral("pt"),   QStringLiteral("pth"),
                                         QStringLiteral("ckpt"), QStringLiteral("safetensors"),
                                         QStringLiteral("onnx"), QStringLiteral("bin")};
    return suffixes.contains(QFileInfo(path).suffix().toLower());
}

QString removeModel(const engine::ModelRegistry& registry, const QString& id) {
    const engine::ModelEntry* entry = findModel(registry, id);
    if (!entry) return QStringLiteral("no model '%1' in the manifest").arg(id);
    if (entry->isFolder()) return removeFolderModel(*entry, QString::fromStdString(registry.modelsDir()));
    const QString path = QDir(QString::fromStdString(registry.modelsDir()))
                             .filePath(QString::fromStdString(entry->file));
    QFile::remove(path + QStringLiteral(".part"));
    if (!QFileInfo::exists(path)) return QStringLiteral("model '%1' is not installed").arg(id);
    if (!QFile::remove(path)) return QStringLiteral("%1: cannot be deleted").arg(path);
    return {};
}

}  // namespace pm::models
