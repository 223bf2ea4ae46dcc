#include "ui/main_window.h"

#include <QAbstractSpinBox>
#include <QActionGroup>
#include <QKeyEvent>
#include <QLineEdit>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMimeData>
#include <QPointer>
#include <QPushButton>
#include <QSlider>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolBar>
#include <QUndoView>

#include "core/ops/selection/mask_tools.h"
#include "core/ops/split/split_scan.h"
#include "core/ops/tone/tone.h"
#include "model_store/model_files.h"
#include "model_store/model_folders.h"
#include "photo_io/photo_saver.h"
#include "ui/apply_controller.h"
#include "ui/batch_dialog.h"
#include "ui/canvas_widget.h"
#include "ui/click_selection.h"
#include "ui/cartoon_options.h"
#include "ui/document.h"
#include "ui/empty_hint.h"
#include "ui/engine_bridge.h"
#include "ui/faces_options.h"
#include "ui/model_hint.h"
#include "ui/model_manager.h"
#include "ui/models_dialog.h"
#include "ui/mode_jobs.h"
#include "ui/mode_panel.h"
#include "ui/preferences_dialog.h"
#include "ui/prompt_fill_options.h"
#include "ui/recent_files.h"
#include "ui/remove_options.h"
#include "ui/repair_options.h"
#include "ui/save_as_dialog.h"
#include "ui/split_scan_flow.h"
#include "ui/live_preview.h"
#include "ui/unsaved_changes_dialog.h"
#include "ui/variation_strip.h"

