#include "ui/document.h"

#include <QFileInfo>
#include <QPainter>
#include <opencv2/imgproc.hpp>

#include "core/image/pixel_diff.h"
#include "core/image/qimage_convert.h"
#include "photo_io/path_safety.h"
#include "photo_io/photo_saver.h"
#include "ui/mask_overlay.h"
#include "ui/user_messages.h"

namespace pm::ui {

namespace {
const QColor kMaskColour(255, 40, 90, 120);

QRect toQRect(const cv::Rect& r) { return {r.x, r.y, r.width, r.height}; }

// Each level halves the one above, rounding down, never below one pixel.
cv::Size levelSize(cv::Size size, int level) {
    for (int i = 0; i < level; ++i) size = {std::max(1, size.width / 2), std::max(1, size.height / 2)};
    return size;
}

// Area averaging straight from the pixels: one pass however deep the level, and no full-size
// display copy for a photo that is only ever seen zoomed out (a 12 MP photo opens at about 1/4).
QImage displayAt(const cv::Mat& pixels, int level) {
    if (level <= 0) return image::toQImage(pixels);
    cv::Mat small;
    cv::resize(pixels, small, levelSize(pixels.size(), level), 0, 0, cv::INTER_AREA);
    return image::toQImage(small);
}
}  // namespace

Document::Document(image::LoadedPhoto photo, const QString& path, QObject* parent)
    : QObject(parent), photo_(std::move(photo)), path_(path) {
    // The photo shares the original's pixels until its first edit (writePatch copies them then):
    // opening a 12 MP photo does not wait for a 36 MB copy it may never need.
    image_ = photo_.pixels;
    // The mask is allocated on first use (mask()): a 12 MP photo's zero mask is 12 MB of fresh
    // pages written before the first paint, and most photos are opened without ever selecting.
    connect(&undo_, &QUndoStack::indexChanged, this, [this](int index) {
        // A click in the history panel may land on a dropped step: go back to the oldest kept one.
        if (index < firstUndoable_) undo_.setIndex(firstUndoable_);
        updateModified();
    });
}

Document::~Document() {
    // Destroying the undo stack emits indexChanged; nobody may react to a half-destroyed document.
    disconnect(&undo_, nullptr, this, nullptr);
    blockSignals(true);
}

Document* Document::open(const QString& path, QString* error, QObject* parent) {
    try {
        return new Document(image::loadPhoto(path.toStdString()), QFileInfo(path).absoluteFilePath(),
                            parent);
    } catch (const std::bad_alloc&) {
        if (error) *error = tr("“%1” is too large to open with the memory available.").arg(path);
    } catch (const std::exception& e) {
        if (error) *error = UserMessages::error(e);
    }
    return nullptr;
}

const cv::Mat& Document::mask() const {
    if (mask_.empty()) {
        mask_ = cv::Mat::zeros(image_.size(), CV_8UC1);
        maskOverlay_ = ui::maskOverlay(mask_, kMaskColour);
    }
    return mask_;
}

const QImage& Document::maskOverlay() const {
    mask();
    return maskOverlay_;
}

QString Document::displayName() const { return QFileInfo(path_).fileName(); }

const QImage& Document::displayImage() const {
    if (display_.isNull()) display_ = image::toQImage(image_);
    return display_;
}

const QImage& Document::displayLevel(int level) {
    if (level <= 0) return displayImage();
    if (int(levels_.size()) < level) levels_.resize(level);
    QImage& cached = levels_[level - 1];
    if (cached.isNull()) cached = displayAt(image_, level);
    return cached;
}

const QImage& Document::displayOriginal(int level) {
    // Until the first edit the photo is the original: one set of display copies serves both.
    if (sharesOriginal()) return displayLevel(level);
    level = std::max(0, level);
    if (int(originalLevels_.size()) <= level) originalLevels_.resize(level + 1);
    QImage& cached = originalLevels_[level];
    if (cached.isNull()) cached = displayAt(photo_.pixels, level);
    return cached;
}

void Document::beginStroke(bool erase) {
    stroking_ = true;
    erasing_ = erase;
    maskBeforeStroke_ = mask().clone();
    strokeRect_ = {};
}

void Document::strokeSegment(QPointF from, QPointF to, double radius) {
    if (!stroking_) return;
    const int r = std::max(1, int(std::lround(radius)));
    const cv::Point a(int(std::lround(from.x())), int(std::lround(from.y())));
    const cv::Point b(int(std::lround(to.x())), int(std::lround(to.y())));
    const uchar value = erasing_ ? 0 : 255;
    cv::line(mask_, a, b, value, 2 * r, cv::LINE_8);
    cv::circle(mask_, a, r, value, cv::FILLED);
    cv::circle(mask_, b, r, value, cv::FILLED);
    cv::Rect box = (cv::Rect(a, b) | cv::Rect(b, a + cv::Point(1, 1)));
    box = cv::Rect(box.x - r - 1, box.y - r - 1, box.width + 2 * r + 3, box.height + 2 * r + 3) &
          cv::Rect(0, 0, mask_.cols, mask_.rows);
    if (box.empty()) return;
    strokeRect_ = strokeRect_.empty() ? box : (strokeRect_ | box);
    if (!erasing_) maskBounds_ = maskBounds_.empty() ? box : (maskBounds_ | box);
    emit maskChanged(toQRect(box));
}

void Document::endStroke() {
    if (!stroking_) return;
    stroking_ = false;
    if (erasing_) updateMaskBounds();
    if (!strokeRect_.empty()) {
        Patch patch{Patch::Target::Mask, strokeRect_, maskBeforeStroke_(strokeRect_).clone(),
                    mask_(strokeRect_).clone()};
        push(new PatchCommand(this, erasing_ ? tr("Eraser stroke") : tr("Brush stroke"),
                              {std::move(patch)}));
    }
    maskBeforeStroke_.release();
    emit strokeFinished();
}

void Document::setMask(const cv::Mat& mask, const QString& text) {
    const cv::Mat& current = this->mask();
    CV_Assert(mask.size() == current.size() && mask.type() == CV_8UC1);
    const cv::Rect rect = image::differingRect(current, mask);
    if (rect.empty()) return;
    Patch patch{Patch::Target::Mask, rect, mask_(rect).clone(), mask(rect).clone()};
    push(new PatchCommand(this, text, {std::move(patch)}));
}

void Document::clearMask() {
    if (mask_.empty()) return;  // never allocated: nothing selected, nothing to clear
    setMask(cv::Mat::zeros(mask_.size(), CV_8UC1), tr("Clear mask"));
}

void Document::invertMask() {
    cv::Mat inverted;
    cv::bitwise_not(mask(), inverted);
    setMask(inverted, tr("Invert mask"));
}

bool Document::applyResult(const cv::Mat& result, cv::Rect changed, const QString& text) {
    CV_Assert(result.size() == image_.size() && result.type() == image_.type());
    changed &= cv::Rect(0, 0, image_.cols, image_.rows);
    std::vector<Patch> patches;
    if (!changed.empty()) {
        patches.push_back({Patch::Target::Image, changed, image_(changed).clone(),
                           result(changed).clone()});
    }
    if (patches.empty()) return false;
    const cv::Rect maskRect = maskBounds_;  // the selected pixels: all of them are cleared
    if (!maskRect.empty()) {
        patches.push_back({Patch::Target::Mask, maskRect, mask_(maskRect).clone(),
                           cv::Mat::zeros(maskRect.size(), CV_8UC1)});
    }
    push(new PatchCommand(this, text, std::move(patches)));
    return true;
}

void Document::replaceImage(const cv::Mat& result, const QString& text) {
    CV_Assert(!result.empty() && result.type() == image_.type());
    // Whole copies: the size differs, so no rectangle of one fits the other.
    std::vector<Patch> patches;
    patches.push_back({Patch::Target::WholeImage, cv::Rect(0, 0, result.cols, result.rows), image_.clone(),
                       result.clone()});
    patches.push_back({Patch::Target::WholeMask, cv::Rect(0, 0, result.cols, result.rows), mask().clone(),
                       cv::Mat::zeros(result.size(), CV_8UC1)});
    push(new PatchCommand(this, text, std::move(patches)));
}

quint64 Document::pixelStateId() const {
    for (int i = undo_.index() - 1; i >= 0; --i) {
        const auto* command = static_cast<const PatchCommand*>(undo_.command(i));
        if (command->changesImage()) return command->stateId();
    }
    return 0;
}

void Document::undo() {
    if (canUndo()) undo_.undo();
}

void Document::redo() { undo_.redo(); }

bool Document::canUndo() const { return undo_.index() > firstUndoable_ && !stroking_; }

void Document::setUndoBudget(size_t bytes) {
    budget_ = bytes;
    enforceBudget();
}

size_t Document::undoBytes() const {
    size_t total = 0;
    for (int i = 0; i < undo_.count(); ++i)
        total += static_cast<const PatchCommand*>(undo_.command(i))->bytes();
    return total;
}

void Document::push(PatchCommand* command) {
    undo_.push(command);  // QUndoStack deletes the redo branch and calls redo()
    enforceBudget();
    updateModified();
}

void Document::enforceBudget() {
    // QUndoStack cannot remove its oldest commands, so over budget the oldest steps give up their
    // pixels instead; undo then stops before them. The newest step is always kept.
    size_t total = undoBytes();
    for (int i = firstUndoable_; total > budget_ && i < undo_.count() - 1; ++i) {
        auto* command = const_cast<PatchCommand*>(static_cast<const PatchCommand*>(undo_.command(i)));
        total -= command->bytes();
        command->drop();
        firstUndoable_ = i + 1;
    }
}

void Document::writePatch(Patch::Target target, cv::Rect rect, const cv::Mat& pixels) {
    const QRect whole(0, 0, pixels.cols, pixels.rows);
    if (target == Patch::Target::WholeImage) {
        const bool resized = pixels.size() != image_.size();
        image_ = pixels.clone();  // never the stored patch itself: later edits write into image_
        display_ = QImage();
        levels_.clear();
        if (resized) emit sizeChanged(whole.size());
        emit imageChanged(whole);
    } else if (target == Patch::Target::WholeMask) {
        mask_ = pixels.clone();
        maskOverlay_ = ui::maskOverlay(mask_, kMaskColour);
        updateMaskBounds();
        emit maskChanged(whole);
    } else if (target == Patch::Target::Mask) {
        pixels.copyTo(mask()(rect));
        updateMaskBounds();
        emit maskChanged(toQRect(rect));
    } else {
        if (sharesOriginal()) image_ = photo_.pixels.clone();
        pixels.copyTo(image_(rect));
        refreshDisplay(rect);
        emit imageChanged(toQRect(rect));
    }
}

void Document::updateMaskBounds() {
    maskBounds_ = cv::boundingRect(mask());  // on discrete edits only, never per paint
}

void Document::refreshDisplay(cv::Rect rect) {
    if (!display_.isNull()) {
        const QImage part = image::toQImage(image_(rect));
        QPainter painter(&display_);
        painter.setCompositionMode(QPainter::CompositionMode_Source);
        painter.drawImage(rect.x, rect.y, part);
        painter.end();
    }
    for (QImage& level : levels_) level = QImage();
}

void Document::setUntitled(bool untitled) {
    untitled_ = untitled;
    updateModified();
}

void Document::updateModified() {
    const bool modified = isModified();
    if (modified != lastModified_) {
        lastModified_ = modified;
        emit modifiedChanged(modified);
    }
}

photo_io::WriteResult Document::saveAs(const QString& path,
                                       const std::function<bool(qint64)>& beforeChunk) {
    // Saving through a link would replace the photo it points to, not the name the user chose.
    if (const QString refusal = photo_io::linkRefusal(path, path_); !refusal.isEmpty())
        return {false, refusal};
    const image::SaveOptions options =
        photo_io::saveOptionsFor(path, photo_.format, photo_.jpegQuality);
    const photo_io::WriteResult result = photo_io::savePhoto(path, image_, options, photo_.metadata,
                                                             "edited with PhotoMend", beforeChunk);
    if (!result.ok) return result;
    savedStateId_ = pixelStateId();
    untitled_ = false;
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (absolute != path_) {
        path_ = absolute;
        photo_.format = options.format;
        photo_.jpegQuality = options.format == image::Format::Jpeg ? options.jpegQuality : -1;
        emit pathChanged(path_);
    }
    updateModified();
    return result;
}

}  // namespace pm::ui
