#pragma once
// Options of Restore faces: how much of the original face to keep.
#include <QWidget>

#include "core/ops/faces/restore_faces.h"

class QSlider;

namespace pm::ui {

class FacesOptions : public QWidget {
    Q_OBJECT
public:
    explicit FacesOptions(QWidget* parent = nullptr);
    ops::FaceParams params() const;

private:
    QSlider* fidelity_;
};

}  // namespace pm::ui
