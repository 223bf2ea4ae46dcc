#pragma once
// The list of repair modes with the current mode's options, Apply, Cancel and a progress bar.
// Modes that are not built yet are listed but disabled, with a tooltip saying so.
#include <QHash>
#include <QWidget>

class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QStackedWidget;

namespace pm::ui {

class CartoonOptions;
class Document;
class FacesOptions;
class RemoveOptions;
class RepairOptions;
class VariationStrip;

enum class Mode { RemoveObject = 0, RepairOldPhoto, RestoreFaces, Cartoonize };

class ModePanel : public QWidget {
    Q_OBJECT
public:
    explicit ModePanel(QWidget* parent = nullptr);

    Mode currentMode() const;
    void setCurrentMode(Mode mode);
    bool isModeEnabled(Mode mode) const;
    RemoveOptions* removeOptions() const { return remove_; }
    RepairOptions* repairOptions() const { return repair_; }
    FacesOptions* facesOptions() const { return faces_; }
    CartoonOptions* cartoonOptions() const { return cartoon_; }
    /// The variations of a prompt fill to pick from (hidden until there are some).
    VariationStrip* variationStrip() const { return strip_; }

    void setBusy(bool busy);
    void setProgress(int percent, const QString& stage);
    /// Remembers the result text of `document`'s last operation (e.g. which engine filled); it is
    /// shown only while that document is the current one, and forgotten when it is destroyed.
    void setEngineNote(Document* document, const QString& note);
    /// Switches the note to the current document's (none: empty).
    void setCurrentDocument(Document* document);
    /// The note shown now.
    QString engineNote() const;

    /// Puts `hint` (which model would improve the tool) under the list of modes.
    void setHintWidget(QWidget* hint);

    QPushButton* applyButton() const { return apply_; }
    QPushButton* cancelButton() const { return cancel_; }
    QListWidget* modeList() const { return modes_; }

signals:
    void applyRequested();
    void cancelRequested();
    void modeChanged(Mode mode);

private:
    /// Apply is enabled when idle and the current mode's options allow it; its tooltip says why not.
    void updateApply();

    bool busy_ = false;
    VariationStrip* strip_;
    QListWidget* modes_;
    QStackedWidget* pages_;
    RemoveOptions* remove_;
    RepairOptions* repair_;
    FacesOptions* faces_;
    CartoonOptions* cartoon_;
    QPushButton* apply_;
    QPushButton* cancel_;
    QProgressBar* progress_;
    QLabel* stage_;
    QLabel* engineNote_;
    QHash<const Document*, QString> notes_;
    const Document* current_ = nullptr;
};

}  // namespace pm::ui
