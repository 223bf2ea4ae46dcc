#pragma once
// The model files in the user's models folder, against the manifest: which are installed and
// verified, importing a file from disk, removing one, and the download request for one.
//
// Import rule: a file is matched to a manifest entry by its published checksum (MD5 or SHA-256),
// whatever its name. For a model without a published checksum the file must carry the manifest's
// file name and must load: TorchScript, and a dry run that keeps the model's contract. Anything
// else is refused, so a renamed or wrong file never lands in the models folder.
#include <QString>

#include "core/engine/model_registry.h"
#include "model_store/model_download.h"

namespace pm::models {

enum class FileState { NotInstalled, Verified, Unverified, Broken };

struct FileCheck {
    FileState state = FileState::NotInstalled;
    QString path;     ///< the file in the models folder, when present
    QString problem;  ///< Broken: why; Unverified: why it could not be checked
};

/// Checks the installed file by size and checksum (cheap: no model is loaded).
FileCheck checkInstalled(const engine::ModelEntry& entry, const QString& modelsDir);
/// "" when `path` has the entry's published size and checksum (or none is published), else why not.
QString checksumProblem(const engine::ModelEntry& entry, const QString& path);
/// "MD5 e3aa…" / "SHA-256 …" / "" when none is published.
QString publishedChecksum(const engine::ModelEntry& entry);

/// Whether the manifest's URL is the file itself (an http(s) URL ending in the file's name); other
/// URLs are project pages the user reads to get the file, then imports it.
bool hasDirectDownload(const engine::ModelEntry& entry);
DownloadRequest downloadRequestFor(const engine::ModelEntry& entry, const QString& modelsDir);

/// Copies `file` into the models folder under its manifest name (atomically). Returns "" and sets
/// `importedId`, or the reason it was refused.
QString importModel(const engine::ModelRegistry& registry, const QString& file, QString* importedId);
/// Whether importModel can tell which model `file` is (its published checksum or its file name).
bool identifiesModel(const engine::ModelRegistry& registry, const QString& file);
/// Copies `file` into the models folder as model `id`, whatever its name: when the model has a
/// published checksum the file must match it, else the engine must load it. "" or the reason.
/// For a file importModel cannot match, once the user has said which model it is.
QString importModelAs(const engine::ModelRegistry& registry, const QString& file, const QString& id);
/// Whether the file's name says it may be a model (.pt, .pth, .ckpt, .safetensors, .onnx, .bin),
/// so that a dropped file goes to import instead of being opened as a photo.
bool looksLikeModelFile(const QString& path);
/// Deletes the installed file of model `id` (and a leftover .part). "" or the reason.
QString removeModel(const engine::ModelRegistry& registry, const QString& id);

const engine::ModelEntry* findModel(const engine::ModelRegistry& registry, const QString& id);

}  // namespace pm::models
