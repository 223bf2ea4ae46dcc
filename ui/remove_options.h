#pragma once
// Options of Remove object: engine, mask grow, seam feather, apply when a stroke ends.
#include <QWidget>

#include "core/ops/remove/remove_object.h"

class QCheckBox;
class QComboBox;
class QSpinBox;

namespace pm::ui {

class RemoveOptions : public QWidget {
    Q_OBJECT
public:
    explicit RemoveOptions(QWidget* parent = nullptr);
    ops::RemoveParams params() const;
    bool autoApply() const;
    QCheckBox* autoApplyBox() const { return autoApply_; }

private:
    QComboBox* engine_;
    QSpinBox* grow_;
    QSpinBox* feather_;
    QCheckBox* autoApply_;
};

}  // namespace pm::ui
