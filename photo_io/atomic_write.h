#pragma once
// Writing a finished file atomically with QSaveFile: the bytes go to a temporary file beside the
// target, which replaces the target only after everything was written and synced to the disk (the
// folder is synced after the rename too). A crash, a power cut, a full disk or a read-only folder
// never leaves a broken or half-written photo behind.
#include <QByteArray>
#include <QString>
#include <functional>

namespace pm::photo_io {

struct WriteResult {
    bool ok = false;
    QString error;  ///< for the user: "Could not save “x.jpg”: No space left on device. …"
};

/// Writes `bytes` to `path`. `beforeChunk`, when set, is called before each chunk and once more
/// before the final rename, with the number of bytes written so far; returning false aborts the write
/// as if the device had failed (tests use it to simulate a full disk).
WriteResult writeFileAtomically(const QString& path, const QByteArray& bytes,
                                const std::function<bool(qint64)>& beforeChunk = {});

}  // namespace pm::photo_io
