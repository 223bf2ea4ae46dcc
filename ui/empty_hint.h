#pragma once
// What the window shows while no photo is open: how to open one (drop, the shortcut, a button).
#include <QWidget>

class QKeySequence;
class QLabel;
class QPushButton;

namespace pm::ui {

class EmptyHint : public QWidget {
    Q_OBJECT
public:
    /// `openShortcut` is the Open action's key, named in the hint as the platform writes it.
    explicit EmptyHint(const QKeySequence& openShortcut, QWidget* parent = nullptr);

    QString text() const;
    QPushButton* openButton() const { return open_; }

signals:
    void openRequested();

private:
    QLabel* text_;
    QPushButton* open_;
};

}  // namespace pm::ui
