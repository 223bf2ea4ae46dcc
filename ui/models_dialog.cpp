#include "ui/models_dialog.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "model_store/model_download.h"
#include "model_store/model_folders.h"
#include "ui/model_manager.h"

namespace pm::ui {
namespace {

enum Column { NameColumn, StateColumn, SizeColumn, LicenceColumn, ImprovesColumn };

QString sizeText(const ModelRow& row) {
    qint64 bytes = row.entry.sizeBytes;
    // A single file's own size when none is published; a folder's size on disk is not its files'.
    if (bytes <= 0 && !row.file.path.isEmpty() && !row.entry.isFolder()) bytes = QFileInfo(row.file.path).size();
    return bytes > 0 ? QLocale().formattedDataSize(bytes) : ModelsDialog::tr("unknown");
}

}  // namespace

ModelsDialog::ModelsDialog(ModelManager* manager, QWidget* parent) : QDialog(parent), manager_(manager) {
    setWindowTitle(tr("Models"));
    resize(900, 420);
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(
        tr("Optional AI models make some tools better; every tool also works without them.\n"
           "Models folder: %1")
            .arg(manager_->modelsDir()),
        this);
    intro->setTextInteractionFlags(Qt::TextSelectableByMouse);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    list_ = new QTreeWidget(this);
    list_->setRootIsDecorated(false);
    list_->setUniformRowHeights(true);
    list_->setHeaderLabels({tr("Model"), tr("State"), tr("Size"), tr("Licence"), tr("Improves")});
    list_->header()->setSectionResizeMode(QHeaderView::Interactive);
    list_->setColumnWidth(NameColumn, 220);
    list_->setColumnWidth(StateColumn, 260);
    list_->setColumnWidth(SizeColumn, 80);
    list_->setColumnWidth(LicenceColumn, 110);
    layout->addWidget(list_, 1);
    // The columns cut long reasons and licences short: the selected model is shown in full.
    details_ = new QLabel(this);
    details_->setWordWrap(true);
    details_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(details_);

    progress_ = new QProgressBar(this);
    progress_->setVisible(false);
    layout->addWidget(progress_);
    message_ = new QLabel(this);
    message_->setWordWrap(true);
    message_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(message_);

    auto* buttons = new QHBoxLayout;
    download_button_ = new QPushButton(tr("&Download"), this);
    cancel_ = new QPushButton(tr("&Cancel"), this);
    import_ = new QPushButton(tr("&Import File…"), this);
    importFolder_ = new QPushButton(tr("Import &Folder…"), this);
    importFolder_->setToolTip(tr("Import a diffusers folder (PowerPaint v1, SD-1.5 inpainting: unet/, vae/, "
                                 "text_encoder/, tokenizer/)"));
    remove_ = new QPushButton(tr("&Remove…"), this);
    for (QPushButton* b : {download_button_, cancel_, import_, importFolder_, remove_}) {
        b->setAutoDefault(false);
        buttons->addWidget(b);
    }
    buttons->addStretch(1);
    auto* close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addWidget(close);
    layout->addLayout(buttons);

    connect(download_button_, &QPushButton::clicked, this, &ModelsDialog::downloadSelected);
    connect(cancel_, &QPushButton::clicked, this, &ModelsDialog::cancelDownload);
    connect(import_, &QPushButton::clicked, this, &ModelsDialog::importFile);
    connect(importFolder_, &QPushButton::clicked, this, &ModelsDialog::importFolder);
    // An import runs on a worker thread (started here or by a drop on the window): its progress.
    connect(manager_, &ModelManager::importProgress, this, [this](qint64 done, qint64 total) {
        progress_->setVisible(true);
        showProgress(done, total);
        updateButtons();
    });
    connect(manager_, &ModelManager::importFinished, this, [this] {
        progress_->setVisible(download_ != nullptr);
        updateButtons();
    });
    connect(remove_, &QPushButton::clicked, this, &ModelsDialog::removeSelected);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(list_, &QTreeWidget::currentItemChanged, this, &ModelsDialog::updateButtons);
    connect(manager_, &ModelManager::filesChanged, this, &ModelsDialog::refresh);
    connect(manager_, &ModelManager::modelsChanged, this, &ModelsDialog::refresh);

    filePrompt_ = [this] {
        return QFileDialog::getOpenFileName(
            this, tr("Import a Model File"), QString(),
            tr("Model files (*.pt *.pth *.ckpt *.safetensors *.onnx *.bin);;All files (*)"));
    };
    folderPrompt_ = [this] {
        return QFileDialog::getExistingDirectory(this, tr("Import a Model Folder"));
    };
    refresh();
    if (list_->topLevelItemCount() > 0) list_->setCurrentItem(list_->topLevelItem(0));
}

void ModelsDialog::showProgress(qint64 done, qint64 total) {
    if (total <= 0) {
        progress_->setRange(0, 0);  // busy: the size is not known
        return;
    }
    progress_->setRange(0, 1000);
    progress_->setValue(int(done * 1000 / total));
    progress_->setFormat(QStringLiteral("%1 / %2").arg(QLocale().formattedDataSize(done),
                                                       QLocale().formattedDataSize(total)));
}

ModelsDialog::~ModelsDialog() {
    // Closing the dialog stops a download; its .part file stays, so the next one resumes.
    if (download_) {
        download_->disconnect(this);
        QMetaObject::invokeMethod(download_, "cancel");
    }
}

void ModelsDialog::refresh() {
    const QString keep = selectedId();
    QString error;
    const std::vector<ModelRow> rows = manager_->rows(&error);
    list_->clear();
    for (const ModelRow& row : rows) {
        auto* item = new QTreeWidgetItem(list_);
        const QString id = QString::fromStdString(row.entry.id);
        item->setData(NameColumn, Qt::UserRole, id);
        item->setText(NameColumn, QString::fromStdString(row.entry.name));
        item->setToolTip(NameColumn, id);
        QString state = row.stateText();
        if (id == downloadingId_) state = tr("Downloading…");
        item->setText(StateColumn, state);
        item->setToolTip(StateColumn, state);
        if (row.file.state == models::FileState::Broken || row.loaded == engine::ModelState::Broken)
            item->setForeground(StateColumn, QColor(190, 30, 30));
        item->setText(SizeColumn, sizeText(row));
        const QString licence = QString::fromStdString(row.entry.license);
        item->setText(LicenceColumn, licence.isEmpty() ? tr("unknown") : licence);
        item->setToolTip(LicenceColumn, licence);
        const QString improves = QString::fromStdString(row.entry.improves);
        item->setText(ImprovesColumn, improves);
        item->setToolTip(ImprovesColumn, improves);
        item->setData(StateColumn, Qt::UserRole, row.file.state != models::FileState::NotInstalled);
        item->setData(SizeColumn, Qt::UserRole, models::hasDirectDownload(row.entry) && !row.usable());
        item->setData(LicenceColumn, Qt::UserRole, QString::fromStdString(row.entry.url));
        const QString checksum = models::publishedChecksum(row.entry);
        item->setData(ImprovesColumn, Qt::UserRole,
                      tr("%1: %2\nLicence: %3\nFrom: %4\nPublished checksum: %5")
                          .arg(item->text(NameColumn), state, licence.isEmpty() ? tr("unknown") : licence,
                               QString::fromStdString(row.entry.url),
                               checksum.isEmpty() ? tr("none") : checksum));
    }
    if (!error.isEmpty()) showMessage(tr("The model list cannot be read: %1").arg(error), true);
    if (!keep.isEmpty()) selectModel(keep);
    updateButtons();
}

void ModelsDialog::selectModel(const QString& id) {
    for (int i = 0; i < list_->topLevelItemCount(); ++i)
        if (list_->topLevelItem(i)->data(NameColumn, Qt::UserRole).toString() == id)
            list_->setCurrentItem(list_->topLevelItem(i));
}

QString ModelsDialog::selectedId() const {
    const QTreeWidgetItem* item = list_->currentItem();
    return item ? item->data(NameColumn, Qt::UserRole).toString() : QString();
}

QString ModelsDialog::message() const { return message_->text(); }

QString ModelsDialog::details() const { return details_->text(); }

void ModelsDialog::showMessage(const QString& text, bool problem) {
    message_->setStyleSheet(problem ? QStringLiteral("color: #b41e1e;") : QString());
    message_->setText(text);
}

void ModelsDialog::updateButtons() {
    const QTreeWidgetItem* item = list_->currentItem();
    const bool busy = download_ != nullptr || manager_->isImporting();
    const bool installed = item && item->data(StateColumn, Qt::UserRole).toBool();
    const bool downloadable = item && item->data(SizeColumn, Qt::UserRole).toBool();
    details_->setText(item ? item->data(ImprovesColumn, Qt::UserRole).toString() : QString());
    download_button_->setEnabled(!busy && downloadable);
    // A model published only as a project page: say where to get it instead of a dead button.
    const QString url = item ? item->data(LicenceColumn, Qt::UserRole).toString() : QString();
    download_button_->setToolTip(item && !downloadable && !installed && !url.isEmpty()
                                     ? tr("No direct download: get the file from %1, then import it.").arg(url)
                                     : QString());
    cancel_->setEnabled(busy);
    import_->setEnabled(!busy);
    importFolder_->setEnabled(!busy);
    remove_->setEnabled(!busy && installed);
}

void ModelsDialog::downloadSelected() {
    const QString id = selectedId();
    if (id.isEmpty() || download_) return;
    ModelRow row;
    bool found = false;
    for (ModelRow& candidate : manager_->rows())
        if (QString::fromStdString(candidate.entry.id) == id) {
            row = std::move(candidate);
            found = true;
        }
    if (!found) return;
    if (!models::hasDirectDownload(row.entry)) {
        showMessage(tr("%1 has no direct download: get the file from %2, then import it.")
                        .arg(QString::fromStdString(row.entry.name), QString::fromStdString(row.entry.url)),
                    true);
        return;
    }
    const QString name = QString::fromStdString(row.entry.name);
    downloadingId_ = id;
    progress_->setRange(0, 0);  // busy until the size is known
    progress_->setValue(0);
    progress_->setVisible(true);
    showMessage(tr("Downloading %1…").arg(name), false);
    // A folder model is every file of its folder; the others are one file.
    const auto onProgress = [this](qint64 received, qint64 total) {
        if (total > 0) showProgress(received, total);
    };
    const auto onFinished = [this, name](QObject* download, bool ok, const QString& problem) {
        const bool cancelled = download->property("cancelledByUser").toBool();
        download->deleteLater();
        download_ = nullptr;
        downloadingId_.clear();
        progress_->setVisible(false);
        QString text;
        if (ok)
            text = tr("%1 is downloaded, verified and installed.").arg(name);
        else if (cancelled)
            text = tr("The download of %1 was cancelled; the next one resumes where it stopped.").arg(name);
        else
            text = tr("%1 was not downloaded: %2").arg(name, problem);
        showMessage(text, !ok && !cancelled);
        refresh();
        if (ok) manager_->reloadEngine();
        emit downloadFinished(ok, text);
    };
    if (row.entry.isFolder()) {
        auto* download = new models::FolderDownload(row.entry, manager_->modelsDir(), this);
        download_ = download;
        connect(download, &models::FolderDownload::progress, this, onProgress);
        connect(download, &models::FolderDownload::finished, this,
                [onFinished, download](bool ok, const QString& problem) { onFinished(download, ok, problem); });
        refresh();
        download->start();
    } else {
        auto* download = new models::ModelDownload(models::downloadRequestFor(row.entry, manager_->modelsDir()), this);
        download_ = download;
        connect(download, &models::ModelDownload::progress, this, onProgress);
        connect(download, &models::ModelDownload::finished, this,
                [onFinished, download](bool ok, const QString& problem) { onFinished(download, ok, problem); });
        refresh();
        download->start();
    }
}

void ModelsDialog::cancelDownload() {
    if (manager_->isImporting()) manager_->cancelImport();
    if (!download_) return;
    download_->setProperty("cancelledByUser", true);
    QMetaObject::invokeMethod(download_, "cancel");
}

void ModelsDialog::importFile() {
    if (download_ || manager_->isImporting()) return;
    manager_->setDialogParent(this);
    const QString file = filePrompt_();
    if (!file.isEmpty()) importPath(file);
}

void ModelsDialog::importFolder() {
    if (download_ || manager_->isImporting()) return;
    manager_->setDialogParent(this);
    const QString folder = folderPrompt_();
    if (!folder.isEmpty()) importPath(folder);
}

void ModelsDialog::importPath(const QString& path) {
    const QString name = QFileInfo(QDir::cleanPath(path)).fileName();
    showMessage(tr("Checking and copying %1…").arg(name), false);
    progress_->setRange(0, 0);
    progress_->setVisible(true);
    QString id;
    const QString problem = manager_->importFile(path, &id);  // the worker runs; this dialog stays live
    progress_->setVisible(download_ != nullptr);
    if (problem.isEmpty()) {
        refresh();
        selectModel(id);
        showMessage(tr("%1 is imported and installed.").arg(name), false);
    } else {
        showMessage(problem, true);
    }
    updateButtons();
}

void ModelsDialog::removeSelected() {
    const QString id = selectedId();
    if (id.isEmpty() || download_) return;
    manager_->setDialogParent(this);
    const QString name = list_->currentItem()->text(NameColumn);
    QString error;
    if (manager_->remove(id, &error))
        showMessage(tr("%1 is removed.").arg(name), false);
    else if (!error.isEmpty())
        showMessage(error, true);
}

}  // namespace pm::ui
