#pragma once
// Options of Repair old photo: which steps to run and how strongly, and a button that detects
// scratches and dust as an editable mask before applying.
#include <QWidget>

#include "core/ops/repair/repair_chain.h"

class QCheckBox;
class QPushButton;
class QSlider;

namespace pm::ui {

class RepairOptions : public QWidget {
    Q_OBJECT
public:
    explicit RepairOptions(QWidget* parent = nullptr);
    ops::RepairParams params() const;
    void setStepEnabled(ops::RepairStep step, bool on);
    QPushButton* detectButton() const { return detect_; }

signals:
    void detectDamageRequested();
    /// A tone slider moved: the app refreshes the live preview.
    void toneChanged();

private:
    QCheckBox* scratches_;
    QCheckBox* color_;
    QCheckBox* denoise_;
    QCheckBox* sharpen_;
    QCheckBox* faces_;
    QSlider* sensitivity_;
    QSlider* colorStrength_;
    QSlider* denoiseStrength_;
    QSlider* sharpenAmount_;
    QSlider* fidelity_;
    QPushButton* detect_;
};

}  // namespace pm::ui
