#include "ui/mode_panel.h"

#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

#include "ui/cartoon_options.h"
#include "ui/document.h"
#include "ui/faces_options.h"
#include "ui/remove_options.h"
#include "ui/repair_options.h"
#include "ui/variation_strip.h"

namespace pm::ui {

ModePanel::ModePanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);

    modes_ = new QListWidget(this);
    struct Entry { QString name; QString tip; bool built; };
    const Entry entries[] = {
        {tr("Remove object"), tr("Paint over what should go, then Apply."), true},
        {tr("Repair old photo"), tr("Scratches, dust, faded colour, grain and faces of old scans."), true},
        {tr("Restore faces"), tr("Sharper, cleaner faces that still look like the person."), true},
        {tr("Cartoonize"), tr("Flat colours, soft shading and drawn lines: the photo as a cartoon."), true}};
    for (const Entry& e : entries) {
        auto* item = new QListWidgetItem(e.name, modes_);
        item->setToolTip(e.tip);
        if (!e.built) item->setFlags(item->flags() & ~(Qt::ItemIsEnabled | Qt::ItemIsSelectable));
    }
    modes_->setMaximumHeight(modes_->sizeHintForRow(0) * 4 + 8);
    layout->addWidget(modes_);

    pages_ = new QStackedWidget(this);
    remove_ = new RemoveOptions(pages_);
    repair_ = new RepairOptions(pages_);
    faces_ = new FacesOptions(pages_);
    pages_->addWidget(remove_);
    pages_->addWidget(repair_);
    pages_->addWidget(faces_);
    cartoon_ = new CartoonOptions(pages_);
    pages_->addWidget(cartoon_);
    layout->addWidget(pages_);

    auto* buttons = new QHBoxLayout;
    apply_ = new QPushButton(tr("Apply"), this);
    apply_->setDefault(true);
    cancel_ = new QPushButton(tr("Cancel"), this);
    cancel_->setEnabled(false);
    buttons->addWidget(apply_);
    buttons->addWidget(cancel_);
    layout->addLayout(buttons);
    strip_ = new VariationStrip(this);
    layout->addWidget(strip_);

    progress_ = new QProgressBar(this);
    progress_->setRange(0, 100);
    progress_->setVisible(false);
    layout->addWidget(progress_);
    stage_ = new QLabel(this);
    layout->addWidget(stage_);
    engineNote_ = new QLabel(this);
    engineNote_->setWordWrap(true);
    layout->addWidget(engineNote_);
    layout->addStretch(1);

    connect(modes_, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row < 0 || row >= pages_->count()) return;
        pages_->setCurrentIndex(row);
        updateApply();
        emit modeChanged(Mode(row));
    });
    modes_->setCurrentRow(0);
    connect(apply_, &QPushButton::clicked, this, &ModePanel::applyRequested);
    connect(cancel_, &QPushButton::clicked, this, &ModePanel::cancelRequested);
    connect(remove_, &RemoveOptions::readinessChanged, this, &ModePanel::updateApply);
    updateApply();
}

void ModePanel::updateApply() {
    const QString reason = currentMode() == Mode::RemoveObject ? remove_->blockReason() : QString();
    apply_->setEnabled(!busy_ && reason.isEmpty());
    apply_->setToolTip(reason);
}

void ModePanel::setHintWidget(QWidget* hint) {
    static_cast<QVBoxLayout*>(layout())->insertWidget(1, hint);
}

Mode ModePanel::currentMode() const { return Mode(std::max(0, modes_->currentRow())); }

void ModePanel::setCurrentMode(Mode mode) { modes_->setCurrentRow(int(mode)); }

bool ModePanel::isModeEnabled(Mode mode) const {
    return modes_->item(int(mode))->flags() & Qt::ItemIsEnabled;
}

void ModePanel::setBusy(bool busy) {
    busy_ = busy;
    updateApply();
    cancel_->setEnabled(busy);
    progress_->setVisible(busy);
    if (!busy) stage_->clear();
}

void ModePanel::setProgress(int percent, const QString& stage) {
    progress_->setValue(percent);
    stage_->setText(stage);
}

void ModePanel::setEngineNote(Document* document, const QString& note) {
    if (!document) return;
    if (!notes_.contains(document))
        connect(document, &QObject::destroyed, this, [this, document] {
            notes_.remove(document);
            if (current_ == document) setCurrentDocument(nullptr);
        });
    notes_[document] = note;
    if (document == current_) engineNote_->setText(note);
}

void ModePanel::setCurrentDocument(Document* document) {
    current_ = document;
    engineNote_->setText(notes_.value(document));
}

QString ModePanel::engineNote() const { return engineNote_->text(); }

}  // namespace pm::ui
