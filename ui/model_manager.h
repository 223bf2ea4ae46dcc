#pragma once
// The window's side of the model manager: the manifest's models with their state, importing a
// file (from the Models dialog or dropped on the window), removing one, and reloading the engine
// afterwards so that nobody restarts the app. The file work itself is model_store's (the same as
// `photomend-cli models`); this class adds the questions to the user and the engine reload.
#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <functional>
#include <vector>

#include "core/engine/model_registry.h"
#include "model_store/model_files.h"

class QWidget;

namespace pm::ui {

class EngineBridge;

/// One manifest model as the dialog and the hints show it.
struct ModelRow {
    engine::ModelEntry entry;
    models::FileCheck file;     ///< size and checksum of the installed file
    engine::ModelState loaded;  ///< what the engine made of it (Verified: loaded; Broken: why)
    QString loadProblem;        ///< the engine's reason when it could not load it
    /// Installed and usable: verified by checksum or loaded by the engine.
    bool usable() const;
    /// "Installed and verified", "Not installed", "Broken: why", in the window's language.
    QString stateText() const;
};

class ModelManager : public QObject {
    Q_OBJECT
public:
    explicit ModelManager(EngineBridge* bridge, QObject* parent = nullptr);

    QString modelsDir() const;
    /// The manifest with the engine's models folder; throws pm::Error when it cannot be read.
    engine::ModelRegistry registry() const;
    /// Every manifest model with its state now; empty (and `error` set) when the manifest is bad.
    std::vector<ModelRow> rows(QString* error = nullptr) const;
    /// Whether the first manifest model for a task ("inpaint", "face", "cartoon") has no file in
    /// the models folder (cheap: no checksum); `entry` receives it.
    bool missingModelFor(const QString& task, engine::ModelEntry* entry) const;

    /// Imports `file`: by checksum or name (model_store's rule), else asks which model it is; or a
    /// diffusers folder (PowerPaint, SD inpainting), checked against the loader's layout and the
    /// published checksums. The checksums and the copy run on a worker thread (startImport) while
    /// this waits in an event loop, so the window keeps painting and shows the progress.
    /// Returns "" on success (the engine then reloads) or why not, in the window's language.
    /// `importedId` receives the model's id.
    QString importFile(const QString& file, QString* importedId = nullptr);
    /// Starts importing `path` on a worker thread and returns at once: importProgress() while it
    /// runs, importFinished() at its end. False when an import runs already.
    bool startImport(const QString& path);
    /// Stops a folder import (nothing of it is kept).
    void cancelImport() { cancelImport_ = true; }
    bool isImporting() const { return importing_; }
    /// The prompt fill's model: the first installed folder model of the manifest (PowerPaint v1,
    /// then SD-1.5 inpainting) whose layout is complete, else where PowerPaint v1 would go.
    QString promptFillFolder() const;
    /// Deletes model `id`'s file after asking; false when the user said no or it failed (`error`).
    bool remove(const QString& id, QString* error);
    /// Asks the engine to load the installed models again; modelsChanged() comes when done.
    void reloadEngine();
    bool isReloading() const { return reloading_ > 0; }

    /// Asked when a file matches no model by checksum or name: the id it is, or "" to cancel.
    /// Tests replace the dialog.
    using ChooseModelPrompt = std::function<QString(const QString& file, const std::vector<ModelRow>& rows)>;
    void setChooseModelPrompt(ChooseModelPrompt prompt) { choose_ = std::move(prompt); }
    /// Asked before a model is removed: true = remove. Tests replace the dialog.
    using ConfirmRemovePrompt = std::function<bool(const ModelRow& row)>;
    void setConfirmRemovePrompt(ConfirmRemovePrompt prompt) { confirm_ = std::move(prompt); }
    /// The parent of the questions (the window or the dialog that asked).
    void setDialogParent(QWidget* parent) { dialogParent_ = parent; }

signals:
    /// A model was installed or removed (the files changed; the engine reload may still run).
    void filesChanged();
    /// The engine has reloaded: what it loaded is current.
    void modelsChanged();
    /// An import's bytes checked and copied of all (total 0: not known, a single file).
    void importProgress(qint64 done, qint64 total);
    /// An import ended: ok, or `message` says why not (in the window's language); `id` is the model.
    void importFinished(bool ok, const QString& message, const QString& id);

public:
    ~ModelManager() override;

private:
    struct ImportResult {
        bool identified = true;
        bool declined = false;  ///< the user did not say which model a file is
        QString id;
        QString problem;
    };
    /// Runs `work` on a worker thread, then `done` with its result on this thread.
    void runImportWork(std::function<ImportResult()> work, std::function<void(const ImportResult&)> done);
    void endImport(const QString& path, const ImportResult& result);

    EngineBridge* bridge_;
    std::atomic<bool> cancelImport_{false};
    bool importing_ = false;
    class QThread* importThread_ = nullptr;
    ChooseModelPrompt choose_;
    ConfirmRemovePrompt confirm_;
    QWidget* dialogParent_ = nullptr;
    int reloading_ = 0;
    /// Checksums take a while on big files: kept while a file's size and time are unchanged.
    struct CachedCheck {
        qint64 size = -1;
        qint64 modified = 0;
        models::FileCheck check;
    };
    mutable QHash<QString, CachedCheck> checks_;
    models::FileCheck checkInstalled(const engine::ModelEntry& entry) const;
};

}  // namespace pm::ui
