#pragma once
// Options of Remove object: engine, mask grow, seam feather, apply when a stroke ends.
#include <QWidget>

#include "core/ops/remove/remove_object.h"
#include "core/ops/selection/mask_tools.h"

class QCheckBox;
class QComboBox;
class QPushButton;
class QSpinBox;

namespace pm::ui {

class RemoveOptions : public QWidget {
    Q_OBJECT
public:
    explicit RemoveOptions(QWidget* parent = nullptr);
    ops::RemoveParams params() const;
    bool autoApply() const;
    QCheckBox* autoApplyBox() const { return autoApply_; }

    /// Pixels the Grow and Shrink buttons change the mask by.
    int selectionStep() const;
    ops::selection::WandSettings wandSettings() const;
    QSpinBox* selectionStepBox() const { return step_; }
    QPushButton* growButton() const { return growSelection_; }
    QPushButton* shrinkButton() const { return shrinkSelection_; }

signals:
    void wandSettingsChanged(const ops::selection::WandSettings& settings);

private:
    QComboBox* engine_;
    QSpinBox* grow_;
    QSpinBox* feather_;
    QCheckBox* autoApply_;
    QSpinBox* step_;
    QPushButton* growSelection_;
    QPushButton* shrinkSelection_;
    QSpinBox* wandTolerance_;
    QCheckBox* wandContiguous_;
};

}  // namespace pm::ui
