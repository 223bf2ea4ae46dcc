#include "ui/remove_options.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QPushButton>
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

    // The selection tools (Select and Magic Wand on the toolbar) and what can be done to a mask.
    step_ = new QSpinBox(this);
    step_->setRange(1, 200);
    step_->setValue(4);
    step_->setSuffix(tr(" px"));
    growSelection_ = new QPushButton(tr("Grow"), this);
    growSelection_->setToolTip(tr("Grow the mask by this many pixels"));
    shrinkSelection_ = new QPushButton(tr("Shrink"), this);
    shrinkSelection_->setToolTip(tr("Shrink the mask by this many pixels"));
    auto* steps = new QHBoxLayout;
    steps->addWidget(step_);
    steps->addWidget(growSelection_);
    steps->addWidget(shrinkSelection_);
    form->addRow(tr("Selection:"), steps);
    wandTolerance_ = new QSpinBox(this);
    wandTolerance_->setRange(0, 255);
    wandTolerance_->setValue(ops::selection::WandSettings().tolerance);
    wandTolerance_->setToolTip(tr("How different a colour may be and still count as similar"));
    form->addRow(tr("Wand tolerance:"), wandTolerance_);
    wandContiguous_ = new QCheckBox(tr("Only connected pixels"), this);
    wandContiguous_->setChecked(ops::selection::WandSettings().contiguous);
    wandContiguous_->setToolTip(tr("Off: the wand selects the similar colour everywhere in the photo"));
    form->addRow(wandContiguous_);
    const auto changed = [this] { emit wandSettingsChanged(wandSettings()); };
    connect(wandTolerance_, &QSpinBox::valueChanged, this, changed);
    connect(wandContiguous_, &QCheckBox::toggled, this, changed);

    prompt_ = new PromptFillOptions(this);
    form->addRow(prompt_);
    connect(prompt_, &PromptFillOptions::readinessChanged, this, &RemoveOptions::readinessChanged);
    connect(engine_, &QComboBox::currentIndexChanged, this, [this] {
        showMethodRows();
        emit readinessChanged();
    });
    showMethodRows();
}

int RemoveOptions::selectionStep() const { return step_->value(); }

ops::selection::WandSettings RemoveOptions::wandSettings() const {
    ops::selection::WandSettings settings;
    settings.tolerance = wandTolerance_->value();
    settings.contiguous = wandContiguous_->isChecked();
    return settings;
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
    params.softMask = true;  // the canvas shows a feathered mask's soft edge; Remove keeps it soft
    return params;
}

bool RemoveOptions::autoApply() const { return autoApply_->isChecked() && !usesPrompt(); }

}  // namespace pm::ui
