#pragma once
// Options of "Fill from a prompt (PowerPaint)" in the Remove/Fill mode (issue 18): the prompt and
// negative prompt, PowerPaint's task, the task's own settings (fitting degree for a shape-guided
// insert, sides and pixels to extend the canvas), steps, guidance, seed and how many variations.
// It also says why Apply cannot run yet: no prompt-fill model installed, no prompt, no side to extend.
#include <QWidget>

#include "core/engine/prompt_fill_request.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSlider;
class QSpinBox;
class QToolButton;

namespace pm::ui {

class PromptFillOptions : public QWidget {
    Q_OBJECT
public:
    static constexpr int kGpuDefaultSteps = 45;  // PowerPaint's own default
    static constexpr int kCpuDefaultSteps = 20;  // a CPU step takes seconds: fewer by default
    static constexpr int kMaxVariations = 4;

    explicit PromptFillOptions(QWidget* parent = nullptr);

    engine::PromptFillSettings settings() const;
    /// The diffusers folder the model is looked for in; re-checks whether it is installed.
    void setModelFolder(const QString& folder);
    QString modelFolder() const { return modelFolder_; }
    /// Checks again whether the model is installed (after Edit > Models… or an engine reload).
    void refreshModel();
    bool modelInstalled() const { return modelInstalled_; }
    /// The engine runs on the CPU: say it is slow and use fewer steps unless the user chose them.
    void setCpu(bool cpu);
    /// What a step took at the last fill on the CPU: from then on (and in later sessions) the note
    /// tells how long the next fill takes before it starts, for the steps and variations chosen.
    void setMeasuredStep(double secondsPerStep);
    /// Why Apply cannot start now, for its tooltip; "" when it can.
    QString blockReason() const;

    QComboBox* taskBox() const { return task_; }
    QLineEdit* promptEdit() const { return prompt_; }
    QLineEdit* negativeEdit() const { return negative_; }
    QSlider* fittingSlider() const { return fitting_; }
    QSpinBox* extendPixelsBox() const { return extendPixels_; }
    QCheckBox* sideBox(int index) const { return sides_[index]; }  ///< 0 left, 1 right, 2 top, 3 bottom
    QSpinBox* stepsBox() const { return steps_; }
    QDoubleSpinBox* guidanceBox() const { return guidance_; }
    QSpinBox* seedBox() const { return seed_; }
    QToolButton* newSeedButton() const { return newSeed_; }
    QSpinBox* variationsBox() const { return variations_; }
    QLabel* modelNote() const { return modelNote_; }
    QLabel* cpuNote() const { return cpuNote_; }
    /// Whether the row holding `field` is shown (the task decides which rows are).
    bool isRowShown(QWidget* field) const;

signals:
    /// blockReason() may have changed.
    void readinessChanged();

private:
    void showTaskRows();
    void updateCpuNote();

    QFormLayout* form_;
    QComboBox* task_;
    QLineEdit* prompt_;
    QLineEdit* negative_;
    QSlider* fitting_;
    QWidget* sidesRow_;
    QCheckBox* sides_[4];
    QSpinBox* extendPixels_;
    QSpinBox* steps_;
    QDoubleSpinBox* guidance_;
    QSpinBox* seed_;
    QToolButton* newSeed_;
    QSpinBox* variations_;
    QLabel* modelNote_;
    QLabel* cpuNote_;
    QString modelFolder_;
    bool modelInstalled_ = false;
    bool stepsChosen_ = false;  ///< the user set the steps: the CPU default leaves them alone
    double measuredStep_ = 0.0;  ///< seconds a CPU step took at the last fill; 0 = not measured yet
};

}  // namespace pm::ui
