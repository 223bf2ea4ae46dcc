#pragma once
// The list of repair modes with the current mode's options, Apply, Cancel and a progress bar.
// Modes that are not built yet are listed but disabled, with a tooltip saying so.
#include <QWidget>

#include "core/ops/remove/remove_object.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace pm::ui {

enum class Mode { RemoveObject = 0, RepairOldPhoto, RestoreFaces, Cartoonize };

class ModePanel : public QWidget {
    Q_OBJECT
public:
    explicit ModePanel(QWidget* parent = nullptr);

    Mode currentMode() const;
    bool isModeEnabled(Mode mode) const;
    ops::RemoveParams removeParams() const;
    bool autoApply() const;

    void setBusy(bool busy);
    void setProgress(int percent, const QString& stage);
    void setEngineNote(const QString& note);

    QPushButton* applyButton() const { return apply_; }
    QPushButton* cancelButton() const { return cancel_; }
    QCheckBox* autoApplyBox() const { return autoApply_; }
    QListWidget* modeList() const { return modes_; }

signals:
    void applyRequested();
    void cancelRequested();

private:
    QListWidget* modes_;
    QComboBox* engine_;
    QSpinBox* grow_;
    QSpinBox* feather_;
    QCheckBox* autoApply_;
    QPushButton* apply_;
    QPushButton* cancel_;
    QProgressBar* progress_;
    QLabel* stage_;
    QLabel* engineNote_;
};

}  // namespace pm::ui
