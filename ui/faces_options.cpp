#include "ui/faces_options.h"

#include <QFormLayout>
#include <QLabel>
#include <QSlider>

namespace pm::ui {

FacesOptions::FacesOptions(QWidget* parent) : QWidget(parent) {
    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    fidelity_ = new QSlider(Qt::Horizontal, this);
    fidelity_->setRange(0, 100);
    fidelity_->setValue(int(ops::FaceParams().fidelity * 100));
    fidelity_->setToolTip(tr("Higher keeps more of the original face, so people stay recognisable"));
    form->addRow(tr("Fidelity:"), fidelity_);
    auto* note = new QLabel(tr("Faces are found automatically; no painting needed."), this);
    note->setWordWrap(true);
    form->addRow(note);
}

ops::FaceParams FacesOptions::params() const {
    ops::FaceParams params;
    params.fidelity = fidelity_->value() / 100.0;
    return params;
}

}  // namespace pm::ui
