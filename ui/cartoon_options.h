#pragma once
// Options of Cartoonize: the style, how strongly the cartoon replaces the photo, and the output
// size (other than the original, the cartoon opens as a new photo: the edited one keeps its size).
#include <QWidget>

#include "core/ops/cartoon/cartoon.h"

class QComboBox;
class QSlider;

namespace pm::ui {

class CartoonOptions : public QWidget {
    Q_OBJECT
public:
    explicit CartoonOptions(QWidget* parent = nullptr);
    ops::CartoonParams params() const;
    QSlider* strengthSlider() const { return strength_; }
    QComboBox* styleBox() const { return style_; }
    QComboBox* sizeBox() const { return size_; }

signals:
    /// The style or the strength changed: the app refreshes the live preview.
    void changed();

private:
    QComboBox* style_;
    QSlider* strength_;
    QComboBox* size_;
};

}  // namespace pm::ui
