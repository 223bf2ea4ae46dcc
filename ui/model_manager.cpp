#include "ui/model_manager.h"

#include <QDateTime>
#include <QEventLoop>
#include <QThread>
#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QInputDialog>
#include <QMessageBox>
#include <exception>

#include "core/engine/diffusers_layout.h"
#include "core/engine/prompt_fill_request.h"
#include "model_store/model_folders.h"
#include "ui/engine_bridge.h"

namespace pm::ui {

bool ModelRow::usable() const {
    if (loaded == engine::ModelState::Broken) return false;
    return file.state == models::FileState::Verified || file.state == models::FileState::Unverified;
}

QString ModelRow::stateText() const {
    // The reasons come from model_store and the engine, which name the file (in English).
    switch (file.state) {
    case models::FileState::NotInstalled:
        return ModelManager::tr("Not installed");
    case models::FileState::Broken:
        return ModelManager::tr("Broken: %1").arg(file.problem);
    case models::FileState::Verified:
    case models::FileState::Unverified:
        break;
    }
    if (loaded == engine::ModelState::Broken) return ModelManager::tr("Broken: %1").arg(loadProblem);
    if (file.state == models::FileState::Verified) return ModelManager::tr("Installed and verified");
    if (loaded == engine::ModelState::Verified)
        return ModelManager::tr("Installed and verified (it loads and keeps its contract)");
    // A folder model says which of its files could not be checked, and why.
    if (entry.isFolder()) return ModelManager::tr("Installed, not verified: %1").arg(file.problem);
    return ModelManager::tr("Installed, not verified yet (no published checksum)");
}

ModelManager::ModelManager(EngineBridge* bridge, QObject* parent) : QObject(parent), bridge_(bridge) {
    choose_ = [this](const QString& file, const std::vector<ModelRow>& rows) {
        QStringList names;
        for (const ModelRow& row : rows) names << QString::fromStdString(row.entry.name);
        bool ok = false;
        const QString name = QInputDialog::getItem(
            dialogParent_, tr("Import Model"),
            tr("PhotoMend cannot tell which model “%1” is by its name or checksum. Which one is it?")
                .arg(QFileInfo(file).fileName()),
            names, 0, false, &ok);
        const int index = names.indexOf(name);
        return ok && index >= 0 ? QString::fromStdString(rows[size_t(index)].entry.id) : QString();
    };
    confirm_ = [this](const ModelRow& row) {
        return QMessageBox::question(
                   dialogParent_, tr("Remove Model"),
                   tr("Remove %1? Its file is deleted; you can download or import it again later.")
                       .arg(QString::fromStdString(row.entry.name)),
                   QMessageBox::Yes | QMessageBox::No, QMessageBox::No) == QMessageBox::Yes;
    };
}

QString ModelManager::modelsDir() const { return QString::fromStdString(bridge_->options().modelsDir); }

engine::ModelRegistry ModelManager::registry() const {
    const auto& options = bridge_->options();
    return engine::ModelRegistry::load(options.manifest(), options.modelsDir);
}

std::vector<ModelRow> ModelManager::rows(QString* error) const {
    std::vector<ModelRow> rows;
    try {
        const engine::ModelRegistry manifest = registry();
        const std::vector<engine::ModelStatus> loaded = bridge_->engine().models();
        for (const engine::ModelEntry& entry : manifest.entries()) {
            ModelRow row;
            row.entry = entry;
            row.file = checkInstalled(entry);
            row.loaded = engine::ModelState::NotInstalled;
            for (const engine::ModelStatus& status : loaded) {
                if (status.entry.id != entry.id) continue;
                row.loaded = status.state;
                row.loadProblem = QString::fromStdString(status.problem);
            }
            // What the engine loaded before the file changed says nothing about the file now.
            if (row.file.state == models::FileState::NotInstalled || reloading_ > 0) {
                row.loaded = engine::ModelState::NotInstalled;
                row.loadProblem.clear();
            }
            rows.push_back(std::move(row));
        }
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
    }
    return rows;
}

bool ModelManager::missingModelFor(const QString& task, engine::ModelEntry* entry) const {
    try {
        for (const engine::ModelStatus& status : registry().scan()) {
            if (QString::fromStdString(status.entry.task) != task) continue;
            *entry = status.entry;
            return status.state == engine::ModelState::NotInstalled;
        }
    } catch (const std::exception&) {
        // No readable manifest: no model to suggest (the Models dialog says what is wrong).
    }
    return false;
}

models::FileCheck ModelManager::checkInstalled(const engine::ModelEntry& entry) const {
    const QString path = QDir(modelsDir()).filePath(QString::fromStdString(entry.file));
    const QFileInfo info(path);
    if (!info.isFile()) return models::checkInstalled(entry, modelsDir());
    CachedCheck& cached = checks_[QString::fromStdString(entry.id) + QLatin1Char('\n') + path];
    const qint64 modified = info.lastModified().toMSecsSinceEpoch();
    if (cached.size != info.size() || cached.modified != modified) {
        cached.check = models::checkInstalled(entry, modelsDir());
        cached.size = info.size();
        cached.modified = modified;
    }
    return cached.check;
}

QString ModelManager::importFile(const QString& file, QString* importedId) {
    QString message;
    QString id;
    bool ok = false;
    bool finished = false;
    QEventLoop loop;
    const auto connection = connect(this, &ModelManager::importFinished, &loop,
                                    [&](bool success, const QString& text, const QString& model) {
                                        ok = success;
                                        message = text;
                                        id = model;
                                        finished = true;
                                        loop.quit();
                                    });
    if (!startImport(file)) {
        disconnect(connection);
        return tr("%1 was not imported: another import is still running.").arg(QFileInfo(file).fileName());
    }
    if (!finished) loop.exec();  // the window keeps painting; the worker checks and copies
    disconnect(connection);
    if (ok && importedId) *importedId = id;
    return ok ? QString() : message;
}

bool ModelManager::startImport(const QString& path) {
    if (importing_) return false;
    importing_ = true;
    cancelImport_ = false;
    engine::ModelRegistry manifest;
    try {
        manifest = registry();
    } catch (const std::exception& e) {
        ImportResult failed;
        failed.problem = QString::fromStdString(e.what());
        endImport(path, failed);
        return true;
    }
    const bool folder = QFileInfo(path).isDir();
    // Progress from the worker, at most once per thousandth, delivered on this thread.
    auto lastPermille = std::make_shared<std::atomic<int>>(-1);
    const models::ImportProgress report = [this, lastPermille](qint64 done, qint64 total) {
        const int permille = total > 0 ? int(done * 1000 / total) : 0;
        if (lastPermille->exchange(permille) == permille) return;
        QMetaObject::invokeMethod(this, [this, done, total] { emit importProgress(done, total); }, Qt::QueuedConnection);
    };
    runImportWork(
        [this, manifest, path, folder, report]() -> ImportResult {
            ImportResult r;
            if (folder) {
                r.problem = models::importFolder(manifest, path, QString(), &r.id, report, &cancelImport_);
                return r;
            }
            r.identified = !QFileInfo(path).isFile() || models::identifiesModel(manifest, path);
            if (r.identified) r.problem = models::importModel(manifest, path, &r.id);
            return r;
        },
        [this, manifest, path](const ImportResult& r) {
            if (r.identified) return endImport(path, r);
            // Matched by neither checksum nor name: the user may know which model it is.
            const QString id = choose_(path, rows());
            if (id.isEmpty()) {
                ImportResult declined;
                declined.declined = true;
                return endImport(path, declined);
            }
            runImportWork(
                [manifest, path, id]() -> ImportResult {
                    ImportResult chosen;
                    chosen.id = id;
                    chosen.problem = models::importModelAs(manifest, path, id);
                    return chosen;
                },
                [this, path](const ImportResult& chosen) { endImport(path, chosen); });
        });
    return true;
}

void ModelManager::runImportWork(std::function<ImportResult()> work, std::function<void(const ImportResult&)> done) {
    auto result = std::make_shared<ImportResult>();
    QThread* thread = QThread::create([work = std::move(work), result] {
        try {
            *result = work();
        } catch (const std::exception& e) {
            result->problem = QString::fromStdString(e.what());
        }
    });
    importThread_ = thread;
    connect(thread, &QThread::finished, this, [this, thread, result, done = std::move(done)] {
        thread->deleteLater();
        if (importThread_ == thread) importThread_ = nullptr;
        done(*result);
    });
    emit importProgress(0, 0);
    thread->start();
}

void ModelManager::endImport(const QString& path, const ImportResult& r) {
    importing_ = false;
    const QString name = QFileInfo(QDir::cleanPath(path)).fileName();
    if (r.declined) {
        emit importFinished(false, tr("%1 was not imported.").arg(name), QString());
        return;
    }
    if (!r.problem.isEmpty()) {
        emit importFinished(false, tr("%1 was not imported: %2").arg(name, r.problem), r.id);
        return;
    }
    emit filesChanged();
    reloadEngine();
    emit importFinished(true, QString(), r.id);
}

ModelManager::~ModelManager() {
    // A worker still checking or copying is told to stop and waited for: it reports to this.
    cancelImport_ = true;
    if (importThread_) importThread_->wait();
}

QString ModelManager::promptFillFolder() const {
    try {
        for (const engine::ModelEntry& e : registry().entries())
            if (e.isFolder() && e.task == "prompt-fill" &&
                engine::diffusersFolderProblem(models::folderPath(e, modelsDir()).toStdString()).empty())
                return models::folderPath(e, modelsDir());
    } catch (const std::exception&) {
        // No readable manifest: the default folder, as before the model manager knew folders.
    }
    return QString::fromStdString(engine::defaultPromptFillModelFolder(bridge_->options().modelsDir));
}

bool ModelManager::remove(const QString& id, QString* error) {
    ModelRow row;
    bool found = false;
    for (ModelRow& candidate : rows(error)) {
        if (QString::fromStdString(candidate.entry.id) != id) continue;
        row = std::move(candidate);
        found = true;
    }
    if (!found || !confirm_(row)) return false;
    QString problem;
    try {
        problem = models::removeModel(registry(), id);
    } catch (const std::exception& e) {
        problem = QString::fromStdString(e.what());
    }
    if (!problem.isEmpty()) {
        if (error) *error = tr("%1 was not removed: %2").arg(QString::fromStdString(row.entry.name), problem);
        return false;
    }
    emit filesChanged();
    reloadEngine();
    return true;
}

void ModelManager::reloadEngine() {
    ++reloading_;
    EngineJob* job = bridge_->reloadModels();
    connect(job, &EngineJob::finished, this, [this] {
        --reloading_;
        emit modelsChanged();
    });
}

}  // namespace pm::ui
