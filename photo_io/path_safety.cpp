#include "photo_io/path_safety.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <filesystem>
#include <system_error>

namespace pm::photo_io {

namespace {
std::filesystem::path native(const QString& path) {
    return std::filesystem::path(QFile::encodeName(path).toStdString());
}
}  // namespace

bool isSameFile(const QString& a, const QString& b) {
    if (a.isEmpty() || b.isEmpty()) return false;
    // std::filesystem::equivalent follows links and compares device and inode: it sees through
    // other spellings, symbolic links, hard links and bind mounts alike.
    std::error_code ec;
    const bool same = std::filesystem::equivalent(native(a), native(b), ec);
    return !ec && same;
}

QString resolvedWritePath(const QString& path) {
    QFileInfo info(path);
    // Follow the chain of links as QSaveFile does, even to a target that does not exist yet.
    for (int depth = 0; depth < 40 && info.isSymLink(); ++depth) info.setFile(info.symLinkTarget());
    if (info.exists()) return info.canonicalFilePath();
    const QString folder = QFileInfo(info.absolutePath()).canonicalFilePath();
    return folder.isEmpty() ? info.absoluteFilePath() : QDir(folder).filePath(info.fileName());
}

QString overwriteRefusal(const QString& output, const QString& keep, const QString& what) {
    if (!isSameFile(output, keep)) return {};
    QString how;
    if (QFileInfo(output).isSymLink())
        how = QStringLiteral(" (%1 is a link to %2)").arg(output, resolvedWritePath(output));
    else if (QFileInfo(keep).isSymLink())
        how = QStringLiteral(" (%1 is a link to %2)").arg(keep, resolvedWritePath(keep));
    else if (resolvedWritePath(output) != resolvedWritePath(keep))
        how = QStringLiteral(" (%1 is another name of the same file)").arg(output);
    else if (QFileInfo(output).absoluteFilePath() != QFileInfo(keep).absoluteFilePath())
        how = QStringLiteral(" (%1 is the same file)").arg(output);
    return QStringLiteral("refusing to overwrite the %1 %2%3; choose another output")
        .arg(what, keep, how);
}

QString linkRefusal(const QString& path, const QString& ownFile) {
    if (!QFileInfo(path).isSymLink()) return {};
    const QString target = resolvedWritePath(path);
    if (!QFileInfo::exists(target) || isSameFile(target, ownFile)) return {};
    return QStringLiteral("Could not save “%1”: it is a link to “%2”, and saving would replace "
                          "that file. Choose another name.")
        .arg(QFileInfo(path).fileName(), target);
}

}  // namespace pm::photo_io
