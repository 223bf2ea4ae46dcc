#include "ui/repair_options.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QPushButton>
#include <QSlider>

namespace pm::ui {

namespace {
QSlider* percentSlider(QWidget* parent, double value, const QString& tip) {
    auto* slider = new QSlider(Qt::Horizontal, parent);
    slider->setRange(0, 100);
    slider->setValue(int(value * 100));
    slider->setToolTip(tip);
    return slider;
}
}  // namespace

RepairOptions::RepairOptions(QWidget* parent) : QWidget(parent) {
    const ops::RepairParams defaults;
    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);

    scratches_ = new QCheckBox(tr("Scratches and dust"), this);
    sensitivity_ = percentSlider(this, defaults.damage.sensitivity, tr("How eagerly thin lines and specks count as damage"));
    detect_ = new QPushButton(tr("Detect Damage"), this);
    detect_->setToolTip(tr("Mark scratches and dust as a mask you can refine with the brush and eraser"));
    form->addRow(scratches_);
    form->addRow(tr("Sensitivity:"), sensitivity_);
    form->addRow(detect_);

    color_ = new QCheckBox(tr("Restore faded colour"), this);
    colorStrength_ = percentSlider(this, defaults.tone.colorStrength, tr("Colour cast removal and contrast stretch"));
    form->addRow(color_);
    form->addRow(tr("Strength:"), colorStrength_);

    denoise_ = new QCheckBox(tr("Reduce grain"), this);
    denoiseStrength_ = percentSlider(this, defaults.tone.denoise, tr("Film grain and JPEG noise, keeping edges"));
    form->addRow(denoise_);
    form->addRow(tr("Amount:"), denoiseStrength_);

    sharpen_ = new QCheckBox(tr("Sharpen"), this);
    sharpenAmount_ = percentSlider(this, 0.3, tr("Unsharp mask with halo control"));
    form->addRow(sharpen_);
    form->addRow(tr("Amount:"), sharpenAmount_);

    faces_ = new QCheckBox(tr("Restore faces"), this);
    fidelity_ = percentSlider(this, defaults.faces.fidelity, tr("Higher keeps more of the original face, so people stay recognisable"));
    form->addRow(faces_);
    form->addRow(tr("Fidelity:"), fidelity_);

    for (ops::RepairStep step : defaults.steps) setStepEnabled(step, true);
    connect(detect_, &QPushButton::clicked, this, &RepairOptions::detectDamageRequested);
    for (QSlider* s : {colorStrength_, denoiseStrength_, sharpenAmount_})
        connect(s, &QSlider::valueChanged, this, &RepairOptions::toneChanged);
    for (QCheckBox* c : {color_, denoise_, sharpen_})
        connect(c, &QCheckBox::toggled, this, &RepairOptions::toneChanged);
}

void RepairOptions::setStepEnabled(ops::RepairStep step, bool on) {
    switch (step) {
    case ops::RepairStep::Scratches: scratches_->setChecked(on); break;
    case ops::RepairStep::Color: color_->setChecked(on); break;
    case ops::RepairStep::Denoise: denoise_->setChecked(on); break;
    case ops::RepairStep::Sharpen: sharpen_->setChecked(on); break;
    case ops::RepairStep::Faces: faces_->setChecked(on); break;
    }
}

ops::RepairParams RepairOptions::params() const {
    ops::RepairParams params;
    params.steps.clear();
    const std::pair<QCheckBox*, ops::RepairStep> boxes[] = {
        {scratches_, ops::RepairStep::Scratches}, {color_, ops::RepairStep::Color},
        {denoise_, ops::RepairStep::Denoise},     {sharpen_, ops::RepairStep::Sharpen},
        {faces_, ops::RepairStep::Faces}};
    for (const auto& [box, step] : boxes)
        if (box->isChecked()) params.steps.push_back(step);
    params.damage.sensitivity = sensitivity_->value() / 100.0;
    params.tone.colorStrength = color_->isChecked() ? colorStrength_->value() / 100.0 : 0.0;
    params.tone.denoise = denoise_->isChecked() ? denoiseStrength_->value() / 100.0 : 0.0;
    params.tone.sharpen = sharpen_->isChecked() ? sharpenAmount_->value() / 100.0 : 0.0;
    params.faces.fidelity = fidelity_->value() / 100.0;
    return params;
}

}  // namespace pm::ui
