#include "photo_io/atomic_write.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <fcntl.h>
#include <unistd.h>

#include "photo_io/path_safety.h"

namespace pm::photo_io {

namespace {
constexpr qint64 kChunk = 1 << 20;

// Translated for the window (the CLI installs no translator, so it prints the English source).
QString failure(const QString& path, const QString& reason) {
    return QCoreApplication::translate("pm::photo_io::SaveMessages",
                                       "Could not save “%1”: %2. The existing file, if any, is "
                                       "unchanged.")
        .arg(QFileInfo(path).fileName(), reason);
}

QString interrupted() {
    return QCoreApplication::translate("pm::photo_io::SaveMessages", "the write was interrupted");
}

// QSaveFile (Qt 6.4) syncs the data (fdatasync) before it links the finished file into place, but
// never the folder that holds the new name: after a power cut the save could be gone, the old photo
// back or, for a new file, no file at all. Syncing the folder after the commit makes it durable.
void syncFolderOf(const QString& path) {
    const QByteArray folder = QFile::encodeName(QFileInfo(resolvedWritePath(path)).absolutePath());
    const int fd = ::open(folder.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;  // the file is in place; only the durability of its name is not ensured
    ::fsync(fd);
    ::close(fd);
}
}  // namespace

WriteResult writeFileAtomically(const QString& path, const QByteArray& bytes,
                                const std::function<bool(qint64)>& beforeChunk) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) return {false, failure(path, file.errorString())};
    for (qint64 done = 0; done < bytes.size();) {
        if (beforeChunk && !beforeChunk(done)) {
            file.cancelWriting();
            return {false, failure(path, interrupted())};
        }
        const qint64 n = file.write(bytes.constData() + done, std::min(kChunk, bytes.size() - done));
        if (n <= 0) {
            const QString reason = file.errorString();
            file.cancelWriting();
            return {false, failure(path, reason)};
        }
        done += n;
    }
    if (beforeChunk && !beforeChunk(bytes.size())) {  // the last check: before the rename
        file.cancelWriting();
        return {false, failure(path, interrupted())};
    }
    if (!file.commit()) return {false, failure(path, file.errorString())};
    syncFolderOf(path);
    return {true, {}};
}

}  // namespace pm::photo_io