namespace pm::ui {

namespace {
constexpr double kSizeStep = 1.2;  // `[` and `]` scale the brush by this

QString openFilter() {
    QStringList patterns;
    for (const QString& ext : photo_io::supportedExtensions()) patterns << "*." + ext;
    return MainWindow::tr("Photos (%1);;All files (*)").arg(patterns.join(' '));
}
}  // namespace

MainWindow::MainWindow(const engine::EngineOptions& engineOptions, QWidget* parent)
    : QMainWindow(parent) {
    setAcceptDrops(true);
    resize(1280, 800);
    qApp->installEventFilter(this);
    bridge_ = new EngineBridge(engineOptions, this);
    apply_ = new ApplyController(bridge_, this);
    recent_ = new RecentFiles(this);
    splitFlow_ = new SplitScanFlow(bridge_, this);
    models_ = new ModelManager(bridge_, this);
    // An import (dropped or from Edit > Models…) checks and copies on a worker: say how far it is.
    connect(models_, &ModelManager::importProgress, this, [this](qint64 done, qint64 total) {
        statusBar()->showMessage(total > 0 ? tr("Importing the model: %1 %").arg(done * 100 / total)
                                           : tr("Importing the model…"));
    });
    models_->setDialogParent(this);
    connect(splitFlow_, &SplitScanFlow::photosChosen, this,
            qOverload<const image::LoadedPhoto&, const QString&, const cv::Mat&,
                      const std::vector<cv::RotatedRect>&>(&MainWindow::openSplitPhotos));

    tabs_ = new QTabWidget(this);
    tabs_->setTabsClosable(true);
    tabs_->setMovable(true);
    tabs_->setDocumentMode(true);
    emptyHint_ = new EmptyHint(QKeySequence(QKeySequence::Open), this);
    connect(emptyHint_, &EmptyHint::openRequested, this, &MainWindow::openDialog);
    central_ = new QStackedWidget(this);
    central_->addWidget(emptyHint_);
    central_->addWidget(tabs_);
    setCentralWidget(central_);
    connect(tabs_, &QTabWidget::currentChanged, this, &MainWindow::onCurrentTabChanged);
    // The hint while no tab is open; every tab added or closed changes the current tab.
    connect(tabs_, &QTabWidget::currentChanged, this, [this] {
        central_->setCurrentWidget(tabs_->count() > 0 ? static_cast<QWidget*>(tabs_) : emptyHint_);
    });
    connect(tabs_, &QTabWidget::tabCloseRequested, this, &MainWindow::closeDocument);

    createDocks();
    createActions();
    modelHint_ = new ModelHint(models_, modePanel_);
    modePanel_->setHintWidget(modelHint_);
    connect(modePanel_, &ModePanel::modeChanged, modelHint_, &ModelHint::setMode);
    connect(modelHint_, &ModelHint::openModelsRequested, this, [this](const QString& id) { showModelsDialog(id); });
    modelHint_->setMode(modePanel_->currentMode());

    engineLabel_ = new QLabel(tr("Starting engine…"), this);
    zoomLabel_ = new QLabel(this);
    statusBar()->addPermanentWidget(zoomLabel_);
    statusBar()->addPermanentWidget(engineLabel_);
    connect(bridge_, &EngineBridge::stateChanged, this, [this](const QString& message, bool) {
        engineLabel_->setText(QStringLiteral("%1 — %2").arg(bridge_->deviceDescription(), message));
    });

    connect(apply_, &ApplyController::busyChanged, modePanel_, &ModePanel::setBusy);
    connect(apply_, &ApplyController::progress, modePanel_, &ModePanel::setProgress);
    connect(apply_, &ApplyController::applied, this, [this](const QString& summary, Document* document) {
        // The note belongs to the photo it is about, which may be a background tab by now.
        modePanel_->setEngineNote(document, summary);
        statusBar()->showMessage(document == currentDocument()
                                     ? summary
                                     : tr("%1: %2").arg(document->displayName(), summary),
                                 8000);
    });
    connect(apply_, &ApplyController::cancelled, this,
            [this] { statusBar()->showMessage(tr("Cancelled; nothing was changed."), 5000); });
    connect(apply_, &ApplyController::failed, this, &MainWindow::showError);
    connect(modePanel_, &ModePanel::applyRequested, this, &MainWindow::applyCurrentMode);
    connect(modePanel_, &ModePanel::cancelRequested, apply_, &ApplyController::cancel);
    // Prompt fill (issue 18): the model is looked for in the engine's models folder, and again
    // whenever the engine (re)loads, e.g. after Edit > Models…; a CPU engine is said to be slow.
    PromptFillOptions* promptOptions = modePanel_->removeOptions()->promptOptions();
    promptOptions->setModelFolder(models_->promptFillFolder());
    // A prompt-fill folder installed or removed with Edit > Models… is used at once, no restart.
    connect(models_, &ModelManager::filesChanged, promptOptions,
            [this, promptOptions] { promptOptions->setModelFolder(models_->promptFillFolder()); });
    connect(bridge_, &EngineBridge::stateChanged, promptOptions, [this, promptOptions](const QString&, bool ready) {
        promptOptions->refreshModel();
        if (ready) promptOptions->setCpu(!bridge_->engine().device().cuda);
    });
    VariationStrip* strip = modePanel_->variationStrip();
    connect(apply_, &ApplyController::choicesReady, strip, &VariationStrip::offer);
    connect(strip, &VariationStrip::previewChanged, this, [this](Document* document, const QImage& preview) {
        if (CanvasWidget* canvas = canvasOf(document)) canvas->setPreview(preview);
    });
    connect(strip, &VariationStrip::used, this, [this](const QString& summary, Document* document) {
        modePanel_->setEngineNote(document, summary);
        statusBar()->showMessage(summary, 8000);
    });
    connect(strip, &VariationStrip::failed, this, &MainWindow::showError);
    connect(modePanel_->repairOptions(), &RepairOptions::detectDamageRequested, this, &MainWindow::detectDamage);
    tonePreview_ = new LivePreview(bridge_, this);
    connect(modePanel_->repairOptions(), &RepairOptions::toneChanged, this, [this] {
        if (Document* d = currentDocument())
            tonePreview_->request(d, [tone = modePanel_->repairOptions()->params().tone](const cv::Mat& photo) {
                return ops::previewTone(photo, tone);
            });
    });
    connect(tonePreview_, &LivePreview::ready, this, [this](Document* document, const QImage& preview) {
        if (document == currentDocument() && modePanel_->currentMode() == Mode::RepairOldPhoto && !apply_->isBusy())
            currentCanvas()->setPreview(preview);
    });
    // The preview ends whenever what it previewed is no longer pending.
    auto endPreview = [this] { if (CanvasWidget* c = currentCanvas()) c->setPreview({}); };
    connect(modePanel_, &ModePanel::modeChanged, this, endPreview);
    connect(apply_, &ApplyController::busyChanged, this, endPreview);
    // Cartoonize previews as soon as the mode is chosen and again whenever its options change.
    cartoonPreview_ = new LivePreview(bridge_, this);
    auto previewCartoon = [this] {
        if (Document* d = currentDocument(); d && modePanel_->currentMode() == Mode::Cartoonize)
            cartoonPreview_->request(d, [params = modePanel_->cartoonOptions()->params()](const cv::Mat& photo) {
                return ops::previewCartoon(photo, params);
            });
    };
    connect(modePanel_->cartoonOptions(), &CartoonOptions::changed, this, previewCartoon);
    connect(modePanel_, &ModePanel::modeChanged, this, previewCartoon);
    connect(cartoonPreview_, &LivePreview::ready, this, [this](Document* document, const QImage& preview) {
        if (document == currentDocument() && modePanel_->currentMode() == Mode::Cartoonize && !apply_->isBusy())
            currentCanvas()->setPreview(preview);
    });

    savePrompt_ = [this](Document* document) {
        std::unique_ptr<QMessageBox> box(createCloseDocumentQuestion(this, *document));
        return QMessageBox::StandardButton(box->exec());
    };
    saveAllPrompt_ = [this](const QList<Document*>& documents) {
        UnsavedChangesDialog dialog(documents, this);
        dialog.exec();
        return dialog.choice();
    };
    saveAsPrompt_ = [this](Document* document) {
        return askSaveAsPath(this, tr("Save “%1” As").arg(document->displayName()), document->path());
    };
    updateTitle();
}

MainWindow::~MainWindow() = default;

bool MainWindow::eventFilter(QObject* watched, QEvent* event) {
    if ((event->type() == QEvent::KeyPress || event->type() == QEvent::KeyRelease) &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_Backslash) {
        auto* key = static_cast<QKeyEvent*>(event);
        auto* widget = qobject_cast<QWidget*>(watched);
        const bool typing = qobject_cast<QLineEdit*>(QApplication::focusWidget()) ||
                            qobject_cast<QAbstractSpinBox*>(QApplication::focusWidget());
        if (widget && widget->window() == this && !typing && currentCanvas()) {
            if (!key->isAutoRepeat()) currentCanvas()->setShowOriginal(event->type() == QEvent::KeyPress);
            return true;
        }
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::createDocks() {
    modePanel_ = new ModePanel(this);
    auto* modeDock = new QDockWidget(tr("Modes"), this);
    modeDock->setObjectName("modes");
    modeDock->setWidget(modePanel_);
    addDockWidget(Qt::RightDockWidgetArea, modeDock);

    history_ = new QUndoView(this);
    history_->setEmptyLabel(tr("Opened"));
    auto* historyDock = new QDockWidget(tr("History"), this);
    historyDock->setObjectName("history");
    historyDock->setWidget(history_);
    addDockWidget(Qt::RightDockWidgetArea, historyDock);
}

void MainWindow::createActions() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open…"), QKeySequence::Open, this, &MainWindow::openDialog);
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    connect(recentMenu_, &QMenu::aboutToShow, this, [this] { recent_->populate(recentMenu_); });
    connect(recent_, &RecentFiles::openRequested, this, [this](const QString& p) { openFiles({p}); });
    file->addSeparator();
    file->addAction(tr("S&plit Scanned Photos…"), this, &MainWindow::splitScan);
    file->addAction(tr("Split Scanned Photos from &File…"), this, &MainWindow::splitScanFiles);
    file->addAction(tr("&Batch Repair…"), this, &MainWindow::showBatchDialog);
    file->addSeparator();
    file->addAction(tr("&Save"), QKeySequence::Save, this, [this] {
        if (Document* d = currentDocument()) saveToOwnFile(d);
    });
    QAction* saveAs = file->addAction(tr("Save &As / Export…"), this, &MainWindow::saveAsDialog);
    // QKeySequence::SaveAs is empty on some platforms (X11 without a desktop's key theme).
    saveAs->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S)});
    file->addAction(tr("&Close"), QKeySequence::Close, this, [this] { closeDocument(tabs_->currentIndex()); });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    undoAction_ = edit->addAction(tr("&Undo"), QKeySequence::Undo, this, [this] {
        if (Document* d = currentDocument()) d->undo();
    });
    redoAction_ = edit->addAction(tr("&Redo"), QKeySequence(tr("Ctrl+Shift+Z")), this, [this] {
        if (Document* d = currentDocument()) d->redo();
    });
    edit->addSeparator();
    edit->addAction(tr("&Clear Mask"), QKeySequence(tr("Ctrl+Shift+A")), this, [this] {
        if (Document* d = currentDocument()) d->clearMask();
    });
    edit->addAction(tr("&Invert Mask"), QKeySequence(tr("Ctrl+I")), this, [this] {
        if (Document* d = currentDocument()) d->invertMask();
    });
    edit->addAction(tr("&Grow Mask"), this, [this] { growMask(+1); });
    edit->addAction(tr("S&hrink Mask"), this, [this] { growMask(-1); });
    QAction* feather = edit->addAction(tr("&Feather Mask…"), this, [this] {
        if (!currentDocument() || !currentDocument()->hasMask()) return;
        bool ok = false;
        const int pixels = QInputDialog::getInt(this, tr("Feather Mask"), tr("Soften the mask's edge over (pixels):"),
                                                lastFeather_, 1, 200, 1, &ok);
        if (!ok) return;
        lastFeather_ = pixels;
        featherMask(pixels);
    });
    feather->setObjectName("featherMask");
    edit->addSeparator();
    edit->addAction(tr("&Apply"), QKeySequence(tr("Ctrl+Return")), this, &MainWindow::applyCurrentMode);
    edit->addSeparator();
    edit->addAction(tr("&Models…"), this, [this] { showModelsDialog(); });
    edit->addAction(tr("&Preferences…"), QKeySequence::Preferences, this, [this] {
        PreferencesDialog dialog(this);
        dialog.exec();
    });

    QMenu* view = menuBar()->addMenu(tr("&View"));
    auto onCanvas = [this](auto method) {
        return [this, method] { if (CanvasWidget* c = currentCanvas()) (c->*method)(); };
    };
    view->addAction(tr("&Fit to Window"), QKeySequence(tr("Ctrl+0")), this, onCanvas(&CanvasWidget::fitToWindow));
    view->addAction(tr("&Actual Size (100%)"), QKeySequence(tr("Ctrl+1")), this, onCanvas(&CanvasWidget::actualSize));
    QAction* zoomIn = view->addAction(tr("Zoom &In"), this, [this] { if (auto* c = currentCanvas()) c->zoomBy(1.25); });
    zoomIn->setShortcuts({QKeySequence(tr("+")), QKeySequence(tr("=")), QKeySequence::ZoomIn});
    QAction* zoomOut = view->addAction(tr("Zoom &Out"), this, [this] { if (auto* c = currentCanvas()) c->zoomBy(0.8); });
    zoomOut->setShortcuts({QKeySequence(tr("-")), QKeySequence::ZoomOut});
    view->addSeparator();
    splitAction_ = view->addAction(tr("&Split Before/After"));
    splitAction_->setCheckable(true);
    splitAction_->setShortcut(QKeySequence(tr("Ctrl+D")));
    connect(splitAction_, &QAction::toggled, this, [this](bool on) {
        if (CanvasWidget* c = currentCanvas()) c->setSplitCompare(on);
    });
    QAction* hint = view->addAction(tr("Hold \\ to See the Original"));
    hint->setEnabled(false);
    view->addSeparator();
    QAction* nextTab = view->addAction(tr("&Next Photo"), this, [this] { stepTab(+1); });
    nextTab->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Tab), QKeySequence(Qt::CTRL | Qt::Key_PageDown)});
    QAction* previousTab = view->addAction(tr("&Previous Photo"), this, [this] { stepTab(-1); });
    // Shift+Tab arrives as Backtab; both spellings so that any keyboard layout matches.
    previousTab->setShortcuts({QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Backtab),
                               QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Tab),
                               QKeySequence(Qt::CTRL | Qt::Key_PageUp)});

    QToolBar* tools = addToolBar(tr("Tools"));
    tools->setObjectName("tools");
    auto* group = new QActionGroup(this);
    QAction* brush = tools->addAction(tr("Brush"), this, [this] { setTool(0); });
    brush->setShortcut(QKeySequence(tr("B")));
    brush->setToolTip(tr("Brush (B): paint over what should go"));
    QAction* eraser = tools->addAction(tr("Eraser"), this, [this] { setTool(1); });
    eraser->setShortcut(QKeySequence(tr("E")));
    eraser->setToolTip(tr("Eraser (E): take parts out of the mask"));
    QAction* select = tools->addAction(tr("Select"), this, [this] { setTool(int(BrushTool::Select)); });
    select->setShortcut(QKeySequence(tr("S")));
    select->setToolTip(tr("Select (S): click an object to add it to the mask, Shift+click or right-click "
                          "where it is not, or drag a box around it"));
    QAction* wand = tools->addAction(tr("Magic Wand"), this, [this] { setTool(int(BrushTool::Wand)); });
    wand->setShortcut(QKeySequence(tr("W")));
    wand->setToolTip(tr("Magic Wand (W): click to add the similar colour to the mask, Shift+click to take it out"));
    QAction* scissors = tools->addAction(tr("Scissors"), this, [this] { setTool(int(BrushTool::Scissors)); });
    scissors->setShortcut(QKeySequence(tr("O")));
    scissors->setToolTip(tr("Scissors (O): click along an outline, it follows the edges; double-click or "
                            "click the first point to close it into the mask, Esc to cancel"));
    for (QAction* a : {brush, eraser, select, wand, scissors}) {
        a->setCheckable(true);
        group->addAction(a);
    }
    brush->setChecked(true);
    tools->addSeparator();
    tools->addWidget(new QLabel(tr(" Size "), this));
    sizeSlider_ = new QSlider(Qt::Horizontal, this);
    sizeSlider_->setRange(1, 500);
    sizeSlider_->setValue(int(brushSize_));
    sizeSlider_->setMaximumWidth(200);
    sizeSlider_->setToolTip(tr("Brush size in image pixels ([ and ])"));
    tools->addWidget(sizeSlider_);
    connect(sizeSlider_, &QSlider::valueChanged, this, [this](int v) { setBrushSize(v); });
    QAction* smaller = new QAction(tr("Smaller Brush"), this);
    smaller->setShortcut(QKeySequence(Qt::Key_BracketLeft));
    connect(smaller, &QAction::triggered, this, [this] { setBrushSize(brushSize_ / kSizeStep); });
    QAction* larger = new QAction(tr("Larger Brush"), this);
    larger->setShortcut(QKeySequence(Qt::Key_BracketRight));
    connect(larger, &QAction::triggered, this, [this] { setBrushSize(brushSize_ * kSizeStep); });
    addAction(smaller);
    addAction(larger);
    tools->addSeparator();
    tools->addAction(tr("Clear Mask"), this, [this] { if (auto* d = currentDocument()) d->clearMask(); });
    tools->addAction(tr("Invert Mask"), this, [this] { if (auto* d = currentDocument()) d->invertMask(); });

    RemoveOptions* removeOptions = modePanel_->removeOptions();
    connect(removeOptions->growButton(), &QPushButton::clicked, this, [this] { growMask(+1); });
    connect(removeOptions->shrinkButton(), &QPushButton::clicked, this, [this] { growMask(-1); });
    connect(removeOptions, &RemoveOptions::wandSettingsChanged, this, [this](const auto& settings) {
        for (int i = 0; i < tabs_->count(); ++i)
            static_cast<CanvasWidget*>(tabs_->widget(i))->setWandSettings(settings);
    });
}

