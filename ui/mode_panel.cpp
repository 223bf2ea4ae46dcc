#include "ui/mode_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace pm::ui {

ModePanel::ModePanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);

    modes_ = new QListWidget(this);
    struct Entry { QString name; bool built; };
    const Entry entries[] = {{tr("Remove object"), true},
                             {tr("Repair old photo"), false},
                             {tr("Restore faces"), false},
                             {tr("Cartoonize"), false}};
    for (const Entry& e : entries) {
        auto* item = new QListWidgetItem(e.name, modes_);
        if (!e.built) {
            item->setFlags(item->flags() & ~(Qt::ItemIsEnabled | Qt::ItemIsSelectable));
            item->setToolTip(tr("%1 is not available in this version yet.").arg(e.name));
        } else {
            item->setToolTip(tr("Paint over what should go, then Apply."));
        }
    }
    modes_->setCurrentRow(0);
    modes_->setMaximumHeight(modes_->sizeHintForRow(0) * 4 + 8);
    layout->addWidget(modes_);

    auto* form = new QFormLayout;
    engine_ = new QComboBox(this);
    engine_->addItem(tr("Automatic"), int(ops::FillEngine::Auto));
    engine_->addItem(tr("Built-in (PatchMatch)"), int(ops::FillEngine::Builtin));
    engine_->addItem(tr("LaMa model"), int(ops::FillEngine::Lama));
    form->addRow(tr("Engine:"), engine_);
    grow_ = new QSpinBox(this);
    grow_->setRange(0, 64);
    grow_->setValue(ops::RemoveParams().growPixels);
    grow_->setSuffix(tr(" px"));
    grow_->setToolTip(tr("Grow the mask so no halo of the removed object is left"));
    form->addRow(tr("Grow mask:"), grow_);
    feather_ = new QSpinBox(this);
    feather_->setRange(0, 32);
    feather_->setValue(ops::RemoveParams().featherPixels);
    feather_->setSuffix(tr(" px"));
    form->addRow(tr("Feather seam:"), feather_);
    layout->addLayout(form);

    autoApply_ = new QCheckBox(tr("Apply when a stroke ends"), this);
    layout->addWidget(autoApply_);

    auto* buttons = new QHBoxLayout;
    apply_ = new QPushButton(tr("Apply"), this);
    apply_->setDefault(true);
    cancel_ = new QPushButton(tr("Cancel"), this);
    cancel_->setEnabled(false);
    buttons->addWidget(apply_);
    buttons->addWidget(cancel_);
    layout->addLayout(buttons);

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

    connect(apply_, &QPushButton::clicked, this, &ModePanel::applyRequested);
    connect(cancel_, &QPushButton::clicked, this, &ModePanel::cancelRequested);
}

Mode ModePanel::currentMode() const { return Mode(std::max(0, modes_->currentRow())); }

bool ModePanel::isModeEnabled(Mode mode) const {
    return modes_->item(int(mode))->flags() & Qt::ItemIsEnabled;
}

ops::RemoveParams ModePanel::removeParams() const {
    ops::RemoveParams params;
    params.engine = ops::FillEngine(engine_->currentData().toInt());
    params.growPixels = grow_->value();
    params.featherPixels = feather_->value();
    return params;
}

bool ModePanel::autoApply() const { return autoApply_->isChecked(); }

void ModePanel::setBusy(bool busy) {
    apply_->setEnabled(!busy);
    cancel_->setEnabled(busy);
    progress_->setVisible(busy);
    if (!busy) stage_->clear();
}

void ModePanel::setProgress(int percent, const QString& stage) {
    progress_->setValue(percent);
    stage_->setText(stage);
}

void ModePanel::setEngineNote(const QString& note) { engineNote_->setText(note); }

}  // namespace pm::ui
