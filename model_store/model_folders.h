#pragma once
// Folder models (manifest format "diffusers": PowerPaint v1, SD-1.5 inpainting): one model is a
// folder of several files, each with its own URL, size and checksum. What a single file gets from
// model_files/model_download, a folder gets here as a whole:
// - Download: every file into "<models>/.<folder>.download/", each checked before it is moved
//   into place there (ModelDownload), resumed file by file; only when all are there is the
//   folder renamed to "<models>/<folder>" in one step, so a half-downloaded model never looks
//   installed. A wrong size or checksum in any file deletes the whole temporary folder.
// - Import: the folder must hold what the prompt fill loads (engine::diffusersFolderProblem, the
//   loader's own file names); every published file it holds must have its published size and
//   checksum; then it is copied the same way (temporary folder, one rename).
// - State: cheap (no hashing): the layout, the published sizes, and a marker file written after
//   the checksums were checked (".photomend-verified"), older than no file of the folder.
#include <QObject>
#include <QPointer>
#include <QString>
#include <atomic>
#include <functional>

#include "core/engine/model_registry.h"
#include "model_store/model_files.h"

namespace pm::models {

class ModelDownload;

/// "<models>/<folder>" of a folder model.
QString folderPath(const engine::ModelEntry& entry, const QString& modelsDir);
/// The state of an installed folder model (see the header comment); the problem names the file.
FileCheck checkInstalledFolder(const engine::ModelEntry& entry, const QString& modelsDir);
/// Whether `path` is a folder that looks like a diffusers model (it has unet/ or text_encoder/),
/// so that a dropped folder goes to import.
bool looksLikeModelFolder(const QString& path);
/// The folder model that `folder` is: by its name (the manifest's folder name or id), else the
/// one whose published files it holds most of. Null when it is none.
const engine::ModelEntry* identifyFolderModel(const engine::ModelRegistry& registry, const QString& folder);

/// Progress of an import: bytes checked and copied so far, of all there are to check and copy.
using ImportProgress = std::function<void(qint64 done, qint64 total)>;
/// Copies `folder` into the models folder as folder model `id` ("" = identifyFolderModel), after
/// checking its layout and its published files. Returns "" and sets `importedId`, or the reason
/// it was refused, naming the file. Runs on any thread; `cancelled` may stop it (nothing is left).
QString importFolder(const engine::ModelRegistry& registry, const QString& folder, const QString& id,
                     QString* importedId, const ImportProgress& onProgress = {},
                     const std::atomic<bool>* cancelled = nullptr);
/// Deletes the folder of folder model `entry` and what an unfinished download left. "" or why not.
QString removeFolderModel(const engine::ModelEntry& entry, const QString& modelsDir);

/// Downloads every file of a folder model (see the header comment). Emits finished() once.
class FolderDownload : public QObject {
    Q_OBJECT
public:
    FolderDownload(engine::ModelEntry entry, QString modelsDir, QObject* parent = nullptr);
    ~FolderDownload() override;

    void start();
    /// Stops; the files so far are kept in the temporary folder, so the next start() resumes.
    Q_INVOKABLE void cancel();
    QString stagingDir() const;
    /// No byte for this long aborts an attempt (tests shorten it).
    void setTransferTimeoutMs(int ms) { timeoutMs_ = ms; }

signals:
    /// Bytes of the whole folder so far and its total (0 when some sizes are unknown).
    void progress(qint64 received, qint64 total);
    /// ok: the folder is in place and verified. Otherwise `message` says why not, naming the file.
    void finished(bool ok, const QString& message);

private:
    void next();
    void install();
    void finish(bool ok, const QString& message);

    engine::ModelEntry entry_;
    QString modelsDir_;
    size_t index_ = 0;
    qint64 doneBytes_ = 0;
    int timeoutMs_ = 30000;
    bool cancelled_ = false;
    bool done_ = false;
    QPointer<ModelDownload> current_;
};

/// Runs a folder download to its end in a local event loop (the command line). "" or the reason.
QString downloadFolderAndWait(const engine::ModelEntry& entry, const QString& modelsDir,
                              const std::function<void(qint64, qint64)>& onProgress, int transferTimeoutMs = 30000);

}  // namespace pm::models
