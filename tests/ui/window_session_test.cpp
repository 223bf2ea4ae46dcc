// Closing and quitting with unsaved work, per-photo notes, tab shortcuts, Save As and the empty window.
#include <QFileDialog>
#include <QComboBox>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTimer>

#include "tests/ui/window_test_support.h"
#include "ui/apply_controller.h"
#include "ui/canvas_widget.h"
#include "ui/document.h"
#include "ui/empty_hint.h"
#include "ui/mode_panel.h"
#include "ui/save_as_dialog.h"
#include "ui/unsaved_changes_dialog.h"

using pm::test::writeTestPhoto;
using pm::ui::Document;
using QButton = QMessageBox::StandardButton;

namespace {

using WindowSession = pm::test::ShownWindow;

/// Replaces the photo's pixels (a change that needs saving); returns what a save should write.
cv::Mat editPixels(Document* document, int value) {
    cv::Mat edited = document->image().clone();
    edited.setTo(cv::Scalar(value, value + 1, value + 2));
    document->applyResult(edited, {0, 0, edited.cols, edited.rows}, "edit");
    return edited;
}

void paintMask(Document* document) {
    document->beginStroke(false);
    document->strokeSegment({100, 100}, {140, 120}, 10);
    document->endStroke();
}

Document* documentAt(pm::ui::MainWindow& window, int index) {
    return static_cast<pm::ui::CanvasWidget*>(window.tabs()->widget(index))->document();
}

cv::Mat onDisk(const QString& path) { return cv::imread(path.toStdString()); }

TEST_F(WindowSession, QuittingWithSeveralEditedPhotosAsksOnceListingThemAll) {
    const QStringList paths = {writeTestPhoto(dir, "a.png", 1), writeTestPhoto(dir, "b.png", 2),
                               writeTestPhoto(dir, "c.png", 3), writeTestPhoto(dir, "d.png", 4)};
    std::vector<cv::Mat> originals;
    for (const QString& path : paths) originals.push_back(onDisk(path));
    window.openFiles(paths);
    ASSERT_EQ(window.documentCount(), 4);
    for (int i : {0, 1, 3}) editPixels(documentAt(window, i), 10 * i);  // c.png stays clean

    int single = 0, lists = 0;
    QStringList listed;
    window.setSavePrompt([&](Document*) { ++single; return QMessageBox::Cancel; });
    window.setSaveAllPrompt([&](const QList<Document*>& documents) {
        ++lists;
        listed.clear();
        for (Document* d : documents) listed << d->displayName();
        return QMessageBox::Cancel;
    });
    EXPECT_FALSE(window.close());
    EXPECT_EQ(lists, 1) << "one dialog for all of them";
    EXPECT_EQ(single, 0) << "no question per photo";
    EXPECT_EQ(listed, QStringList({"a.png", "b.png", "d.png"})) << "the unsaved ones, in tab order";
    EXPECT_TRUE(window.isVisible());
    EXPECT_EQ(window.documentCount(), 4) << "Cancel keeps every tab";
    EXPECT_TRUE(documentAt(window, 0)->isModified()) << "and every change";

    window.setSaveAllPrompt([&](const QList<Document*>&) { ++lists; return QMessageBox::Discard; });
    EXPECT_TRUE(window.close()) << "Discard All closes";
    EXPECT_EQ(lists, 2);
    EXPECT_EQ(single, 0);
    for (int i = 0; i < paths.size(); ++i)
        EXPECT_EQ(cv::norm(onDisk(paths[i]), originals[i], cv::NORM_INF), 0) << "discarded edits are not written";
}

TEST_F(WindowSession, SaveAllSavesEachPhotoAndAsksANameForANewOne) {
    const QString a = writeTestPhoto(dir, "a.png", 1), b = writeTestPhoto(dir, "b.png", 2);
    window.openFiles({a, b});
    const cv::Mat editedA = editPixels(documentAt(window, 0), 20);
    const cv::Mat editedB = editPixels(documentAt(window, 1), 40);
    // A photo split from a scan has no file yet.
    window.openSplitPhotos(documentAt(window, 0), documentAt(window, 0)->image(),
                           {cv::RotatedRect({80, 60}, {100, 80}, 0)});
    ASSERT_EQ(window.documentCount(), 3);
    Document* split = documentAt(window, 2);
    ASSERT_TRUE(split->isUntitled());

    QList<Document*> named;
    const QString splitPath = QString::fromStdString(dir.file("piece.png"));
    window.setSaveAsPrompt([&](Document* d) { named << d; return splitPath; });
    window.setSaveAllPrompt([](const QList<Document*>&) { return QMessageBox::SaveAll; });
    EXPECT_TRUE(window.close());
    EXPECT_EQ(named, QList<Document*>({split})) << "only the new photo asks for a name";
    EXPECT_EQ(cv::norm(onDisk(a), editedA, cv::NORM_INF), 0);
    EXPECT_EQ(cv::norm(onDisk(b), editedB, cv::NORM_INF), 0);
    EXPECT_EQ(onDisk(splitPath).size(), cv::Size(100, 80));
}

TEST_F(WindowSession, SaveAllKeepsTheWindowAndEverythingWhenANameIsNotGivenOrASaveFails) {
    const QString a = writeTestPhoto(dir, "a.png", 1);
    window.openFiles({a});
    window.openSplitPhotos(documentAt(window, 0), documentAt(window, 0)->image(),
                           {cv::RotatedRect({80, 60}, {100, 80}, 0)});
    editPixels(documentAt(window, 0), 20);
    window.setSaveAllPrompt([](const QList<Document*>&) { return QMessageBox::SaveAll; });
    int asked = 0;
    window.setSaveAsPrompt([&](Document*) { ++asked; return QString(); });  // the user cancels
    EXPECT_FALSE(window.close());
    EXPECT_EQ(asked, 1);
    EXPECT_TRUE(window.isVisible());
    ASSERT_EQ(window.documentCount(), 2);
    EXPECT_TRUE(documentAt(window, 1)->isModified()) << "the new photo is still there, unsaved";
    EXPECT_FALSE(documentAt(window, 0)->isModified()) << "a.png, saved before the name was asked, stays saved";

    // Only the new photo is left unsaved: its own question. A file name in a folder that does not
    // exist: the save fails.
    window.setSavePrompt([](Document*) { return QMessageBox::Save; });
    window.setSaveAsPrompt([&](Document*) { return QString::fromStdString(dir.file("missing/piece.png")); });
    EXPECT_FALSE(window.close());
    EXPECT_EQ(window.documentCount(), 2);
    EXPECT_TRUE(documentAt(window, 1)->isUntitled());
}

TEST_F(WindowSession, APaintedMaskAloneAsksBeforeItsTabCloses) {
    window.openFiles({writeTestPhoto(dir, "a.png", 1)});
    Document* doc = window.currentDocument();
    paintMask(doc);
    ASSERT_FALSE(doc->isModified()) << "the pixels are as saved";
    ASSERT_TRUE(doc->hasUnsavedWork());

    int asked = 0;
    window.setSavePrompt([&](Document*) { ++asked; return QMessageBox::Cancel; });
    EXPECT_FALSE(window.closeDocument(0));
    EXPECT_EQ(asked, 1);
    EXPECT_EQ(window.documentCount(), 1) << "Keep Editing keeps the mask";
    EXPECT_TRUE(doc->hasMask());
    // Save has nothing to keep a mask in: it does not close the tab either.
    window.setSavePrompt([&](Document*) { ++asked; return QMessageBox::Save; });
    EXPECT_FALSE(window.closeDocument(0));
    EXPECT_EQ(window.documentCount(), 1);
    window.setSavePrompt([&](Document*) { ++asked; return QMessageBox::Discard; });
    EXPECT_TRUE(window.closeDocument(0));
    EXPECT_EQ(asked, 3);
    EXPECT_EQ(window.documentCount(), 0);
}

TEST_F(WindowSession, TheQuestionForAMaskOffersKeepEditingOrDiscardNotSave) {
    window.openFiles({writeTestPhoto(dir, "x.jpg", 1)});
    Document* doc = window.currentDocument();
    paintMask(doc);
    std::unique_ptr<QMessageBox> box(pm::ui::createCloseDocumentQuestion(&window, *doc));
    EXPECT_TRUE(box->text().contains("“x.jpg” has a painted mask that was not applied")) << box->text().toStdString();
    EXPECT_EQ(box->button(QMessageBox::Save), nullptr) << "saving would not keep the mask";
    ASSERT_NE(box->button(QMessageBox::Discard), nullptr);
    ASSERT_NE(box->button(QMessageBox::Cancel), nullptr);
    EXPECT_EQ(box->defaultButton(), box->button(QMessageBox::Cancel));

    // With changed pixels as well, Save is offered and the mask's loss is said.
    editPixels(doc, 50);
    paintMask(doc);
    box.reset(pm::ui::createCloseDocumentQuestion(&window, *doc));
    EXPECT_NE(box->button(QMessageBox::Save), nullptr);
    EXPECT_TRUE(box->informativeText().contains("mask")) << box->informativeText().toStdString();
}

TEST_F(WindowSession, TheQuitListNamesWhatEachPhotoWouldLose) {
    window.openFiles({writeTestPhoto(dir, "a.png", 1), writeTestPhoto(dir, "b.png", 2)});
    paintMask(documentAt(window, 0));
    paintMask(documentAt(window, 1));
    {
        pm::ui::UnsavedChangesDialog dialog({documentAt(window, 0), documentAt(window, 1)}, &window);
        ASSERT_EQ(dialog.list()->count(), 2);
        EXPECT_TRUE(dialog.list()->item(0)->text().startsWith("a.png"));
        EXPECT_TRUE(dialog.list()->item(1)->text().contains("painted mask not applied"));
        EXPECT_EQ(dialog.saveAllButton(), nullptr) << "masks alone have nothing to save";
        QTest::mouseClick(dialog.discardAllButton(), Qt::LeftButton);
        EXPECT_EQ(dialog.choice(), QMessageBox::Discard);
    }
    editPixels(documentAt(window, 1), 30);
    pm::ui::UnsavedChangesDialog dialog({documentAt(window, 0), documentAt(window, 1)}, &window);
    EXPECT_TRUE(dialog.list()->item(1)->text().contains("unsaved changes"));
    ASSERT_NE(dialog.saveAllButton(), nullptr);
    QTest::mouseClick(dialog.saveAllButton(), Qt::LeftButton);
    EXPECT_EQ(dialog.choice(), QMessageBox::SaveAll);
    QTest::mouseClick(dialog.cancelButton(), Qt::LeftButton);
    EXPECT_EQ(dialog.choice(), QMessageBox::Cancel);

    // The window's quit with one photo unsaved and one mask: both are listed together.
    int lists = 0;
    window.setSaveAllPrompt([&](const QList<Document*>& documents) {
        lists += documents.size() == 2;
        return QMessageBox::Cancel;
    });
    EXPECT_FALSE(window.close());
    EXPECT_EQ(lists, 1);
}

TEST_F(WindowSession, TheModeNoteBelongsToThePhotoItIsAbout) {
    window.openFiles({writeTestPhoto(dir, "a.png", 1), writeTestPhoto(dir, "b.png", 2)});
    Document* a = documentAt(window, 0);
    window.tabs()->setCurrentIndex(0);
    paintMask(a);
    QSignalSpy applied(window.applyController(), &pm::ui::ApplyController::applied);
    window.applyCurrentMode();
    window.tabs()->setCurrentIndex(1);  // b is shown while a's result is computed
    ASSERT_TRUE(applied.wait(60000));
    const QString summary = applied.front().front().toString();
    ASSERT_FALSE(summary.isEmpty());
    EXPECT_EQ(window.modePanel()->engineNote(), "") << "a's result does not show on b";

    window.tabs()->setCurrentIndex(0);
    EXPECT_EQ(window.modePanel()->engineNote(), summary) << "a's note comes back with a";
    window.tabs()->setCurrentIndex(1);
    EXPECT_EQ(window.modePanel()->engineNote(), "");
    window.tabs()->setCurrentIndex(0);
    window.setSavePrompt([](Document*) { return QMessageBox::Discard; });
    ASSERT_TRUE(window.closeDocument(0));
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    EXPECT_EQ(window.modePanel()->engineNote(), "") << "a closed photo's note goes with it";
    window.closeDocument(0);
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    EXPECT_EQ(window.modePanel()->engineNote(), "");
}

TEST_F(WindowSession, CtrlTabAndCtrlPageKeysSwitchTabs) {
    window.openFiles({writeTestPhoto(dir, "a.png", 1), writeTestPhoto(dir, "b.png", 2),
                      writeTestPhoto(dir, "c.png", 3)});
    ASSERT_EQ(window.tabs()->currentIndex(), 2);
    window.currentCanvas()->setFocus();
    QTest::keyClick(&window, Qt::Key_Tab, Qt::ControlModifier);
    EXPECT_EQ(window.tabs()->currentIndex(), 0) << "Ctrl+Tab goes to the next tab, wrapping around";
    QTest::keyClick(window.currentCanvas(), Qt::Key_Tab, Qt::ControlModifier);
    EXPECT_EQ(window.tabs()->currentIndex(), 1);
    // Shift+Tab reaches applications as Backtab.
    QTest::keyClick(window.currentCanvas(), Qt::Key_Backtab, Qt::ControlModifier | Qt::ShiftModifier);
    EXPECT_EQ(window.tabs()->currentIndex(), 0) << "Ctrl+Shift+Tab goes back";
    QTest::keyClick(window.currentCanvas(), Qt::Key_Backtab, Qt::ControlModifier | Qt::ShiftModifier);
    EXPECT_EQ(window.tabs()->currentIndex(), 2);
    QTest::keyClick(window.currentCanvas(), Qt::Key_PageDown, Qt::ControlModifier);
    EXPECT_EQ(window.tabs()->currentIndex(), 0);
    QTest::keyClick(window.currentCanvas(), Qt::Key_PageUp, Qt::ControlModifier);
    EXPECT_EQ(window.tabs()->currentIndex(), 2);
}

TEST_F(WindowSession, CtrlShiftSOpensSaveAsForTheCurrentPhoto) {
    window.openFiles({writeTestPhoto(dir, "a.png", 1), writeTestPhoto(dir, "b.png", 2)});
    QList<Document*> asked;
    const QString copy = QString::fromStdString(dir.file("copy.tif"));
    window.setSaveAsPrompt([&](Document* d) { asked << d; return copy; });
    QTest::keyClick(&window, Qt::Key_S, Qt::ControlModifier | Qt::ShiftModifier);
    ASSERT_EQ(asked.size(), 1);
    EXPECT_EQ(asked.front(), documentAt(window, 1));
    EXPECT_EQ(window.currentDocument()->path(), copy) << "saved where the dialog said";
    EXPECT_FALSE(onDisk(copy).empty());
}

TEST(SaveAsFilters, TheTypeFollowsTheExtensionAndTheExtensionTheType) {
    using pm::ui::pathForSaveFilter;
    using pm::ui::saveFilterForPath;
    EXPECT_EQ(saveFilterForPath("/p/photo.png"), "PNG (*.png)");
    EXPECT_EQ(saveFilterForPath("/p/photo.PNG"), "PNG (*.png)");
    EXPECT_EQ(saveFilterForPath("/p/photo.jpeg"), "JPEG (*.jpg *.jpeg)");
    EXPECT_EQ(saveFilterForPath("/p/scan.tiff"), "TIFF (*.tif *.tiff)");
    EXPECT_EQ(saveFilterForPath("/p/a.webp"), "WebP (*.webp)");
    EXPECT_EQ(saveFilterForPath("/p/a.gif"), "JPEG (*.jpg *.jpeg)") << "a type PhotoMend cannot write";
    EXPECT_EQ(pathForSaveFilter("/p/photo.png", "JPEG (*.jpg *.jpeg)"), "/p/photo.jpg");
    EXPECT_EQ(pathForSaveFilter("/p/photo.jpeg", "JPEG (*.jpg *.jpeg)"), "/p/photo.jpeg");
    EXPECT_EQ(pathForSaveFilter("/p/my.trip.png", "TIFF (*.tif *.tiff)"), "/p/my.trip.tif");
    EXPECT_EQ(pathForSaveFilter("/p/photo", "PNG (*.png)"), "/p/photo.png");
    EXPECT_EQ(pathForSaveFilter("photo.bmp", "PNG (*.png)"), "photo.png");
}

TEST(SaveAsDialog, SuggestsThePhotosTypeAndRenamesWhenAnotherTypeIsPicked) {
    pm::test::TempDir dir;
    const QString suggested = QString::fromStdString(dir.file("photo.png"));
    QString shownFilter, shownName, renamed;
    QTimer::singleShot(0, [&] {
        auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
        ASSERT_NE(dialog, nullptr);
        shownFilter = dialog->selectedNameFilter();
        auto* name = dialog->findChild<QLineEdit*>("fileNameEdit");
        auto* types = dialog->findChild<QComboBox*>("fileTypeCombo");
        ASSERT_NE(name, nullptr);
        ASSERT_NE(types, nullptr);
        shownName = name->text();
        types->setFocus();
        QTest::keyClick(types, Qt::Key_Down);  // the user picks the next type: TIFF
        renamed = name->text();
        QMetaObject::invokeMethod(dialog, "accept");  // the Save button
    });
    const QString chosen = pm::ui::askSaveAsPath(nullptr, "Save", suggested);
    EXPECT_EQ(shownFilter, "PNG (*.png)") << "a PNG is offered as PNG, not JPEG";
    EXPECT_EQ(shownName, "photo.png");
    EXPECT_EQ(renamed, "photo.tif") << "the name follows the picked type";
    EXPECT_EQ(chosen, QString::fromStdString(dir.file("photo.tif")));
}

TEST_F(WindowSession, TheEmptyWindowSaysHowToOpenPhotos) {
    pm::ui::EmptyHint* hint = window.emptyHint();
    ASSERT_NE(hint, nullptr);
    EXPECT_TRUE(hint->isVisible()) << "no tab: the hint shows";
    EXPECT_FALSE(window.tabs()->isVisible());
    EXPECT_TRUE(hint->text().contains("Drop photos here")) << hint->text().toStdString();
    EXPECT_TRUE(hint->text().contains(QKeySequence(QKeySequence::Open).toString(QKeySequence::NativeText)));
    window.openFiles({writeTestPhoto(dir, "a.png", 1)});
    EXPECT_FALSE(hint->isVisible()) << "a photo replaces the hint";
    EXPECT_TRUE(window.currentCanvas()->isVisible());
    ASSERT_TRUE(window.closeDocument(0));
    EXPECT_TRUE(hint->isVisible()) << "and the hint comes back when the last tab closes";
}

}  // namespace
