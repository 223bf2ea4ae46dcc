#include "ui/model_hint.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSettings>
#include <QStyle>
#include <QToolButton>

#include "ui/model_manager.h"

namespace pm::ui {
namespace {

QString settingsKey(const QString& modelId) { return QStringLiteral("modelHints/dismissed/") + modelId; }

QString sentenceFor(const QString& task) {
    if (task == QLatin1String("inpaint")) return ModelHint::tr("Install LaMa for better large fills.");
    if (task == QLatin1String("face")) return ModelHint::tr("Install GPEN for better faces.");
    // Cartoonize works without a model: the hint must not read as if it needed one.
    if (task == QLatin1String("cartoon"))
        return ModelHint::tr("Install AnimeGANv2 for its painted anime look; the built-in cartoon needs no model.");
    return {};
}

}  // namespace

ModelHint::ModelHint(ModelManager* manager, QWidget* parent) : QFrame(parent), manager_(manager) {
    setFrameShape(QFrame::StyledPanel);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 4, 2, 4);
    label_ = new QLabel(this);
    label_->setWordWrap(true);
    label_->setTextFormat(Qt::RichText);
    layout->addWidget(label_, 1);
    close_ = new QToolButton(this);
    close_->setAutoRaise(true);
    close_->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    close_->setToolTip(tr("Hide this tip"));
    layout->addWidget(close_, 0, Qt::AlignTop);
    connect(close_, &QToolButton::clicked, this, &ModelHint::closeForSession);
    connect(label_, &QLabel::linkActivated, this, [this](const QString& link) {
        if (link == QLatin1String("dismiss")) dismissForGood();
        else emit openModelsRequested(modelId_);
    });
    // An installed model ends its hint; a removed one does not bring it back this session.
    connect(manager_, &ModelManager::filesChanged, this, &ModelHint::reconsider);
    connect(manager_, &ModelManager::modelsChanged, this, &ModelHint::reconsider);
    hide();
}

QString ModelHint::taskFor(Mode mode) {
    switch (mode) {
    case Mode::RemoveObject: return QStringLiteral("inpaint");
    case Mode::RepairOldPhoto:
    case Mode::RestoreFaces: return QStringLiteral("face");
    case Mode::Cartoonize: return QStringLiteral("cartoon");
    }
    return {};
}

bool ModelHint::isDismissed(const QString& modelId) {
    return QSettings().value(settingsKey(modelId), false).toBool();
}

QString ModelHint::text() const { return label_->text(); }

void ModelHint::setMode(Mode mode) {
    if (modeKnown_ && mode == mode_) return;
    modeKnown_ = true;
    mode_ = mode;
    showing_ = !seen_.contains(int(mode));
    reconsider();
}

void ModelHint::reconsider() {
    engine::ModelEntry entry;
    const bool missing = modeKnown_ && showing_ && manager_->missingModelFor(taskFor(mode_), &entry);
    modelId_ = missing ? QString::fromStdString(entry.id) : QString();
    if (!missing || isDismissed(modelId_)) {
        hide();
        return;
    }
    label_->setText(QStringLiteral("%1 <a href=\"open\">%2</a> · <a href=\"dismiss\">%3</a>")
                        .arg(sentenceFor(taskFor(mode_)).toHtmlEscaped(),
                             tr("Models…").toHtmlEscaped(), tr("Don't show again").toHtmlEscaped()));
    show();
    seen_.insert(int(mode_));  // its one showing this session
}

void ModelHint::dismissForGood() {
    if (!modelId_.isEmpty()) QSettings().setValue(settingsKey(modelId_), true);
    closeForSession();
}

void ModelHint::closeForSession() {
    showing_ = false;
    hide();
}

}  // namespace pm::ui
