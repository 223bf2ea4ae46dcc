#include "ui/prompt_fill_options.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRandomGenerator>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>

namespace pm::ui {

using engine::PromptFillTask;

namespace {
constexpr const char* kMeasuredStepKey = "promptFill/cpuSecondsPerStep";
}  // namespace

PromptFillOptions::PromptFillOptions(QWidget* parent) : QWidget(parent) {
    // The notes sit in a box layout around the form: a form's spanning row gives a wrapped label
    // too little height (the second line was clipped in the Modes dock).
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    modelNote_ = new QLabel(this);
    modelNote_->setWordWrap(true);
    modelNote_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    column->addWidget(modelNote_);
    form_ = new QFormLayout;
    form_->setContentsMargins(0, 0, 0, 0);
    column->addLayout(form_);

    task_ = new QComboBox(this);
    task_->addItem(tr("Fill with a prompt"), int(PromptFillTask::Fill));
    task_->addItem(tr("Remove with context"), int(PromptFillTask::Remove));
    task_->addItem(tr("Extend the canvas"), int(PromptFillTask::Outpaint));
    task_->addItem(tr("Shape-guided insert"), int(PromptFillTask::Shape));
    task_->setToolTip(tr("Fill: the prompt says what appears in the painted area. Remove: the area is "
                         "filled from its surroundings. Extend: new canvas around the photo. Shape: an "
                         "object that follows the painted shape."));
    form_->addRow(tr("Task:"), task_);

    prompt_ = new QLineEdit(this);
    prompt_->setPlaceholderText(tr("What should appear, e.g. a wooden bench"));
    prompt_->setClearButtonEnabled(true);
    form_->addRow(tr("Prompt:"), prompt_);
    negative_ = new QLineEdit(this);
    negative_->setPlaceholderText(tr("What should not appear"));
    negative_->setClearButtonEnabled(true);
    form_->addRow(tr("Negative prompt:"), negative_);

    fitting_ = new QSlider(Qt::Horizontal, this);
    fitting_->setRange(0, 100);
    fitting_->setValue(100);
    fitting_->setToolTip(tr("How closely the object follows the painted shape (right: exactly)"));
    form_->addRow(tr("Fitting degree:"), fitting_);

    // Outpainting: which sides grow, and by how many pixels (the model works in multiples of 8).
    sidesRow_ = new QWidget(this);
    auto* sides = new QHBoxLayout(sidesRow_);
    sides->setContentsMargins(0, 0, 0, 0);
    const QString sideNames[4] = {tr("Left"), tr("Right"), tr("Top"), tr("Bottom")};
    for (int i = 0; i < 4; ++i) {
        sides_[i] = new QCheckBox(sideNames[i], sidesRow_);
        sides->addWidget(sides_[i]);
        connect(sides_[i], &QCheckBox::toggled, this, &PromptFillOptions::readinessChanged);
    }
    sides_[1]->setChecked(true);
    form_->addRow(tr("Extend:"), sidesRow_);
    extendPixels_ = new QSpinBox(this);
    extendPixels_->setRange(8, 4096);
    extendPixels_->setSingleStep(8);
    extendPixels_->setValue(256);
    extendPixels_->setSuffix(tr(" px"));
    form_->addRow(tr("Extend by:"), extendPixels_);

    steps_ = new QSpinBox(this);
    steps_->setRange(1, 150);
    steps_->setValue(kGpuDefaultSteps);
    steps_->setToolTip(tr("More steps: finer detail, slower"));
    connect(steps_, &QSpinBox::valueChanged, this, [this] { stepsChosen_ = true; });
    form_->addRow(tr("Steps:"), steps_);
    guidance_ = new QDoubleSpinBox(this);
    guidance_->setRange(0.0, 30.0);
    guidance_->setSingleStep(0.5);
    guidance_->setDecimals(1);
    guidance_->setValue(7.5);
    guidance_->setToolTip(tr("How strongly the prompt is followed; 10 or more helps to remove and extend"));
    form_->addRow(tr("Guidance:"), guidance_);

    auto* seedRow = new QWidget(this);
    auto* seedLayout = new QHBoxLayout(seedRow);
    seedLayout->setContentsMargins(0, 0, 0, 0);
    seed_ = new QSpinBox(seedRow);
    seed_->setRange(0, 999999999);
    seed_->setValue(24);
    seed_->setToolTip(tr("The same seed and settings give the same result; variation k uses seed + k"));
    newSeed_ = new QToolButton(seedRow);
    newSeed_->setText(tr("New seed"));
    connect(newSeed_, &QToolButton::clicked, this,
            [this] { seed_->setValue(int(QRandomGenerator::global()->bounded(seed_->maximum()))); });
    seedLayout->addWidget(seed_, 1);
    seedLayout->addWidget(newSeed_);
    form_->addRow(tr("Seed:"), seedRow);
    variations_ = new QSpinBox(this);
    variations_->setRange(1, kMaxVariations);
    variations_->setValue(1);
    variations_->setToolTip(tr("Several results to pick from, each with its own seed"));
    form_->addRow(tr("Variations:"), variations_);

    // Short lines: the mode's dock shares the window's height with the history.
    cpuNote_ = new QLabel(this);
    cpuNote_->setWordWrap(true);
    cpuNote_->setVisible(false);
    column->addWidget(cpuNote_);
    // The last session's measured CPU step, so even its first fill is timed before it starts.
    measuredStep_ = QSettings().value(QLatin1String(kMeasuredStepKey), 0.0).toDouble();
    updateCpuNote();
    connect(steps_, &QSpinBox::valueChanged, this, &PromptFillOptions::updateCpuNote);
    connect(variations_, &QSpinBox::valueChanged, this, &PromptFillOptions::updateCpuNote);

    connect(task_, &QComboBox::currentIndexChanged, this, [this] {
        showTaskRows();
        emit readinessChanged();
    });
    connect(prompt_, &QLineEdit::textChanged, this, &PromptFillOptions::readinessChanged);
    showTaskRows();
    refreshModel();
}

void PromptFillOptions::showTaskRows() {
    const auto task = PromptFillTask(task_->currentData().toInt());
    form_->setRowVisible(fitting_, task == PromptFillTask::Shape);
    form_->setRowVisible(sidesRow_, task == PromptFillTask::Outpaint);
    form_->setRowVisible(extendPixels_, task == PromptFillTask::Outpaint);
}

bool PromptFillOptions::isRowShown(QWidget* field) const {
    for (int row = 0; row < form_->rowCount(); ++row) {
        QLayoutItem* item = form_->itemAt(row, QFormLayout::FieldRole);
        if (!item) item = form_->itemAt(row, QFormLayout::SpanningRole);
        if (item && item->widget() == field) return field->isVisibleTo(const_cast<PromptFillOptions*>(this));
    }
    return false;
}

void PromptFillOptions::setModelFolder(const QString& folder) {
    modelFolder_ = folder;
    refreshModel();
}

void PromptFillOptions::refreshModel() {
    std::string problem;
    modelInstalled_ = engine::promptFillModelInstalled(modelFolder_.toStdString(), &problem);
    modelNote_->setText(modelInstalled_ ? QString()
                                        : tr("No prompt-fill model is installed: download or import one with "
                                             "Edit > Models…"));
    // The reason names the file the loader would miss (in English, from the engine).
    modelNote_->setToolTip(modelInstalled_ ? QString()
                                           : tr("Looked in %1: %2")
                                                 .arg(QDir::toNativeSeparators(modelFolder_),
                                                      QString::fromStdString(problem)));
    modelNote_->setVisible(!modelInstalled_);
    emit readinessChanged();
}

void PromptFillOptions::setCpu(bool cpu) {
    cpuNote_->setVisible(cpu);
    if (!stepsChosen_) {
        const QSignalBlocker quiet(steps_);  // a default, not the user's choice
        steps_->setValue(cpu ? kCpuDefaultSteps : kGpuDefaultSteps);
    }
    updateCpuNote();
}

void PromptFillOptions::setMeasuredStep(double secondsPerStep) {
    if (!(secondsPerStep > 0.0)) return;
    measuredStep_ = secondsPerStep;
    QSettings().setValue(QLatin1String(kMeasuredStepKey), secondsPerStep);
    updateCpuNote();
}

void PromptFillOptions::updateCpuNote() {
    if (measuredStep_ <= 0.0) {
        cpuNote_->setText(tr("On the CPU this takes minutes; the time left shows after the first step."));
        return;
    }
    // The next fill's working size is not known before it runs (the mask decides it): the last
    // fill's pace is the estimate, said as "about".
    const int steps = steps_->value() * variations_->value();
    const double seconds = measuredStep_ * steps;
    const QString total = seconds < 90 ? tr("%1 s").arg(int(std::ceil(seconds)))
                                       : tr("%1 min").arg(int(std::ceil(seconds / 60.0)));
    cpuNote_->setText(tr("On the CPU this takes about %1: %2 steps of %3 s, as measured at the last fill. "
                         "Fewer steps are faster.")
                          .arg(total)
                          .arg(steps)
                          .arg(measuredStep_, 0, 'f', 1));
}

QString PromptFillOptions::blockReason() const {
    if (!modelInstalled_)
        return tr("No prompt-fill model is installed: download or import PowerPaint v1 or SD-1.5 inpainting "
                  "with Edit > Models…");
    const auto task = PromptFillTask(task_->currentData().toInt());
    if ((task == PromptFillTask::Fill || task == PromptFillTask::Shape) && prompt_->text().trimmed().isEmpty())
        return tr("Describe what should appear in the prompt first.");
    if (task == PromptFillTask::Outpaint && settings().extend.empty())
        return tr("Choose at least one side to extend.");
    return {};
}

engine::PromptFillSettings PromptFillOptions::settings() const {
    engine::PromptFillSettings s;
    s.task = PromptFillTask(task_->currentData().toInt());
    s.prompt = prompt_->text().trimmed().toStdString();
    s.negativePrompt = negative_->text().trimmed().toStdString();
    s.fitting = fitting_->value() / 100.0;
    s.steps = steps_->value();
    s.guidance = guidance_->value();
    s.seed = uint64_t(seed_->value());
    s.variations = variations_->value();
    if (s.task == PromptFillTask::Outpaint) {
        const int px = extendPixels_->value();
        s.extend = {sides_[0]->isChecked() ? px : 0, sides_[1]->isChecked() ? px : 0,
                    sides_[2]->isChecked() ? px : 0, sides_[3]->isChecked() ? px : 0};
    }
    return s;
}

}  // namespace pm::ui
