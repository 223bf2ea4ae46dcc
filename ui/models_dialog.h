#pragma once
// Edit > Models…: every model of the manifest with its state, size, licence and what it improves;
// Download (progress, Cancel, resumed from the .part file next time), Import a file or a diffusers
// folder (checked and copied on a worker thread, with progress), Remove. Folder models
// (PowerPaint, SD inpainting) download every file of their folder. The file work is
// model_store's; the engine reloads after each change (ModelManager).
#include <QDialog>
#include <QPointer>
#include <functional>

class QLabel;
class QProgressBar;
class QPushButton;
class QTreeWidget;

namespace pm::models {
class ModelDownload;
}

namespace pm::ui {

class ModelManager;

class ModelsDialog : public QDialog {
    Q_OBJECT
public:
    explicit ModelsDialog(ModelManager* manager, QWidget* parent = nullptr);
    ~ModelsDialog() override;

    /// Lists the models again (after a change, or when the engine has reloaded).
    void refresh();
    /// Selects the row of model `id` (e.g. the one a hint is about).
    void selectModel(const QString& id);
    QString selectedId() const;
    void downloadSelected();
    void cancelDownload();
    void importFile();
    void importFolder();
    void removeSelected();
    bool isDownloading() const { return download_ != nullptr; }

    /// Asks for a file to import; "" = cancelled. Tests replace the file dialog.
    using FilePrompt = std::function<QString()>;
    void setImportFilePrompt(FilePrompt prompt) { filePrompt_ = std::move(prompt); }
    /// Asks for a folder to import; "" = cancelled. Tests replace the folder dialog.
    void setImportFolderPrompt(FilePrompt prompt) { folderPrompt_ = std::move(prompt); }

    QTreeWidget* list() const { return list_; }
    QProgressBar* progressBar() const { return progress_; }
    /// The last message (a download's end, an import's refusal...).
    QString message() const;
    /// The selected model in full: its state and why, licence, where it comes from, its checksum.
    QString details() const;
    QPushButton* downloadButton() const { return download_button_; }
    QPushButton* cancelButton() const { return cancel_; }
    QPushButton* importButton() const { return import_; }
    QPushButton* importFolderButton() const { return importFolder_; }
    QPushButton* removeButton() const { return remove_; }

signals:
    /// A download ended: ok, or the message says why not.
    void downloadFinished(bool ok, const QString& message);

private:
    void updateButtons();
    void showMessage(const QString& text, bool problem);
    void importPath(const QString& path);
    void showProgress(qint64 done, qint64 total);

    ModelManager* manager_;
    QTreeWidget* list_;
    QProgressBar* progress_;
    QLabel* details_;
    QLabel* message_;
    QPushButton* download_button_;
    QPushButton* cancel_;
    QPushButton* import_;
    QPushButton* importFolder_;
    QPushButton* remove_;
    QPointer<QObject> download_;  ///< a ModelDownload or a FolderDownload
    QString downloadingId_;
    FilePrompt filePrompt_;
    FilePrompt folderPrompt_;
};

}  // namespace pm::ui