void MainWindow::growMask(int direction) {
    Document* d = currentDocument();
    if (!d || !d->hasMask()) return;
    const int pixels = modePanel_->removeOptions()->selectionStep();
    d->setMask(ops::selection::growMask(d->mask(), direction * pixels),
               direction > 0 ? tr("Grow mask") : tr("Shrink mask"));
}

void MainWindow::featherMask(int pixels) {
    Document* d = currentDocument();
    if (!d || !d->hasMask() || pixels <= 0) return;
    d->setMask(ops::selection::featherMask(d->mask(), pixels), tr("Feather mask"));
}

void MainWindow::setTool(int tool) {
    tool_ = tool;
    for (int i = 0; i < tabs_->count(); ++i)
        static_cast<CanvasWidget*>(tabs_->widget(i))->setTool(BrushTool(tool));
    // Which selection answers the clicks is worth knowing: a model's edges differ from GrabCut's.
    if (BrushTool(tool) == BrushTool::Select && currentCanvas()) {
        const QString model = currentCanvas()->clickSelection()->modelName();
        statusBar()->showMessage(model.isEmpty()
                                     ? tr("Select uses the built-in selection (GrabCut); a segmentation model "
                                          "(Edit > Models…) selects objects better")
                                     : tr("Select uses %1").arg(model),
                                 8000);
    }
}

