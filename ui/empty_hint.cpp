#include "ui/empty_hint.h"

#include <QKeySequence>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace pm::ui {

EmptyHint::EmptyHint(const QKeySequence& openShortcut, QWidget* parent) : QWidget(parent) {
    setAutoFillBackground(true);
    auto* layout = new QVBoxLayout(this);
    layout->addStretch(1);
    text_ = new QLabel(tr("Drop photos here or press %1").arg(openShortcut.toString(QKeySequence::NativeText)), this);
    text_->setAlignment(Qt::AlignCenter);
    QFont font = text_->font();
    font.setPointSizeF(font.pointSizeF() * 1.4);
    text_->setFont(font);
    text_->setEnabled(false);  // the palette's muted text colour: a hint, not content
    layout->addWidget(text_);
    open_ = new QPushButton(tr("Open Photos…"), this);
    layout->addWidget(open_, 0, Qt::AlignHCenter);
    layout->addStretch(1);
    connect(open_, &QPushButton::clicked, this, &EmptyHint::openRequested);
}

QString EmptyHint::text() const { return text_->text(); }

}  // namespace pm::ui
