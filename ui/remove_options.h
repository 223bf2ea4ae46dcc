#pragma once
// Options of Remove object: engine, mask grow, seam feather, apply when a stroke ends; or, as the
// engine, "Fill from a prompt (PowerPaint)" with its own options (issue 18).
#include <QWidget>

#include "core/ops/remove/remove_object.h"

class QCheckBox;
class QComboBox;
class QFormLayout;
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

signals:
    /// blockReason() may have changed.
    void readinessChanged();

private:
    void showMethodRows();

    QFormLayout* form_;
    PromptFillOptions* prompt_;
    QComboBox* engine_;
    QSpinBox* grow_;
    QSpinBox* feather_;
    QCheckBox* autoApply_;
};

}  // namespace pm::ui
