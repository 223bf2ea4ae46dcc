#include "app/cli/task_plan.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>
#include <QTemporaryFile>

#include "core/common/error.h"
#include "photo_io/path_safety.h"
#include "photo_io/photo_saver.h"

namespace pm::cli {

namespace {
[[noreturn]] void refuse(const QString& message) {
    throw Error(message.toStdString());
}

// Creating a file is the only sure test: permissions, read-only mounts, immutable folders and
// quotas all answer it, where QFileInfo::isWritable only reads the permission bits.
void probeFolder(const QString& folder) {
    QTemporaryFile probe(QDir(folder).filePath(QStringLiteral(".photomend-write-test-XXXXXX")));
    if (!probe.open())
        refuse(QStringLiteral("cannot write into the output folder %1: %2")
                   .arg(folder, probe.errorString()));
}

QString maskFor(const QString& name, const QString& mask, bool maskIsFolder) {
    if (!maskIsFolder) return mask;
    const QString base = QFileInfo(name).completeBaseName();
    QString found;
    for (const QString& candidate : QDir(mask).entryList({base + ".*"}, QDir::Files))
        found = QDir(mask).filePath(candidate);
    return found.isEmpty() ? QDir(mask).filePath(name) : found;  // reported as missing later
}

void checkSameFolders(const QString& input, const QString& mask, const QString& output) {
    if (photo_io::isSameFile(output, input))
        refuse(QStringLiteral("the output folder %1 is the input folder %2; choose another "
                              "folder so the originals are kept")
                   .arg(output, input));
    if (photo_io::isSameFile(output, mask))
        refuse(QStringLiteral("the output folder %1 is the mask folder %2; choose another folder "
                              "so the masks are kept")
                   .arg(output, mask));
}
}  // namespace

void prepareOutputFolder(const QString& folder) {
    const QFileInfo info(folder);
    if (info.exists() && !info.isDir())
        refuse(QStringLiteral("the output %1 is a file, but a folder is needed").arg(folder));
    if (!QDir().mkpath(folder))
        refuse(QStringLiteral("cannot create the output folder %1").arg(folder));
    probeFolder(folder);
}

void checkOutputWritable(const QString& output) {
    const QFileInfo info(output);
    if (info.isDir() || output.endsWith('/'))
        refuse(QStringLiteral("the output %1 names a folder; give a file name").arg(output));
    const QString folder = info.absolutePath();
    if (!QFileInfo(folder).isDir())
        refuse(QStringLiteral("the output folder %1 does not exist").arg(folder));
    if (info.exists() && !info.isWritable())
        refuse(QStringLiteral("the output %1 exists and is read-only").arg(output));
    probeFolder(folder);
}

std::vector<FileTask> planTasks(const QString& input, const QString& mask, const QString& output) {
    const QFileInfo in(input);
    if (!in.exists()) refuse(QStringLiteral("%1 does not exist").arg(input));
    const QFileInfo maskInfo(mask);
    if (!mask.isEmpty() && !maskInfo.exists())
        refuse(QStringLiteral("the mask %1 does not exist").arg(mask));

    std::vector<FileTask> tasks;
    if (!in.isDir()) {
        if (maskInfo.isDir()) refuse(QStringLiteral("a single INPUT file needs a single MASK file"));
        const QString target = QFileInfo(output).isDir() ? QDir(output).filePath(in.fileName()) : output;
        tasks.push_back({input, mask, target});
    } else {
        if (QFileInfo(output).exists() && !QFileInfo(output).isDir())
            refuse(QStringLiteral("INPUT is a folder, so OUTPUT must be a folder too"));
        checkSameFolders(input, maskInfo.isDir() ? mask : QString(), output);
        prepareOutputFolder(output);
        const QDir dir(input);
        for (const QString& name : dir.entryList(QDir::Files, QDir::Name)) {
            if (!photo_io::isSupportedImage(name)) continue;
            tasks.push_back({dir.filePath(name), maskFor(name, mask, maskInfo.isDir()),
                             QDir(output).filePath(name)});
        }
        if (tasks.empty()) refuse(QStringLiteral("%1 holds no photos PhotoMend can open").arg(input));
    }
    QSet<QString> checkedFolders;
    for (const FileTask& t : tasks) {
        for (const QString& refusal :
             {photo_io::overwriteRefusal(t.output, t.input, QStringLiteral("input")),
              photo_io::overwriteRefusal(t.output, t.mask, QStringLiteral("mask"))})
            if (!refusal.isEmpty()) refuse(refusal);
        const QString folder = QFileInfo(t.output).absolutePath();
        if (!checkedFolders.contains(folder) || QFileInfo::exists(t.output)) checkOutputWritable(t.output);
        checkedFolders.insert(folder);
    }
    return tasks;
}

}  // namespace pm::cli
