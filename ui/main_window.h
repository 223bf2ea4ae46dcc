#pragma once
// The main window only wires things together: documents in tabs, menus, docks, status bar.
#include <QMainWindow>
#include <QMessageBox>
#include <functional>

#include <opencv2/core.hpp>
#include <vector>

#include "core/engine/engine.h"
#include "core/image/image_io.h"
#include "core/ops/cartoon/cartoon.h"
#include "ui/prompt_fill_job.h"

class QAction;
class QLabel;
class QMenu;
class QSlider;
class QStackedWidget;
class QTabWidget;
class QUndoView;

namespace pm::ui {

class ApplyController;
class CanvasWidget;
class Document;
class EmptyHint;
class EngineBridge;
class ModelHint;
class ModelManager;
class ModelsDialog;
class ModePanel;
class RecentFiles;
class SplitScanFlow;
class LivePreview;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(const engine::EngineOptions& engineOptions, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens each file in its own tab; unreadable ones give one message naming them.
    void openFiles(const QStringList& paths);
    int documentCount() const;
    Document* currentDocument() const;
    CanvasWidget* currentCanvas() const;
    QTabWidget* tabs() const { return tabs_; }
    ModePanel* modePanel() const { return modePanel_; }
    ApplyController* applyController() const { return apply_; }
    EngineBridge* engineBridge() const { return bridge_; }
    double brushSize() const { return brushSize_; }
    void setBrushSize(double diameter);
    /// Grows (direction +1) or shrinks (-1) the current mask by the step set in Remove's options.
    void growMask(int direction);
    /// Softens the current mask's edge over `pixels` (one undo step): Edit > Feather Mask… asks
    /// for the width and calls this.
    void featherMask(int pixels);

    /// Asked before a document with unsaved work (changes, or a painted mask not applied) is
    /// closed: its tab, or quitting when it is the only one. Answers Save, Discard or Cancel; tests
    /// replace the dialog.
    using SavePrompt = std::function<QMessageBox::StandardButton(Document*)>;
    void setSavePrompt(SavePrompt prompt) { savePrompt_ = std::move(prompt); }
    /// Asked once on quit when several documents have unsaved work, listing them all. Answers
    /// SaveAll, Discard (all) or Cancel; tests replace the dialog.
    using SaveAllPrompt = std::function<QMessageBox::StandardButton(const QList<Document*>&)>;
    void setSaveAllPrompt(SaveAllPrompt prompt) { saveAllPrompt_ = std::move(prompt); }
    /// Asks where to save a document (Save As, or saving a new photo); empty = cancelled. Tests
    /// replace the file dialog.
    using SaveAsPrompt = std::function<QString(Document*)>;
    void setSaveAsPrompt(SaveAsPrompt prompt) { saveAsPrompt_ = std::move(prompt); }
    /// Shown instead of the tabs while no photo is open.
    EmptyHint* emptyHint() const { return emptyHint_; }

    bool saveDocument(Document* document, const QString& path);
    bool closeDocument(int tabIndex);
    void applyCurrentMode();
    /// Shows a photo (opened, or made by the app) in a new tab; the tab owns it.
    void addDocument(Document* document);
    /// Finds the photos on the current scan and lets the user open them as new photos; with no
    /// photo open, asks for a scan file first.
    void splitScan();
    /// Asks for scan files and splits them without opening them as tabs.
    void splitScanFiles();
    SplitScanFlow* splitFlow() const { return splitFlow_; }
    /// Opens the photos inside `boxes` of a scan as new, unsaved documents.
    void openSplitPhotos(Document* source, const cv::Mat& scan, const std::vector<cv::RotatedRect>& boxes);
    /// The same for a scan that is not open: `source` gives the metadata, `sourcePath` the names.
    void openSplitPhotos(const image::LoadedPhoto& source, const QString& sourcePath, const cv::Mat& scan,
                         const std::vector<cv::RotatedRect>& boxes);
    void showBatchDialog();
    /// Who runs a prompt fill (Remove/Fill mode, "Fill from a prompt"): the libtorch module by
    /// default; tests pass a fake model.
    void setPromptFillRunner(PromptFillRunner runner) { promptRunner_ = std::move(runner); }
    /// The canvas showing `document`, or nullptr.
    CanvasWidget* canvasOf(const Document* document) const;
    /// Cartoonizes the current photo at another size and opens the cartoon as a new photo.
    void cartoonAsNewPhoto(Document* document, const ops::CartoonParams& params);
    /// Marks scratches and dust of the current photo as an editable mask.
    void detectDamage();
    /// Edit > Models…: one dialog for the window, kept (and its download running) while hidden;
    /// `modelId` selects a model's row.
    ModelsDialog* showModelsDialog(const QString& modelId = QString());
    ModelManager* modelManager() const { return models_; }
    ModelHint* modelHint() const { return modelHint_; }
    /// Imports dropped model files (asking which model when the file does not say); photos among
    /// the paths are returned, to be opened.
    QStringList importModelFiles(const QStringList& paths);

signals:
    /// Every error shown to the user (also as a non-blocking message box).
    void errorShown(const QString& message);

protected:
    /// Holding `\` shows the original wherever the keyboard focus is (e.g. on Apply after a click).
    bool eventFilter(QObject* watched, QEvent* event) override;
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void createActions();
    void createDocks();
    void showError(const QString& message);
    void onCurrentTabChanged();
    void updateTitle();
    void openDialog();
    void saveAsDialog();
    /// Saves to the document's own file, or asks for a name first when it never had one.
    bool saveToOwnFile(Document* document);
    bool maybeSave(Document* document);
    /// Every document whose closing would lose something, in tab order.
    QList<Document*> documentsWithUnsavedWork() const;
    /// Moves to the next (+1) or previous (-1) tab, wrapping around.
    void stepTab(int step);
    void setTool(int tool);

    EngineBridge* bridge_;
    ApplyController* apply_;
    LivePreview* tonePreview_;
    LivePreview* cartoonPreview_;
    RecentFiles* recent_;
    SplitScanFlow* splitFlow_;
    ModelManager* models_;
    ModelHint* modelHint_;
    ModelsDialog* modelsDialog_ = nullptr;
    QTabWidget* tabs_;
    QStackedWidget* central_;
    EmptyHint* emptyHint_;
    ModePanel* modePanel_;
    QUndoView* history_;
    QSlider* sizeSlider_;
    QLabel* engineLabel_;
    QLabel* zoomLabel_;
    QMenu* recentMenu_;
    QAction* undoAction_;
    QAction* redoAction_;
    QAction* splitAction_;
    double brushSize_ = 40;
    int lastFeather_ = 4;  // Feather Mask… offers the width used last
    int tool_ = 0;
    SavePrompt savePrompt_;
    SaveAllPrompt saveAllPrompt_;
    SaveAsPrompt saveAsPrompt_;
    PromptFillRunner promptRunner_ = backendPromptFillRunner();
};

}  // namespace pm::ui