void MainWindow::setBrushSize(double diameter) {
    brushSize_ = std::clamp(diameter, 1.0, 500.0);
    const QSignalBlocker block(sizeSlider_);
    sizeSlider_->setValue(int(std::lround(brushSize_)));
    for (int i = 0; i < tabs_->count(); ++i)
        static_cast<CanvasWidget*>(tabs_->widget(i))->setBrushSize(brushSize_);
}

void MainWindow::openFiles(const QStringList& paths) {
    QStringList errors;
    for (const QString& path : paths) {
        QString error;
        Document* document = Document::open(path, &error);
        if (!document) {
            errors << error;
            continue;
        }
        addDocument(document);
        recent_->add(document->path());
        const std::string& warning = document->source().metadata.warning();
        if (!warning.empty())
            statusBar()->showMessage(tr("Opened without some of its metadata: %1").arg(QString::fromStdString(warning)), 10000);
    }
    if (!errors.isEmpty()) showError(errors.join('\n'));
}

void MainWindow::addDocument(Document* document) {
    auto* canvas = new CanvasWidget(document, tabs_);
    document->setParent(canvas);
    canvas->setBrushSize(brushSize_);
    canvas->setTool(BrushTool(tool_));
    canvas->setWandSettings(modePanel_->removeOptions()->wandSettings());
    canvas->clickSelection()->setEngine(bridge_);
    if (BrushTool(tool_) == BrushTool::Select) canvas->clickSelection()->prepareModel();
    connect(canvas->clickSelection(), &ClickSelection::busyChanged, this, [this, canvas](bool busy) {
        const QString model = canvas->clickSelection()->modelName();
        if (busy) statusBar()->showMessage(model.isEmpty() ? tr("Selecting…") : tr("Selecting with %1…").arg(model));
        else statusBar()->clearMessage();
    });
    connect(canvas->clickSelection(), &ClickSelection::modelFailed, this, [this](const QString& message) {
        statusBar()->showMessage(tr("The segmentation model failed, the built-in selection was used: %1").arg(message),
                                 10000);
    });
    connect(document, &Document::modifiedChanged, this, &MainWindow::updateTitle);
    connect(document, &Document::pathChanged, this, &MainWindow::updateTitle);
    connect(document, &Document::strokeFinished, this, [this, document] {
        if (modePanel_->currentMode() == Mode::RemoveObject &&
            modePanel_->removeOptions()->autoApply() && document == currentDocument())
            applyCurrentMode();
    });
    connect(canvas, &CanvasWidget::zoomChanged, this, [this, canvas](double zoom) {
        if (canvas == currentCanvas()) zoomLabel_->setText(QStringLiteral("%1%").arg(qRound(zoom * 100)));
    });
    const int index = tabs_->addTab(canvas, document->displayName());
    tabs_->setTabToolTip(index, document->path());
    tabs_->setCurrentIndex(index);
    updateTitle();
}

