#pragma once
// "Install LaMa for better large fills": a line in the options panel that says which model would
// improve the current tool, without nagging. It shows the first time each mode is visited in a
// session while that mode's model is missing, never again in the session once the mode is left or
// the hint is closed, and never again at all after "Don't show again" (kept in QSettings).
#include <QFrame>
#include <QSet>

#include "ui/mode_panel.h"

class QLabel;
class QToolButton;

namespace pm::ui {

class ModelManager;

class ModelHint : public QFrame {
    Q_OBJECT
public:
    explicit ModelHint(ModelManager* manager, QWidget* parent = nullptr);

    /// The mode now shown; decides whether the hint appears.
    void setMode(Mode mode);
    /// The model the hint is about ("" when hidden).
    QString modelId() const { return isHidden() ? QString() : modelId_; }
    QString text() const;
    /// "Don't show again": the hint of this model never comes back.
    void dismissForGood();
    /// Closes it for this session.
    void closeForSession();
    static bool isDismissed(const QString& modelId);
    /// The manifest task whose model improves `mode`.
    static QString taskFor(Mode mode);

signals:
    /// The link was clicked: open Edit > Models… at this model.
    void openModelsRequested(const QString& modelId);

private:
    void reconsider();

    ModelManager* manager_;
    QLabel* label_;
    QToolButton* close_;
    Mode mode_ = Mode::RemoveObject;
    bool modeKnown_ = false;
    QString modelId_;
    QSet<int> seen_;    ///< modes whose hint had its one showing this session
    bool showing_ = false;  ///< the current mode's one showing is on now
};

}  // namespace pm::ui
