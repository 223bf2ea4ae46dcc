#include "ui/batch_dialog.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSet>

#include "photo_io/path_safety.h"
#include "photo_io/photo_saver.h"
#include "photo_io/repair_file.h"
#include "ui/engine_bridge.h"
#include "ui/repair_options.h"

namespace pm::ui {

BatchDialog::BatchDialog(EngineBridge* bridge, QWidget* parent) : QDialog(parent), bridge_(bridge) {
    setWindowTitle(tr("Batch Repair"));
    setAcceptDrops(true);
    list_ = new QListWidget(this);
    list_->setToolTip(tr("Drop photos or folders here"));
    auto* addFilesButton = new QPushButton(tr("Add Photos…"), this);
    auto* addFolderButton = new QPushButton(tr("Add Folder…"), this);
    auto* clearButton = new QPushButton(tr("Clear"), this);
    connect(addFilesButton, &QPushButton::clicked, this, [this] {
        addFiles(QFileDialog::getOpenFileNames(this, tr("Add photos")));
    });
    connect(addFolderButton, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Add a folder of photos"));
        if (!folder.isEmpty()) addFiles({folder});
    });
    connect(clearButton, &QPushButton::clicked, list_, &QListWidget::clear);
    auto* fileButtons = new QHBoxLayout;
    fileButtons->addWidget(addFilesButton);
    fileButtons->addWidget(addFolderButton);
    fileButtons->addWidget(clearButton);

    options_ = new RepairOptions(this);
    options_->detectButton()->hide();  // damage is detected per photo in a batch

    output_ = new QLineEdit(this);
    auto* browse = new QPushButton(tr("Choose…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Output folder"));
        if (!folder.isEmpty()) output_->setText(folder);
    });
    auto* outputRow = new QHBoxLayout;
    outputRow->addWidget(output_);
    outputRow->addWidget(browse);

    progress_ = new QProgressBar(this);
    log_ = new QPlainTextEdit(this);
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(2000);

    start_ = new QPushButton(tr("Start"), this);
    cancel_ = new QPushButton(tr("Cancel"), this);
    cancel_->setEnabled(false);
    auto* close = new QPushButton(tr("Close"), this);
    connect(start_, &QPushButton::clicked, this, &BatchDialog::start);
    connect(cancel_, &QPushButton::clicked, this, &BatchDialog::cancel);
    connect(close, &QPushButton::clicked, this, &BatchDialog::reject);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(start_);
    buttons->addWidget(cancel_);
    buttons->addWidget(close);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(list_);
    layout->addLayout(fileButtons);
    layout->addWidget(options_);
    auto* form = new QFormLayout;
    form->addRow(tr("Output folder:"), outputRow);
    layout->addLayout(form);
    layout->addWidget(progress_);
    layout->addWidget(log_);
    layout->addLayout(buttons);
    resize(560, 720);
}

void BatchDialog::addFiles(const QStringList& paths) {
    QSet<QString> present;
    for (const QString& f : files()) present.insert(f);
    for (const QString& path : paths) {
        QStringList found;
        if (QFileInfo(path).isDir()) {
            const QDir dir(path);
            for (const QString& name : dir.entryList(QDir::Files, QDir::Name))
                if (photo_io::isSupportedImage(name)) found << dir.absoluteFilePath(name);
        } else {
            found << QFileInfo(path).absoluteFilePath();
        }
        for (const QString& f : found) {
            if (present.contains(f)) continue;
            present.insert(f);
            list_->addItem(f);
        }
    }
}

QStringList BatchDialog::files() const {
    QStringList out;
    for (int i = 0; i < list_->count(); ++i) out << list_->item(i)->text();
    return out;
}

void BatchDialog::setOutputFolder(const QString& folder) { output_->setText(folder); }

bool BatchDialog::start() {
    if (isRunning()) return false;
    const QStringList inputs = files();
    const QString folder = output_->text().trimmed();
    if (inputs.isEmpty()) {
        log(tr("Add photos first."));
        return false;
    }
    if (folder.isEmpty() || !QDir().mkpath(folder)) {
        log(tr("Choose an output folder that can be created."));
        return false;
    }
    const QString outDir = QDir(folder).absolutePath();
    for (const QString& input : inputs) {
        // The same folder by another path or through a link is the same folder.
        const QString realFolder = QFileInfo(photo_io::resolvedWritePath(input)).absolutePath();
        if (photo_io::isSameFile(QFileInfo(input).absolutePath(), outDir) ||
            photo_io::isSameFile(realFolder, outDir)) {
            log(tr("The output folder holds some of the photos; choose another folder so the "
                   "originals are never overwritten."));
            return false;
        }
    }
    const ops::RepairParams params = options_->params();
    failures_.clear();
    succeeded_ = 0;
    total_ = int(inputs.size());
    progress_->setRange(0, total_);
    progress_->setValue(0);
    for (const QString& input : inputs) {
        const QString output = QDir(outDir).filePath(QFileInfo(input).fileName());
        EngineJob* job = bridge_->submit(tr("Batch repair"),
                                         [input, output, params](engine::JobContext& context) {
                                             photo_io::repairFile(input, output, params, context);
                                         });
        connect(job, &EngineJob::finished, this,
                [this, job, input](engine::JobOutcome outcome, const QString& message) {
                    onJobFinished(job, input, outcome, message);
                });
        pending_ << job;
    }
    setRunning(true);
    log(tr("Repairing %n photo(s)…", nullptr, total_));
    return true;
}

void BatchDialog::cancel() {
    for (const QPointer<EngineJob>& job : pending_)
        if (job) job->cancel();
}

void BatchDialog::onJobFinished(EngineJob* job, const QString& input, engine::JobOutcome outcome,
                                const QString& message) {
    pending_.removeOne(job);
    switch (outcome) {
    case engine::JobOutcome::Done:
        ++succeeded_;
        log(tr("Done: %1").arg(QFileInfo(input).fileName()));
        break;
    case engine::JobOutcome::Failed:
        failures_ << input;
        log(tr("Skipped %1: %2").arg(QFileInfo(input).fileName(), message));
        break;
    case engine::JobOutcome::Cancelled:
        break;
    }
    progress_->setValue(total_ - int(pending_.size()));
    if (pending_.isEmpty()) {
        setRunning(false);
        log(tr("Finished: %1 repaired, %2 skipped, %3 cancelled.")
                .arg(succeeded_).arg(failures_.size()).arg(total_ - succeeded_ - int(failures_.size())));
        emit finished();
    }
}

void BatchDialog::log(const QString& line) { log_->appendPlainText(line); }

void BatchDialog::setRunning(bool running) {
    start_->setEnabled(!running);
    cancel_->setEnabled(running);
}

void BatchDialog::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void BatchDialog::dropEvent(QDropEvent* event) {
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile()) paths << url.toLocalFile();
    addFiles(paths);
    event->acceptProposedAction();
}

void BatchDialog::reject() {
    cancel();  // closing never leaves work running behind the user's back
    QDialog::reject();
}

}  // namespace pm::ui