void MainWindow::splitScan() {
    if (apply_->isBusy()) return;
    if (Document* document = currentDocument())
        splitFlow_->splitDocument(document);
    else
        splitScanFiles();
}

void MainWindow::splitScanFiles() {
    const QStringList paths =
        QFileDialog::getOpenFileNames(this, tr("Split scans of several photos"), QString(), openFilter());
    if (!paths.isEmpty()) splitFlow_->splitFiles(paths);
}

void MainWindow::openSplitPhotos(Document* source, const cv::Mat& scan, const std::vector<cv::RotatedRect>& boxes) {
    openSplitPhotos(source->source(), source->path(), scan, boxes);
}

void MainWindow::openSplitPhotos(const image::LoadedPhoto& source, const QString& sourcePath, const cv::Mat& scan,
                                 const std::vector<cv::RotatedRect>& boxes) {
    const QFileInfo info(sourcePath);
    int n = 0;
    for (const cv::RotatedRect& box : boxes) {
        image::LoadedPhoto photo = source;
        photo.pixels = ops::extractPhoto(scan, box);
        const QString suggested = info.dir().filePath(
            QStringLiteral("%1-%2.%3").arg(info.completeBaseName()).arg(++n).arg(info.suffix()));
        auto* document = new Document(std::move(photo), suggested);
        document->setUntitled(true);
        addDocument(document);
    }
    statusBar()->showMessage(tr("Opened %n photo(s) from the scan; save each where you like.", nullptr, n), 8000);
}

