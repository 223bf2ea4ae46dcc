#pragma once
// Options of Remove object: engine, mask grow, seam feather, apply when a stroke ends; or, as the
// engine, "Fill from a prompt (PowerPaint)" with its own options (issue 18).
#include <QWidget>

#include "core/ops/remove/remove_object.h"
#include "core/ops/selection/mask_tools.h"

class QCheckBox;
class QComboBox;
class QFormLayout;
class QPushButton;
class QSpinBox;

namespace pm::ui {

class PromptFillOptions;

class RemoveOptions : public QWidget {
    Q_OBJECT
public:
    explicit RemoveOptions(QWidget* parent = nullptr);
    ops::RemoveParams params() const;
    /// Never with the prompt fill: a run takes seconds to minutes, not one per stroke.
    bool autoApply() const;
    QCheckBox* autoApplyBox() const { return autoApply_; }
    /// "Fill from a prompt (PowerPaint)" is chosen.
    bool usesPrompt() const;
    void setUsesPrompt(bool prompt);
    QComboBox* engineBox() const { return engine_; }
    PromptFillOptions* promptOptions() const { return prompt_; }
    /// Why Apply cannot start with these options; "" when it can.
    QString blockReason() const;

    /// Pixels the Grow and Shrink buttons change the mask by.
    int selectionStep() const;
    ops::selection::WandSettings wandSettings() const;
    QSpinBox* selectionStepBox() const { return step_; }
    QPushButton* growButton() const { return growSelection_; }
    QPushButton* shrinkButton() const { return shrinkSelection_; }

signals:
    /// blockReason() may have changed.
    void readinessChanged();
    void wandSettingsChanged(const ops::selection::WandSettings& settings);

private:
    void showMethodRows();

    QFormLayout* form_;
    PromptFillOptions* prompt_;
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
