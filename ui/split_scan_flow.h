#pragma once
// Splitting a flatbed scan into its photos, from wherever the scan comes: the open tab, a file
// picked with File > Split Scanned Photos from File…, `photomend --split SCAN…`, or a dropped file
// that turns out to hold several photos. Finding the photos runs on the engine's worker; the user
// then reviews the boxes and the kept ones are handed on (photosChosen) to be opened as new,
// unsaved tabs. The flow needs of the window only its status bar and a parent for its dialogs.
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <functional>
#include <memory>
#include <vector>

#include <opencv2/core.hpp>

#include "core/image/image_io.h"

class QMainWindow;

namespace pm::ui {

class Document;
class EngineBridge;

class SplitScanFlow : public QObject {
    Q_OBJECT
public:
    /// `window` shows the progress in its status bar and parents the dialogs (and this flow).
    SplitScanFlow(EngineBridge* bridge, QMainWindow* window);

    /// Finds the photos on the tab's current pixels.
    void splitDocument(Document* document);
    /// Loads each scan (without opening it as a tab) and splits it, one after the other.
    void splitFiles(const QStringList& paths);
    /// For a photo just opened by a drop: when it turns out to be a scan of several photos, asks
    /// whether to split it. An ordinary photo stays as it is, without a word.
    void offerSplit(Document* document);
    /// True while photos are being looked for or reviewed.
    bool isBusy() const { return busy_; }

    /// The review step (the Split dialog); returns the boxes to open. Tests replace it.
    using Review = std::function<std::vector<cv::RotatedRect>(const cv::Mat& scan,
                                                              std::vector<cv::RotatedRect> found)>;
    void setReview(Review review) { review_ = std::move(review); }
    /// "This looks like a scan of N photos: split it?" after a drop. Tests replace it.
    using Ask = std::function<bool(const QString& fileName, int photoCount)>;
    void setAsk(Ask ask) { ask_ = std::move(ask); }

signals:
    /// A scan was looked at and `count` photos were found on it (0: it looks like one photo).
    void searched(const QString& path, int count);
    /// Something the user is told (no photos found, a scan that could not be read).
    void told(const QString& message);
    /// The user kept `boxes` of `scan`, read from `path`; `source` gives the photos' metadata.
    void photosChosen(const pm::image::LoadedPhoto& source, const QString& path,
                      const cv::Mat& scan, const std::vector<cv::RotatedRect>& boxes);

private:
    struct Source {
        std::shared_ptr<const image::LoadedPhoto> photo;  ///< metadata for the split photos
        cv::Mat scan;                                     ///< the pixels to split
        QString path;
    };
    enum class Trigger { Asked, Dropped };

    /// One scan at a time: a second review dialog over the first would only confuse.
    void enqueue(std::function<void()> step);
    void done();
    /// The open photo's pixels (as edited), looked at when its turn in the queue comes.
    void findInDocument(Document* document, Trigger trigger);
    /// On the worker: loads `path` unless `scan` is given, then finds the photos.
    void find(const QString& path, std::shared_ptr<const image::LoadedPhoto> photo, cv::Mat scan,
              Trigger trigger);
    void found(const Source& source, const std::vector<cv::RotatedRect>& boxes, Trigger trigger);
    void tell(const QString& message, bool warning);

    QMainWindow* window_;
    EngineBridge* bridge_;
    std::vector<std::function<void()>> queue_;
    bool busy_ = false;
    Review review_;
    Ask ask_;
};

}  // namespace pm::ui
