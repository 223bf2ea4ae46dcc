#include "ui/remove_options.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QSpinBox>

namespace pm::ui {

RemoveOptions::RemoveOptions(QWidget* parent) : QWidget(parent) {
    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    engine_ = new QComboBox(this);
    engine_->addItem(tr("Automatic"), int(ops::FillEngine::Auto));
    engine_->addItem(tr("Built-in (PatchMatch)"), int(ops::FillEngine::Builtin));
    engine_->addItem(tr("LaMa model"), int(ops::FillEngine::Lama));
    engine_->setToolTip(tr("Automatic uses the LaMa model when it is installed"));
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
    autoApply_ = new QCheckBox(tr("Apply when a stroke ends"), this);
    form->addRow(autoApply_);
}

ops::RemoveParams RemoveOptions::params() const {
    ops::RemoveParams params;
    params.engine = ops::FillEngine(engine_->currentData().toInt());
    params.growPixels = grow_->value();
    params.featherPixels = feather_->value();
    return params;
}

bool RemoveOptions::autoApply() const { return autoApply_->isChecked(); }

}  // namespace pm::ui