void MainWindow::showBatchDialog() {
    auto* dialog = new BatchDialog(bridge_, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

ModelsDialog* MainWindow::showModelsDialog(const QString& modelId) {
    if (!modelsDialog_) {
        modelsDialog_ = new ModelsDialog(models_, this);
        // Closing the dialog hides it and its download goes on: its end is told here too.
        connect(modelsDialog_, &ModelsDialog::downloadFinished, this,
                [this](bool, const QString& text) { statusBar()->showMessage(text, 10000); });
    }
    modelsDialog_->refresh();
    if (!modelId.isEmpty()) modelsDialog_->selectModel(modelId);
    modelsDialog_->show();
    modelsDialog_->raise();
    modelsDialog_->activateWindow();
    return modelsDialog_;
}

QStringList MainWindow::importModelFiles(const QStringList& paths) {
    QStringList photos;
    QStringList problems;
    for (const QString& path : paths) {
        if (!models::looksLikeModelFile(path) && !models::looksLikeModelFolder(path)) {
            photos << path;
            continue;
        }
        QString id;
        const QString problem = models_->importFile(path, &id);
        if (!problem.isEmpty()) {
            problems << problem;
            continue;
        }
        QString name = id;
        for (const ModelRow& row : models_->rows())
            if (QString::fromStdString(row.entry.id) == id) name = QString::fromStdString(row.entry.name);
        statusBar()->showMessage(tr("%1 is installed; the engine is loading it.").arg(name), 8000);
    }
    if (!problems.isEmpty()) showError(problems.join('\n'));
    return photos;
}

int MainWindow::documentCount() const { return tabs_->count(); }

CanvasWidget* MainWindow::canvasOf(const Document* document) const {
    for (int i = 0; i < tabs_->count(); ++i)
        if (auto* canvas = static_cast<CanvasWidget*>(tabs_->widget(i)); canvas->document() == document) return canvas;
    return nullptr;
}

CanvasWidget* MainWindow::currentCanvas() const {
    return static_cast<CanvasWidget*>(tabs_->currentWidget());
}

Document* MainWindow::currentDocument() const {
    CanvasWidget* canvas = currentCanvas();
    return canvas ? canvas->document() : nullptr;
}

void MainWindow::stepTab(int step) {
    const int count = tabs_->count();
    if (count > 1) tabs_->setCurrentIndex((tabs_->currentIndex() + step + count) % count);
}

void MainWindow::onCurrentTabChanged() {
    Document* document = currentDocument();
    history_->setStack(document ? document->undoStack() : nullptr);
    modePanel_->setCurrentDocument(document);
    if (CanvasWidget* canvas = currentCanvas()) {
        const QSignalBlocker block(splitAction_);
        splitAction_->setChecked(canvas->splitCompare());
        zoomLabel_->setText(QStringLiteral("%1%").arg(qRound(canvas->transform().zoom() * 100)));
    }
    updateTitle();
}

void MainWindow::updateTitle() {
    Document* document = currentDocument();
    for (int i = 0; i < tabs_->count(); ++i) {
        Document* d = static_cast<CanvasWidget*>(tabs_->widget(i))->document();
        tabs_->setTabText(i, d->displayName() + (d->isModified() ? "*" : ""));
    }
    setWindowTitle(document ? tr("%1[*] — PhotoMend").arg(document->displayName()) : tr("PhotoMend"));
    setWindowModified(document && document->isModified());
}

void MainWindow::applyCurrentMode() {
    Document* document = currentDocument();
    if (!document) return;
    switch (modePanel_->currentMode()) {
    case Mode::RemoveObject: {
        RemoveOptions* options = modePanel_->removeOptions();
        if (!options->usesPrompt()) {
            apply_->run(document, tr("Remove object"), removeJob(options->params()), true);
            break;
        }
        if (const QString reason = options->blockReason(); !reason.isEmpty()) {
            showError(reason);
            break;
        }
        if (modePanel_->variationStrip()->isVisible()) modePanel_->variationStrip()->discard();
        const engine::PromptFillSettings settings = options->promptOptions()->settings();
        const bool outpaint = settings.task == engine::PromptFillTask::Outpaint;
        // A CPU step's time comes back to the options, which tell the next fill's time before it starts.
        QPointer<PromptFillOptions> promptOptions = options->promptOptions();
        const StepTimed timed = [promptOptions](double seconds) {
            QMetaObject::invokeMethod(qApp, [promptOptions, seconds] {
                if (promptOptions) promptOptions->setMeasuredStep(seconds);
            }, Qt::QueuedConnection);
        };
        apply_->run(document, tr("Fill from a prompt"),
                    promptFillJob(settings, promptOptions->modelFolder().toStdString(), promptRunner_, timed),
                    !outpaint);
        break;
    }
    case Mode::RepairOldPhoto:
        apply_->run(document, tr("Repair old photo"), repairJob(modePanel_->repairOptions()->params()), false);
        break;
    case Mode::RestoreFaces:
        apply_->run(document, tr("Restore faces"), facesJob(modePanel_->facesOptions()->params()), false);
        break;
    case Mode::Cartoonize: {
        const ops::CartoonParams params = modePanel_->cartoonOptions()->params();
        if (params.longSide > 0) cartoonAsNewPhoto(document, params);
        else apply_->run(document, tr("Cartoonize"), cartoonJob(params), false);
        break;
    }
    }
}

void MainWindow::cartoonAsNewPhoto(Document* document, const ops::CartoonParams& params) {
    auto result = std::make_shared<cv::Mat>();
    const cv::Mat image = document->image().clone();
    EngineJob* job = bridge_->submit(tr("Cartoonize"), [result, image, params](engine::JobContext& context) {
        *result = ops::cartoonize(image, params, context).image;
    });
    const QPointer<Document> source = document;
    connect(job, &EngineJob::finished, this,
            [this, result, source](engine::JobOutcome outcome, const QString& message) {
                if (outcome == engine::JobOutcome::Failed) showError(message);
                if (outcome != engine::JobOutcome::Done || !source || result->empty()) return;
                image::LoadedPhoto photo = source->source();  // its metadata goes with the cartoon
                photo.pixels = *result;
                const QFileInfo info(source->path());
                const QString suggested = info.dir().filePath(
                    QStringLiteral("%1-cartoon.%2").arg(info.completeBaseName(), info.suffix()));
                auto* cartoon = new Document(std::move(photo), suggested);
                cartoon->setUntitled(true);
                addDocument(cartoon);
                statusBar()->showMessage(tr("The cartoon opened as a new photo (%1 × %2); save it where you like.")
                                             .arg(result->cols)
                                             .arg(result->rows),
                                         8000);
            });
}

void MainWindow::detectDamage() {
    if (Document* document = currentDocument())
        apply_->run(document, tr("Detect damage"), detectDamageJob(modePanel_->repairOptions()->params().damage), false);
}

void MainWindow::showError(const QString& message) {
    statusBar()->showMessage(message.section('\n', 0, 0), 10000);
    emit errorShown(message);
    auto* box = new QMessageBox(QMessageBox::Warning, tr("PhotoMend"), message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();  // non-blocking: the window keeps working
}

void MainWindow::openDialog() {
    const QStringList paths = QFileDialog::getOpenFileNames(this, tr("Open photos"), QString(), openFilter());
    if (!paths.isEmpty()) openFiles(paths);
}

void MainWindow::saveAsDialog() {
    Document* document = currentDocument();
    if (!document) return;
    const QString path = saveAsPrompt_(document);
    if (!path.isEmpty()) saveDocument(document, path);
}

bool MainWindow::saveToOwnFile(Document* document) {
    if (!document->isUntitled()) return saveDocument(document, document->path());
    // Show which photo the file dialog is about (several may be saved one after another on quit).
    for (int i = 0; i < tabs_->count(); ++i)
        if (static_cast<CanvasWidget*>(tabs_->widget(i))->document() == document) tabs_->setCurrentIndex(i);
    const QString path = saveAsPrompt_(document);
    return !path.isEmpty() && saveDocument(document, path);
}

bool MainWindow::saveDocument(Document* document, const QString& path) {
    const photo_io::WriteResult result = document->saveAs(path);
    if (!result.ok) {
        showError(result.error);
        return false;
    }
    recent_->add(path);
    statusBar()->showMessage(tr("Saved %1").arg(QFileInfo(path).fileName()), 5000);
    updateTitle();
    return true;
}

bool MainWindow::maybeSave(Document* document) {
    if (!document->hasUnsavedWork()) return true;
    switch (savePrompt_(document)) {
    case QMessageBox::Save:
        // A painted mask alone has nothing to save: only Discard closes it.
        return document->isModified() && saveToOwnFile(document);
    case QMessageBox::Discard:
        return true;
    default:
        return false;
    }
}

QList<Document*> MainWindow::documentsWithUnsavedWork() const {
    QList<Document*> documents;
    for (int i = 0; i < tabs_->count(); ++i) {
        Document* document = static_cast<CanvasWidget*>(tabs_->widget(i))->document();
        if (document->hasUnsavedWork()) documents << document;
    }
    return documents;
}

bool MainWindow::closeDocument(int tabIndex) {
    auto* canvas = static_cast<CanvasWidget*>(tabs_->widget(tabIndex));
    if (!canvas || !maybeSave(canvas->document())) return false;
    tabs_->removeTab(tabIndex);
    canvas->deleteLater();
    return true;
}

void MainWindow::closeEvent(QCloseEvent* event) {
    // One question for all: a single photo gets its own, several get one list.
    const QList<Document*> unsaved = documentsWithUnsavedWork();
    bool close = true;
    if (unsaved.size() == 1) {
        close = maybeSave(unsaved.front());
    } else if (unsaved.size() > 1) {
        switch (saveAllPrompt_(unsaved)) {
        case QMessageBox::SaveAll:
        case QMessageBox::Save:
            // Stops at the first save that fails or whose file name is not given: the window stays
            // open with everything not yet saved still there.
            for (Document* document : unsaved) {
                if (document->isModified() && !saveToOwnFile(document)) {
                    close = false;
                    break;
                }
            }
            break;
        case QMessageBox::Discard:
            break;
        default:
            close = false;
        }
    }
    if (close) event->accept();
    else event->ignore();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    for (const QUrl& url : event->mimeData()->urls()) {
        if (url.isLocalFile()) {
            event->acceptProposedAction();
            return;
        }
    }
}

void MainWindow::dropEvent(QDropEvent* event) {
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile()) paths << url.toLocalFile();
    if (paths.isEmpty()) return;
    event->acceptProposedAction();
    // A model file is installed, never opened as a photo.
    paths = importModelFiles(paths);
    const int firstNew = documentCount();
    openFiles(paths);
    // A dropped scan of several photos is offered for splitting (see SplitScanFlow::offerSplit).
    for (int i = firstNew; i < documentCount(); ++i)
        splitFlow_->offerSplit(static_cast<CanvasWidget*>(tabs_->widget(i))->document());
}

}  // namespace pm::ui
