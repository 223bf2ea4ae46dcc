#include "ui/model_manager.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QInputDialog>
#include <QMessageBox>
#include <exception>

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
    const QString name = QFileInfo(file).fileName();
    QString id;
    QString problem;
    // Checksums of big files and a test load take seconds, on this thread: say so with the cursor.
    struct WaitCursor {
        WaitCursor() { QGuiApplication::setOverrideCursor(Qt::WaitCursor); }
        ~WaitCursor() { QGuiApplication::restoreOverrideCursor(); }
    };
    try {
        const engine::ModelRegistry manifest = registry();
        bool identified = true;
        {
            const WaitCursor busy;
            identified = !QFileInfo(file).isFile() || models::identifiesModel(manifest, file);
        }
        if (identified) {
            const WaitCursor busy;
            problem = models::importModel(manifest, file, &id);
        } else {
            // Matched by neither checksum nor name: the user may know which model it is.
            id = choose_(file, rows());
            if (id.isEmpty()) return tr("%1 was not imported.").arg(name);
            const WaitCursor busy;
            problem = models::importModelAs(manifest, file, id);
        }
    } catch (const std::exception& e) {
        problem = QString::fromStdString(e.what());
    }
    if (!problem.isEmpty()) return tr("%1 was not imported: %2").arg(name, problem);
    if (importedId) *importedId = id;
    emit filesChanged();
    reloadEngine();
    return {};
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
