#include "ui/patch_command.h"

#include <QCoreApplication>
#include <atomic>

#include "ui/document.h"

namespace pm::ui {

namespace {
quint64 nextStateId() {
    static std::atomic<quint64> next{1};
    return next++;
}
}  // namespace

PatchCommand::PatchCommand(Document* document, const QString& text, std::vector<Patch> patches)
    : QUndoCommand(text), document_(document), patches_(std::move(patches)), stateId_(nextStateId()) {}

void PatchCommand::undo() { put(false); }
void PatchCommand::redo() { put(true); }

void PatchCommand::put(bool after) {
    if (dropped_) return;
    for (const Patch& p : patches_) document_->writePatch(p.target, p.rect, after ? p.after : p.before);
}

size_t PatchCommand::bytes() const {
    size_t total = 0;
    for (const Patch& p : patches_) total += p.bytes();
    return total;
}

bool PatchCommand::changesImage() const {
    for (const Patch& p : patches_)
        if (p.target == Patch::Target::Image || p.target == Patch::Target::WholeImage) return true;
    return false;
}

void PatchCommand::drop() {
    patches_.clear();
    patches_.shrink_to_fit();
    dropped_ = true;
    setText(QCoreApplication::translate("PatchCommand", "%1 (dropped to save memory)").arg(text()));
}

}  // namespace pm::ui
