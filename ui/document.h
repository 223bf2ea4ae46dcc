#pragma once
// One open photo: its pixels, the original as loaded (for compare), the selection mask, the undo
// history and where it came from. Lives on the GUI thread; the engine only ever sees copies.
#include <QImage>
#include <QObject>
#include <QRect>
#include <QString>
#include <QUndoStack>
#include <functional>
#include <vector>

#include <opencv2/core.hpp>

#include "core/image/image_io.h"
#include "photo_io/atomic_write.h"
#include "ui/patch_command.h"

namespace pm::ui {

class Document : public QObject {
    Q_OBJECT
public:
    static constexpr size_t kDefaultUndoBudget = size_t(1) << 30;  // 1 GiB

    Document(image::LoadedPhoto photo, const QString& path, QObject* parent = nullptr);
    ~Document() override;

    /// Loads a photo; on failure returns nullptr and sets `error` to a message for the user.
    static Document* open(const QString& path, QString* error, QObject* parent = nullptr);

    const cv::Mat& image() const { return image_; }
    const cv::Mat& original() const { return photo_.pixels; }
    /// The selection mask (CV_8UC1, image size, 0 = not selected); all zero until the first edit.
    const cv::Mat& mask() const;
    QSize size() const { return {image_.cols, image_.rows}; }
    QString path() const { return path_; }
    QString displayName() const;
    image::Format format() const { return photo_.format; }
    const image::LoadedPhoto& source() const { return photo_; }

    /// Display copies for the canvas, built on first use (a photo opened zoomed out never needs
    /// the full-size one) and kept up to date region by region once built.
    const QImage& displayImage() const;
    /// The photo (or the original as loaded) scaled by 1/2^level, level 0 = full size; the smaller
    /// levels come straight from the pixels by area averaging, built lazily for zoomed-out views.
    const QImage& displayLevel(int level);
    const QImage& displayOriginal(int level = 0);
    /// The mask as a translucent overlay sharing the mask's memory.
    const QImage& maskOverlay() const;
    /// Bytes the mask holds: none until something reads or edits it (opening a photo allocates none).
    size_t maskBytes() const { return mask_.total() * mask_.elemSize(); }

    // --- Mask editing; every stroke/clear/invert is one undo step -------------------------------
    void beginStroke(bool erase);
    /// Paints (or erases) a round-capped segment of `radius` image pixels; image coordinates.
    void strokeSegment(QPointF from, QPointF to, double radius);
    void endStroke();
    bool isStroking() const { return stroking_; }
    void clearMask();
    void invertMask();
    /// Replaces the whole mask (e.g. a detected damage mask) as one undo step.
    void setMask(const cv::Mat& mask, const QString& text);
    bool hasMask() const { return !maskBounds_.empty(); }
    /// Bounding box of the selected pixels (empty when none): the canvas draws the overlay only there.
    QRect maskBounds() const { return {maskBounds_.x, maskBounds_.y, maskBounds_.width, maskBounds_.height}; }

    // --- Results of operations -------------------------------------------------------------------
    /// Pushes `result` (same size/type as image()) restricted to `changed` as one undo step and
    /// clears the mask in the same step. Returns false (nothing pushed) when nothing changed.
    bool applyResult(const cv::Mat& result, cv::Rect changed, const QString& text);
    /// Replaces the image by `result` of another size (the canvas extended) as one undo step; the
    /// mask, which no longer fits, is cleared to the new size in the same step. Undo restores the old
    /// size, pixels and mask.
    void replaceImage(const cv::Mat& result, const QString& text);
    /// Identifies the current pixels: changes with every applied/undone/redone pixel edit.
    quint64 pixelStateId() const;

    // --- History ------------------------------------------------------------------------------------
    QUndoStack* undoStack() { return &undo_; }
    void undo();
    void redo();
    bool canUndo() const;
    void setUndoBudget(size_t bytes);
    size_t undoBudget() const { return budget_; }
    /// Bytes held by the history's patches.
    size_t undoBytes() const;
    /// Steps before this index were dropped to stay under the budget and cannot be undone.
    int firstUndoableIndex() const { return firstUndoable_; }

    // --- Saving ---------------------------------------------------------------------------------------
    bool isModified() const { return untitled_ || pixelStateId() != savedStateId_; }
    /// What closing would lose: unsaved pixels, or a painted mask that was never applied (the
    /// mask is not part of the saved photo, so saving does not keep it).
    bool hasUnsavedWork() const { return isModified() || hasMask(); }
    /// A photo that was never saved (e.g. split from a scan): `path()` is only a suggestion and Save
    /// asks where to save.
    bool isUntitled() const { return untitled_; }
    void setUntitled(bool untitled);
    /// Saves to `path` (format from its extension). On success the document now belongs to `path`.
    photo_io::WriteResult saveAs(const QString& path,
                            const std::function<bool(qint64)>& beforeChunk = {});
    photo_io::WriteResult save() { return saveAs(path_); }

    /// Used by PatchCommand only.
    void writePatch(Patch::Target target, cv::Rect rect, const cv::Mat& pixels);

signals:
    void imageChanged(QRect imageRect);
    void maskChanged(QRect imageRect);
    void modifiedChanged(bool modified);
    void pathChanged(const QString& path);
    void strokeFinished();
    /// The image's size changed (replaceImage, or its undo); imageChanged follows.
    void sizeChanged(QSize size);

private:
    void push(PatchCommand* command);
    void enforceBudget();
    void refreshDisplay(cv::Rect rect);
    bool sharesOriginal() const { return image_.data == photo_.pixels.data; }
    void updateMaskBounds();
    void updateModified();

    image::LoadedPhoto photo_;
    QString path_;
    cv::Mat image_;
    // Allocated by mask() on first use; then reallocated only with a new canvas size (maskOverlay_
    // views its memory).
    mutable cv::Mat mask_;
    mutable QImage display_;       // null until first asked for
    std::vector<QImage> levels_;   // levels_[i] = image_ at 1/2^(i+1); null = stale
    std::vector<QImage> originalLevels_;  // [0] = full size, [i] = original at 1/2^i
    mutable QImage maskOverlay_;

    QUndoStack undo_;
    size_t budget_ = kDefaultUndoBudget;
    int firstUndoable_ = 0;
    quint64 savedStateId_ = 0;
    bool lastModified_ = false;
    bool untitled_ = false;

    bool stroking_ = false;
    bool erasing_ = false;
    cv::Rect maskBounds_;
    cv::Mat maskBeforeStroke_;
    cv::Rect strokeRect_;
};

}  // namespace pm::ui
