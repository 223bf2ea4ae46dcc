#include "ui/split_scan_flow.h"

#include <QFileInfo>
#include <QMainWindow>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>
#include <exception>

#include "core/common/error.h"
#include "core/engine/engine.h"
#include "core/ops/split/split_scan.h"
#include "ui/document.h"
#include "ui/engine_bridge.h"
#include "ui/split_scan_dialog.h"
#include "ui/user_messages.h"

namespace pm::ui {

namespace {
/// A dropped photo is offered for splitting only when it holds at least this many photos: one photo
/// on a bed is a plain scan to most people, and they dropped it to edit it.
constexpr int kOfferFromPhotos = 2;

/// What the worker hands back: the photo it loaded (when it loaded one) and the boxes, or the
/// exception, kept whole so that its code is translated on the GUI thread.
struct Search {
    std::shared_ptr<const image::LoadedPhoto> loaded;
    std::vector<cv::RotatedRect> boxes;
    std::exception_ptr error;
};
}  // namespace

SplitScanFlow::SplitScanFlow(EngineBridge* bridge, QMainWindow* window)
    : QObject(window), window_(window), bridge_(bridge) {
    review_ = [this](const cv::Mat& scan, std::vector<cv::RotatedRect> boxes) {
        SplitScanDialog dialog(scan, std::move(boxes), window_);
        if (dialog.exec() != QDialog::Accepted) return std::vector<cv::RotatedRect>{};
        return dialog.acceptedBoxes();
    };
    ask_ = [this](const QString& fileName, int count) {
        QMessageBox box(QMessageBox::Question, tr("Split Scanned Photos"),
                        tr("“%1” looks like a scan of %n photo(s): split it into separate photos?",
                           nullptr, count)
                            .arg(fileName),
                        QMessageBox::NoButton, window_);
        QPushButton* split = box.addButton(tr("Split…"), QMessageBox::AcceptRole);
        box.addButton(tr("Keep as One Photo"), QMessageBox::RejectRole);
        box.setDefaultButton(split);
        box.exec();
        return box.clickedButton() == split;
    };
}

void SplitScanFlow::splitDocument(Document* document) {
    findInDocument(document, Trigger::Asked);
}

void SplitScanFlow::splitFiles(const QStringList& paths) {
    for (const QString& path : paths)
        enqueue([this, path] { find(path, nullptr, cv::Mat(), Trigger::Asked); });
}

void SplitScanFlow::offerSplit(Document* document) {
    findInDocument(document, Trigger::Dropped);
}

void SplitScanFlow::findInDocument(Document* document, Trigger trigger) {
    if (!document) return;
    const QPointer<Document> source(document);
    enqueue([this, source, trigger] {
        if (!source) return done();  // closed while it waited its turn
        find(source->path(), std::make_shared<image::LoadedPhoto>(source->source()),
             source->image().clone(), trigger);
    });
}

void SplitScanFlow::enqueue(std::function<void()> step) {
    queue_.push_back(std::move(step));
    if (!busy_) done();
}

void SplitScanFlow::done() {
    busy_ = !queue_.empty();
    if (!busy_) return;
    auto step = std::move(queue_.front());
    queue_.erase(queue_.begin());
    step();
}

void SplitScanFlow::find(const QString& path, std::shared_ptr<const image::LoadedPhoto> photo,
                         cv::Mat scan, Trigger trigger) {
    auto search = std::make_shared<Search>();
    EngineJob* job = bridge_->submit(
        tr("Find photos on the scan"), [search, path, scan](engine::JobContext& context) {
            try {
                cv::Mat pixels = scan;
                if (pixels.empty()) {
                    search->loaded =
                        std::make_shared<image::LoadedPhoto>(image::loadPhoto(path.toStdString()));
                    pixels = search->loaded->pixels;
                }
                for (const ops::DetectedPhoto& p : ops::detectPhotos(pixels, {}, context))
                    search->boxes.push_back(p.box);
            } catch (const Cancelled&) {
                throw;
            } catch (const std::exception&) {
                search->error = std::current_exception();
            }
        });
    if (trigger == Trigger::Asked)
        window_->statusBar()->showMessage(
            tr("Looking for photos on %1…").arg(QFileInfo(path).fileName()));
    connect(job, &EngineJob::finished, this,
            [this, search, path, photo, scan, trigger](engine::JobOutcome outcome,
                                                       const QString& message) {
                if (trigger == Trigger::Asked) window_->statusBar()->clearMessage();
                if (outcome != engine::JobOutcome::Done) {
                    if (!message.isEmpty() && trigger == Trigger::Asked) tell(message, true);
                    return done();
                }
                if (search->error) {
                    try {
                        std::rethrow_exception(search->error);
                    } catch (const std::exception& e) {
                        // A dropped file opened fine already; only an asked-for split reports.
                        if (trigger == Trigger::Asked) tell(UserMessages::error(e), true);
                    }
                    return done();
                }
                Source source{photo ? photo : search->loaded, photo ? scan : search->loaded->pixels,
                              path};
                emit searched(path, int(search->boxes.size()));
                found(source, search->boxes, trigger);
                done();
            });
}

void SplitScanFlow::found(const Source& source, const std::vector<cv::RotatedRect>& boxes,
                          Trigger trigger) {
    const QString name = QFileInfo(source.path).fileName();
    if (trigger == Trigger::Dropped) {
        if (int(boxes.size()) < kOfferFromPhotos || !ask_(name, int(boxes.size()))) return;
    } else if (boxes.empty()) {
        tell(tr("This looks like a single photo: no separate photos were found on a scanner "
                "background in “%1”. Scan the photos on a light, plain background, with a little "
                "space between them.")
                 .arg(name),
             false);
        return;
    }
    const std::vector<cv::RotatedRect> kept = review_(source.scan, boxes);
    if (!kept.empty()) emit photosChosen(*source.photo, source.path, source.scan, kept);
}

void SplitScanFlow::tell(const QString& message, bool warning) {
    emit told(message);
    window_->statusBar()->showMessage(message.section('\n', 0, 0), 10000);
    auto* box = new QMessageBox(warning ? QMessageBox::Warning : QMessageBox::Information,
                                tr("Split Scanned Photos"), message, QMessageBox::Ok, window_);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();  // non-blocking: the window keeps working
}

}  // namespace pm::ui
