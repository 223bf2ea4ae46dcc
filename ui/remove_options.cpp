#include "ui/remove_options.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QSpinBox>

#include "ui/prompt_fill_options.h"

namespace pm::ui {

namespace {
constexpr int kPromptMethod = -1;  // the engine combo's entry for the prompt fill (not an ops::FillEngine)
}

RemoveOptions::RemoveOptions(QWidget* parent) : QWidget(parent) {
    auto* form = form_ = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    engine_ = new QComboBox(this);
    engine_->addItem(tr("Automatic"), int(ops::FillEngine::Auto));
    engine_->addItem(tr("Built-in (PatchMatch)"), int(ops::FillEngine::Builtin));
    engine_->addItem(tr("LaMa model"), int(ops::FillEngine::Lama));
    engine_->addItem(tr("Fill from a prompt (PowerPaint)"), kPromptMethod);
    engine_->setToolTip(tr("Automatic uses the LaMa model when it is installed; a prompt fill describes "
                           "what should appear"));
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
    prompt_ = new PromptFillOptions(this);
    form->addRow(prompt_);
    connect(prompt_, &PromptFillOptions::readinessChanged, this, &RemoveOptions::readinessChanged);
    connect(engine_, &QComboBox::currentIndexChanged, this, [this] {
        showMethodRows();
        emit readinessChanged();
    });
    showMethodRows();
}

void RemoveOptions::showMethodRows() {
    const bool prompt = usesPrompt();
    form_->setRowVisible(grow_, !prompt);
    form_->setRowVisible(feather_, !prompt);
    form_->setRowVisible(autoApply_, !prompt);
    form_->setRowVisible(prompt_, prompt);
}

bool RemoveOptions::usesPrompt() const { return engine_->currentData().toInt() == kPromptMethod; }

void RemoveOptions::setUsesPrompt(bool prompt) {
    engine_->setCurrentIndex(engine_->findData(prompt ? kPromptMethod : int(ops::FillEngine::Auto)));
}

QString RemoveOptions::blockReason() const { return usesPrompt() ? prompt_->blockReason() : QString(); }

ops::RemoveParams RemoveOptions::params() const {
    ops::RemoveParams params;
    params.engine = usesPrompt() ? ops::FillEngine::Auto : ops::FillEngine(engine_->currentData().toInt());
    params.growPixels = grow_->value();
    params.featherPixels = feather_->value();
    return params;
}

bool RemoveOptions::autoApply() const { return autoApply_->isChecked() && !usesPrompt(); }

}  // namespace pm::ui
