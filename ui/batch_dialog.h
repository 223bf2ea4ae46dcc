#pragma once
// Batch repair: many photos (picked, a folder, or dropped), the repair steps, an output folder.
// Runs one engine job per photo with a progress bar and Cancel; bad files are skipped and reported;
// metadata is kept and inputs are never overwritten.
#include <QDialog>
#include <QList>
#include <QPointer>
#include <QStringList>

#include "ui/engine_job.h"

class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace pm::ui {

class EngineBridge;
class RepairOptions;

class BatchDialog : public QDialog {
    Q_OBJECT
public:
    explicit BatchDialog(EngineBridge* bridge, QWidget* parent = nullptr);

    void addFiles(const QStringList& paths);  ///< folders are expanded to their photos
    QStringList files() const;
    void setOutputFolder(const QString& folder);
    RepairOptions* options() const { return options_; }
    /// Starts the batch; returns false with a message in the log when it cannot.
    bool start();
    void cancel();
    bool isRunning() const { return !pending_.isEmpty(); }
    QStringList failures() const { return failures_; }
    int succeeded() const { return succeeded_; }

signals:
    void finished();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void reject() override;

private:
    void onJobFinished(EngineJob* job, const QString& input, engine::JobOutcome outcome,
                       const QString& message);
    void log(const QString& line);
    void setRunning(bool running);

    EngineBridge* bridge_;
    QListWidget* list_;
    RepairOptions* options_;
    QLineEdit* output_;
    QProgressBar* progress_;
    QPlainTextEdit* log_;
    QPushButton* start_;
    QPushButton* cancel_;
    QList<QPointer<EngineJob>> pending_;  // one per photo not finished yet
    QStringList failures_;
    int succeeded_ = 0;
    int total_ = 0;
};

}  // namespace pm::ui
