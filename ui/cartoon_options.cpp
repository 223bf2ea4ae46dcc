#include "ui/cartoon_options.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QSlider>

namespace pm::ui {

CartoonOptions::CartoonOptions(QWidget* parent) : QWidget(parent) {
    const ops::CartoonParams defaults;
    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);

    style_ = new QComboBox(this);
    style_->addItem(tr("Anime (soft)"), int(ops::CartoonStyle::Anime));
    style_->addItem(tr("Comic (ink)"), int(ops::CartoonStyle::Comic));
    style_->setToolTip(tr("Anime: gentle shading and thin lines. Comic: flatter colours and bold black lines."));
    form->addRow(tr("Style:"), style_);

    strength_ = new QSlider(Qt::Horizontal, this);
    strength_->setRange(0, 100);
    strength_->setValue(int(defaults.strength * 100));
    strength_->setToolTip(tr("How much of the cartoon replaces the photo (70–80% looks natural)"));
    form->addRow(tr("Strength:"), strength_);

    size_ = new QComboBox(this);
    size_->addItem(tr("Original size"), 0);
    for (int side : {512, 1024, 2048}) size_->addItem(tr("Long side %1 px").arg(side), side);
    size_->setToolTip(tr("Other sizes open the cartoon as a new photo; this one keeps its size."));
    form->addRow(tr("Output:"), size_);

    auto* note = new QLabel(tr("The canvas previews the cartoon while you choose; hold \\ to see the original."), this);
    note->setWordWrap(true);
    form->addRow(note);

    connect(style_, &QComboBox::currentIndexChanged, this, &CartoonOptions::changed);
    connect(strength_, &QSlider::valueChanged, this, &CartoonOptions::changed);
}

ops::CartoonParams CartoonOptions::params() const {
    ops::CartoonParams params;
    params.style = ops::CartoonStyle(style_->currentData().toInt());
    params.strength = strength_->value() / 100.0;
    params.longSide = size_->currentData().toInt();
    return params;
}

}  // namespace pm::ui
