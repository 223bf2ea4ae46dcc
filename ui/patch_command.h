#pragma once
// Undo steps that store only what changed: the before/after pixels of the changed rectangle of the
// image and/or the mask (Gwenview's red-eye operation). Redo and undo just copy patches back.
#include <QUndoCommand>
#include <vector>

#include <opencv2/core.hpp>

namespace pm::ui {

class Document;

struct Patch {
    /// Image and Mask write `rect`; WholeImage and WholeMask replace the whole image or mask, whose
    /// size may change (extending the canvas), so before and after may differ in size.
    enum class Target { Image, Mask, WholeImage, WholeMask };
    Target target = Target::Image;
    cv::Rect rect;
    cv::Mat before;
    cv::Mat after;

    size_t bytes() const { return before.total() * before.elemSize() + after.total() * after.elemSize(); }
};

class PatchCommand : public QUndoCommand {
public:
    PatchCommand(Document* document, const QString& text, std::vector<Patch> patches);

    void undo() override;
    void redo() override;

    size_t bytes() const;
    bool changesImage() const;
    /// A unique id of the pixel state after this step (for "modified since save").
    quint64 stateId() const { return stateId_; }
    /// Frees the stored pixels to keep history under its byte budget. A dropped step can no longer be
    /// undone; the document stops undo before it.
    void drop();
    bool isDropped() const { return dropped_; }

private:
    void put(bool after);

    Document* document_;
    std::vector<Patch> patches_;
    quint64 stateId_;
    bool dropped_ = false;
};

}  // namespace pm::ui
