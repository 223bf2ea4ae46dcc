// The model manager in the window: Edit > Models… lists states, imports, removes and downloads
// (from a local HTTP server on 127.0.0.1); a dropped model file is imported, not opened; the
// engine reloads without a restart; the "install X for better ..." hint.
#include <QCryptographicHash>
#include <QDir>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTimer>
#include <QTreeWidget>

#include "tests/engine/tiny_models.h"
#include "tests/model_store/local_http_server.h"
#include "tests/ui/window_test_support.h"
#include "ui/engine_bridge.h"
#include "ui/mode_panel.h"
#include "ui/model_hint.h"
#include "ui/model_manager.h"
#include "ui/models_dialog.h"
#include "ui/prompt_fill_options.h"
#include "ui/remove_options.h"

namespace pm::ui {
namespace {

enum Column { NameColumn, StateColumn, SizeColumn, LicenceColumn, ImprovesColumn };

QByteArray bytesOf(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeFile(const QString& path, const QByteArray& bytes) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

// Turns the event loop until `done` or the time is up; false when it timed out.
template <typename Pred>
bool waitFor(Pred done, int ms = 20000) {
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > ms) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    return true;
}

// A temp models folder and a manifest of three models: one published with a SHA-256 ("checked",
// faces), one with an MD5 ("by-md5", cartoon) and one without a checksum ("fill", inpaint, the
// tiny grey-fill TorchScript model), like the shipped manifest's three kinds.
class ModelsUi : public ::testing::Test {
protected:
    void SetUp() override {
        QSettings().remove(QStringLiteral("modelHints"));
        for (int i = 0; i < 20000; ++i) checkedBytes.append(char((i * 7919) % 251));  // 20 kB, not one byte
        writeManifest(QStringLiteral("https://example.org/project"));
    }
    void TearDown() override { QSettings().remove(QStringLiteral("modelHints")); }

    void writeManifest(const QString& checkedUrl) {
        const QByteArray sha = QCryptographicHash::hash(checkedBytes, QCryptographicHash::Sha256).toHex();
        const QByteArray md5 = QCryptographicHash::hash(md5Bytes, QCryptographicHash::Md5).toHex();
        const QString json = QStringLiteral(R"({"version": 1, "models": [
  {"id": "checked", "task": "face", "name": "Checked faces", "file": "checked.pt", "size": %1,
   "sha256": "%2", "url": "%3", "license": "MIT", "improves": "faces in Repair",
   "contract": {"kind": "image2image", "range": "-1..1", "fixedSize": 32}},
  {"id": "by-md5", "task": "cartoon", "name": "MD5 cartoon", "file": "md5.pt",
   "md5": "%4", "url": "", "license": "Apache-2.0", "improves": "Cartoonize",
   "contract": {"kind": "image2image", "range": "-1..1", "sizeMultiple": 8}},
  {"id": "fill", "task": "inpaint", "name": "Grey fill", "file": "fill.pt",
   "url": "https://example.org/fill", "license": "test", "improves": "large fills in Remove",
   "contract": {"kind": "inpaint", "range": "0..1", "sizeMultiple": 8, "buckets": [16]}}]})")
                                 .arg(checkedBytes.size())
                                 .arg(QString::fromLatin1(sha), checkedUrl, QString::fromLatin1(md5));
        writeFile(manifestPath(), json.toUtf8());
    }
    QString root() const { return QString::fromStdString(dir.path()); }
    QString models() const { return root() + "/models"; }
    QString downloads() const { return root() + "/downloads"; }
    QString manifestPath() const { return root() + "/manifest.json"; }
    engine::EngineOptions options(bool preload = false) const {
        engine::EngineOptions o;
        o.device = engine::DevicePreference::Cpu;
        o.modelsDir = models().toStdString();
        o.manifestPath = manifestPath().toStdString();
        o.preload = preload;  // the dialog tests need no loaded model
        return o;
    }
    QTreeWidgetItem* row(ModelsDialog& dialog, const QString& id) {
        for (int i = 0; i < dialog.list()->topLevelItemCount(); ++i)
            if (dialog.list()->topLevelItem(i)->data(NameColumn, Qt::UserRole).toString() == id)
                return dialog.list()->topLevelItem(i);
        ADD_FAILURE() << "no row for " << id.toStdString();
        static QTreeWidgetItem none;
        return &none;
    }
    QString state(ModelsDialog& dialog, const QString& id) { return row(dialog, id)->text(StateColumn); }

    test::TempDir dir;
    QByteArray checkedBytes;
    QByteArray md5Bytes = QByteArray("a model published with an MD5").repeated(50);
};

TEST_F(ModelsUi, TheDialogListsEveryModelWithItsStateSizeLicenceAndUse) {
    writeFile(models() + "/checked.pt", checkedBytes);
    writeFile(models() + "/md5.pt", "not the published file");
    EngineBridge bridge(options());
    ModelManager manager(&bridge);
    ModelsDialog dialog(&manager);
    ASSERT_EQ(dialog.list()->topLevelItemCount(), 3);
    EXPECT_EQ(state(dialog, "checked"), "Installed and verified");
    EXPECT_TRUE(state(dialog, "by-md5").startsWith("Broken: md5.pt: checksum mismatch"))
        << state(dialog, "by-md5").toStdString();
    EXPECT_EQ(state(dialog, "fill"), "Not installed");
    EXPECT_EQ(row(dialog, "checked")->text(NameColumn), "Checked faces");
    EXPECT_EQ(row(dialog, "checked")->text(SizeColumn), QLocale().formattedDataSize(checkedBytes.size()));
    EXPECT_EQ(row(dialog, "fill")->text(SizeColumn), "unknown");
    EXPECT_EQ(row(dialog, "by-md5")->text(LicenceColumn), "Apache-2.0");
    EXPECT_EQ(row(dialog, "fill")->text(ImprovesColumn), "large fills in Remove");
    // The selected model in full, with the reason the column may cut short.
    dialog.selectModel("by-md5");
    EXPECT_TRUE(dialog.details().contains("Broken: md5.pt: checksum mismatch (expected MD5 ")) << dialog.details().toStdString();
    EXPECT_TRUE(dialog.details().contains("Licence: Apache-2.0"));
    // Only an installed model can be removed; a project page is no download.
    dialog.selectModel("fill");
    EXPECT_FALSE(dialog.removeButton()->isEnabled());
    EXPECT_FALSE(dialog.downloadButton()->isEnabled());
    EXPECT_TRUE(dialog.downloadButton()->toolTip().contains("https://example.org/fill"));
    dialog.selectModel("checked");
    EXPECT_TRUE(dialog.removeButton()->isEnabled());
}

TEST_F(ModelsUi, ImportFromTheDialogPutsTheVerifiedFileInPlace) {
    writeFile(downloads() + "/whatever-it-was-called.bin", checkedBytes);
    EngineBridge bridge(options());
    ModelManager manager(&bridge);
    ModelsDialog dialog(&manager);
    dialog.setImportFilePrompt([&] { return downloads() + "/whatever-it-was-called.bin"; });
    dialog.importFile();
    EXPECT_EQ(bytesOf(models() + "/checked.pt"), checkedBytes) << dialog.message().toStdString();
    EXPECT_EQ(state(dialog, "checked"), "Installed and verified");
    EXPECT_EQ(dialog.selectedId(), "checked");
    EXPECT_TRUE(QFileInfo::exists(downloads() + "/whatever-it-was-called.bin")) << "import copies";
}

TEST_F(ModelsUi, AFileThatMatchesNoModelIsAskedAboutAndRefusedWhenItIsNotThatModel) {
    writeFile(downloads() + "/mystery.pt", "some other file");
    EngineBridge bridge(options());
    ModelManager manager(&bridge);
    int asked = 0;
    manager.setChooseModelPrompt([&](const QString& file, const std::vector<ModelRow>& rows) {
        ++asked;
        EXPECT_EQ(QFileInfo(file).fileName(), "mystery.pt");
        EXPECT_EQ(rows.size(), 3u);
        return QStringLiteral("checked");
    });
    ModelsDialog dialog(&manager);
    dialog.setImportFilePrompt([&] { return downloads() + "/mystery.pt"; });
    dialog.importFile();
    EXPECT_EQ(asked, 1);
    EXPECT_FALSE(QFileInfo::exists(models() + "/checked.pt"));
    EXPECT_TRUE(dialog.message().contains("not imported")) << dialog.message().toStdString();
    EXPECT_EQ(state(dialog, "checked"), "Not installed");
}

TEST_F(ModelsUi, RemoveAsksFirstAndThenDeletesTheFile) {
    writeFile(models() + "/checked.pt", checkedBytes);
    EngineBridge bridge(options());
    ModelManager manager(&bridge);
    bool answer = false;
    QStringList asked;
    manager.setConfirmRemovePrompt([&](const ModelRow& r) {
        asked << QString::fromStdString(r.entry.name);
        return answer;
    });
    ModelsDialog dialog(&manager);
    dialog.selectModel("checked");
    dialog.removeSelected();
    EXPECT_EQ(asked, QStringList{"Checked faces"});
    EXPECT_TRUE(QFileInfo::exists(models() + "/checked.pt")) << "No keeps the file";
    answer = true;
    dialog.removeSelected();
    EXPECT_EQ(asked.size(), 2);
    EXPECT_FALSE(QFileInfo::exists(models() + "/checked.pt"));
    EXPECT_EQ(state(dialog, "checked"), "Not installed");
    EXPECT_FALSE(dialog.removeButton()->isEnabled());
}

TEST_F(ModelsUi, DownloadShowsProgressAndEndsInstalledAndVerified) {
    checkedBytes = checkedBytes.repeated(20);  // 400 kB: several progress steps
    test::LocalHttpServer server("/checked.pt", checkedBytes);
    writeManifest(server.url("/checked.pt"));
    EngineBridge bridge(options());
    ModelManager manager(&bridge);
    QSignalSpy reloaded(&manager, &ModelManager::modelsChanged);
    ModelsDialog dialog(&manager);
    dialog.selectModel("checked");
    ASSERT_TRUE(dialog.downloadButton()->isEnabled());
    QList<int> values;
    QObject::connect(dialog.progressBar(), &QProgressBar::valueChanged, [&](int v) { values << v; });
    QSignalSpy finished(&dialog, &ModelsDialog::downloadFinished);
    dialog.downloadSelected();
    EXPECT_TRUE(dialog.isDownloading());
    EXPECT_TRUE(dialog.cancelButton()->isEnabled());
    EXPECT_FALSE(dialog.downloadButton()->isEnabled());
    EXPECT_EQ(state(dialog, "checked"), "Downloading…");
    ASSERT_TRUE(finished.wait(20000));
    EXPECT_TRUE(finished.at(0).at(0).toBool()) << finished.at(0).at(1).toString().toStdString();
    ASSERT_FALSE(values.isEmpty());
    EXPECT_EQ(values.last(), 1000) << "the bar reached the end";
    EXPECT_EQ(bytesOf(models() + "/checked.pt"), checkedBytes);
    EXPECT_FALSE(QFileInfo::exists(models() + "/checked.pt.part"));
    EXPECT_EQ(state(dialog, "checked"), "Installed and verified");
    EXPECT_FALSE(dialog.isDownloading());
    EXPECT_TRUE(reloaded.wait(20000)) << "the engine reloads after a download";
}

TEST_F(ModelsUi, NoNetworkGivesAMessageNotAHang) {
    // Port 1 on this machine answers nothing: the connection is refused at once.
    writeManifest(QStringLiteral("http://127.0.0.1:1/checked.pt"));
    EngineBridge bridge(options());
    ModelManager manager(&bridge);
    ModelsDialog dialog(&manager);
    dialog.selectModel("checked");
    QSignalSpy finished(&dialog, &ModelsDialog::downloadFinished);
    QElapsedTimer clock;
    clock.start();
    dialog.downloadSelected();
    ASSERT_TRUE(finished.wait(20000));
    EXPECT_LT(clock.elapsed(), 15000);
    EXPECT_FALSE(finished.at(0).at(0).toBool());
    EXPECT_TRUE(dialog.message().startsWith("Checked faces was not downloaded: ")) << dialog.message().toStdString();
    EXPECT_FALSE(QFileInfo::exists(models() + "/checked.pt"));
    EXPECT_FALSE(QFileInfo::exists(models() + "/checked.pt.part"));
    EXPECT_TRUE(dialog.downloadButton()->isEnabled()) << "it can be tried again";
}

TEST_F(ModelsUi, CancelKeepsThePartForTheNextDownloadToResume) {
    checkedBytes = checkedBytes.repeated(20);
    test::LocalHttpServer server("/checked.pt", checkedBytes);
    server.stallAfter(100000);  // the first bytes, then silence: Cancel is what ends it
    writeManifest(server.url("/checked.pt"));
    EngineBridge bridge(options());
    ModelManager manager(&bridge);
    ModelsDialog dialog(&manager);
    dialog.selectModel("checked");
    QSignalSpy finished(&dialog, &ModelsDialog::downloadFinished);
    dialog.downloadSelected();
    ASSERT_TRUE(waitFor([&] { return QFileInfo(models() + "/checked.pt.part").size() >= 100000; }));
    dialog.cancelButton()->click();
    ASSERT_TRUE(finished.count() > 0 || finished.wait(10000));
    EXPECT_FALSE(finished.at(0).at(0).toBool());
    EXPECT_TRUE(dialog.message().contains("cancelled")) << dialog.message().toStdString();
    EXPECT_EQ(QFileInfo(models() + "/checked.pt.part").size(), 100000);
    EXPECT_EQ(state(dialog, "checked"), "Not installed");
}

struct ModelsWindow : ModelsUi {
    std::unique_ptr<MainWindow> window;
    void open(bool preload = false) {
        window = std::make_unique<MainWindow>(options(preload));
        window->setSavePrompt([](Document*) { return QMessageBox::Cancel; });
        window->show();
    }
    void drop(const QStringList& paths) {
        QMimeData mime;
        QList<QUrl> urls;
        for (const QString& p : paths) urls << QUrl::fromLocalFile(p);
        mime.setUrls(urls);
        const QPoint centre = window->rect().center();
        QDragEnterEvent enter(centre, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(window.get(), &enter);
        ASSERT_TRUE(enter.isAccepted());
        QDropEvent event(centre, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(window.get(), &event);
    }
};

TEST_F(ModelsWindow, ADroppedModelFileIsImportedNotOpenedAsAPhoto) {
    writeFile(downloads() + "/face-model.pth", checkedBytes);
    const QString photo = test::writeTestPhoto(dir, "photo.png", 1);
    open();
    QSignalSpy errors(window.get(), &MainWindow::errorShown);
    drop({downloads() + "/face-model.pth", photo});
    EXPECT_EQ(errors.count(), 0) << (errors.isEmpty() ? "" : errors.at(0).at(0).toString().toStdString());
    EXPECT_EQ(bytesOf(models() + "/checked.pt"), checkedBytes);
    ASSERT_EQ(window->documentCount(), 1) << "only the photo opens";
    EXPECT_EQ(window->tabs()->tabText(0), "photo.png");
}

TEST_F(ModelsWindow, ADroppedFileThatIsNoModelIsRefusedWithAMessage) {
    writeFile(downloads() + "/notes.ckpt", "not a model at all");
    open();
    int asked = 0;
    window->modelManager()->setChooseModelPrompt([&](const QString&, const std::vector<ModelRow>&) {
        ++asked;
        return QString();  // the user does not know either
    });
    QSignalSpy errors(window.get(), &MainWindow::errorShown);
    drop({downloads() + "/notes.ckpt"});
    EXPECT_EQ(asked, 1);
    ASSERT_EQ(errors.count(), 1);
    EXPECT_EQ(errors.at(0).at(0).toString(), "notes.ckpt was not imported.");
    EXPECT_EQ(window->documentCount(), 0);
    EXPECT_TRUE(QDir(models()).entryList(QDir::Files).isEmpty());
}

TEST_F(ModelsWindow, TheEngineReloadsSoANewlyInstalledModelIsUsedWithoutRestart) {
    const QString fill = downloads() + "/fill.pt";
    QDir().mkpath(downloads());
    test::saveGreyFillModel(fill.toStdString());
    open(/*preload=*/true);
    EngineBridge* bridge = window->engineBridge();
    ASSERT_TRUE(waitFor([&] { return bridge->isReady(); }));
    EXPECT_FALSE(bridge->engine().sessionStats("inpaint", nullptr)) << "nothing installed yet";

    QSignalSpy reloaded(window->modelManager(), &ModelManager::modelsChanged);
    drop({fill});  // matched by its file name and a test load: no checksum is published for it
    ASSERT_TRUE(reloaded.wait(60000));
    EXPECT_TRUE(bridge->engine().sessionStats("inpaint", nullptr)) << "loaded by the reload";
    // A job sees the model, as the Remove tool's would.
    auto seen = std::make_shared<bool>(false);
    EngineJob* job = bridge->submit("probe", [seen](engine::JobContext& context) {
        *seen = context.model("inpaint") != nullptr;
    });
    QSignalSpy done(job, &EngineJob::finished);
    ASSERT_TRUE(done.wait(20000));
    EXPECT_TRUE(*seen);

    window->modelManager()->setConfirmRemovePrompt([](const ModelRow&) { return true; });
    QString error;
    ASSERT_TRUE(window->modelManager()->remove("fill", &error)) << error.toStdString();
    ASSERT_TRUE(reloaded.wait(60000));
    EXPECT_FALSE(bridge->engine().sessionStats("inpaint", nullptr)) << "a removed model is unloaded";
    EXPECT_TRUE(bridge->isReady());
}

TEST_F(ModelsWindow, TheHintNamesTheMissingModelOncePerModeWithALinkToTheDialog) {
    writeFile(models() + "/checked.pt", checkedBytes);  // the faces model is there, the fill is not
    open();
    ModelHint* hint = window->modelHint();
    ASSERT_EQ(window->modePanel()->currentMode(), Mode::RemoveObject);
    EXPECT_TRUE(hint->isVisibleTo(window.get()));
    EXPECT_EQ(hint->modelId(), "fill");
    EXPECT_TRUE(hint->text().contains("Install LaMa for better large fills.")) << hint->text().toStdString();

    // The link opens the dialog at that model.
    emit hint->findChild<QLabel*>()->linkActivated("open");
    auto* dialog = window->findChild<ModelsDialog*>();
    ASSERT_NE(dialog, nullptr);
    EXPECT_TRUE(dialog->isVisible());
    EXPECT_EQ(dialog->selectedId(), "fill");
    dialog->hide();

    window->modePanel()->setCurrentMode(Mode::RestoreFaces);
    EXPECT_FALSE(hint->isVisibleTo(window.get())) << "its model is installed";
    window->modePanel()->setCurrentMode(Mode::RemoveObject);
    EXPECT_FALSE(hint->isVisibleTo(window.get())) << "once per mode: not again this session";
}

TEST_F(ModelsWindow, NoHintWhenTheModelIsInstalledOrTheHintWasDismissed) {
    writeFile(models() + "/fill.pt", "present");
    open();
    EXPECT_FALSE(window->modelHint()->isVisibleTo(window.get()));
    window.reset();

    QFile::remove(models() + "/fill.pt");
    open();
    ASSERT_TRUE(window->modelHint()->isVisibleTo(window.get()));
    emit window->modelHint()->findChild<QLabel*>()->linkActivated("dismiss");
    EXPECT_FALSE(window->modelHint()->isVisibleTo(window.get()));
    window.reset();
    open();  // a later start
    EXPECT_FALSE(window->modelHint()->isVisibleTo(window.get())) << "dismissed for good";
}

TEST_F(ModelsWindow, InstallingTheModelEndsItsHint) {
    writeFile(downloads() + "/renamed.bin", checkedBytes);
    open();
    window->modePanel()->setCurrentMode(Mode::RestoreFaces);
    ModelHint* hint = window->modelHint();
    ASSERT_TRUE(hint->isVisibleTo(window.get()));
    EXPECT_EQ(hint->modelId(), "checked");
    EXPECT_TRUE(window->modelManager()->importFile(downloads() + "/renamed.bin").isEmpty());
    EXPECT_FALSE(hint->isVisibleTo(window.get()));
}

// A manifest of one folder model (prompt fill, the loader's layout) and a copy of its files in
// the downloads folder, the UNet big enough that checking and copying it takes a while.
struct FolderModels : ModelsWindow {
    void SetUp() override {
        ModelsWindow::SetUp();
        QByteArray unet(24 << 20, '\0');
        for (int i = 0; i < unet.size(); i += 4096) unet[i] = char(i / 4096);
        files = {{"unet/diffusion_pytorch_model.safetensors", unet},
                 {"vae/diffusion_pytorch_model.safetensors", QByteArray(3000, 'v')},
                 {"text_encoder/model.safetensors", QByteArray(2000, 't')},
                 {"text_encoder/config.json", "{\"vocab_size\": 49408}"},
                 {"tokenizer/vocab.json", "{}"},
                 {"tokenizer/merges.txt", "#version: 0.2"}};
        QString list;
        for (const auto& [path, body] : files)
            list += QStringLiteral(R"(%1{"path": "%2", "url": "https://example.org/%2", "size": %3, "sha256": "%4"})")
                        .arg(list.isEmpty() ? "" : ",", path)
                        .arg(body.size())
                        .arg(QString::fromLatin1(QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex()));
        writeFile(manifestPath(), QStringLiteral(R"({"models": [{"id": "sd-inpaint", "task": "prompt-fill",
            "name": "SD inpainting", "file": "sd-inpaint", "format": "diffusers", "license": "test",
            "improves": "Fill from a prompt", "files": [%1]}]})").arg(list).toUtf8());
    }
    QString source(const QString& leaveOut = {}) {
        const QString folder = downloads() + "/stable-diffusion-inpainting";
        QDir(folder).removeRecursively();
        for (const auto& [path, body] : files)
            if (path != leaveOut) writeFile(folder + "/" + path, body);
        return folder;
    }
    std::vector<std::pair<QString, QByteArray>> files;
};

TEST_F(FolderModels, ImportFolderChecksOnAWorkerWithProgressAndTheDialogStaysResponsive) {
    EngineBridge bridge(options());
    ModelManager manager(&bridge);
    ModelsDialog dialog(&manager);
    EXPECT_EQ(state(dialog, "sd-inpaint"), "Not installed");
    EXPECT_NE(row(dialog, "sd-inpaint")->text(SizeColumn), "unknown") << "the total of its files";
    EXPECT_TRUE(dialog.importFolderButton()->isEnabled());

    // A folder without the VAE's weights: refused, naming the file the loader looks for.
    QString folder = source("vae/diffusion_pytorch_model.safetensors");
    dialog.setImportFolderPrompt([&] { return folder; });
    dialog.importFolder();
    EXPECT_TRUE(dialog.message().contains("vae/diffusion_pytorch_model.safetensors is missing"))
        << dialog.message().toStdString();
    EXPECT_FALSE(QFileInfo::exists(models() + "/sd-inpaint"));

    // The whole folder: the GUI thread keeps turning (a timer ticks) while the worker hashes and
    // copies 24 MB, the progress bar shows, and the buttons wait.
    folder = source();
    QSignalSpy progress(&manager, &ModelManager::importProgress);
    int ticks = 0;
    bool busyWhileImporting = false;
    QTimer timer;
    QObject::connect(&timer, &QTimer::timeout, [&] {
        ++ticks;
        if (manager.isImporting())
            busyWhileImporting = busyWhileImporting ||
                                 (!dialog.importButton()->isEnabled() && dialog.progressBar()->isVisibleTo(&dialog));
    });
    timer.start(1);
    dialog.importFolder();
    timer.stop();
    EXPECT_TRUE(dialog.message().contains("is imported and installed")) << dialog.message().toStdString();
    EXPECT_GT(ticks, 0) << "the event loop did not run during the import";
    EXPECT_TRUE(busyWhileImporting);
    EXPECT_GE(progress.count(), 2);
    EXPECT_EQ(state(dialog, "sd-inpaint"), "Installed and verified");
    EXPECT_EQ(dialog.selectedId(), "sd-inpaint");
    EXPECT_EQ(bytesOf(models() + "/sd-inpaint/unet/diffusion_pytorch_model.safetensors"), files[0].second);
    EXPECT_TRUE(dialog.importButton()->isEnabled());
    EXPECT_FALSE(dialog.progressBar()->isVisibleTo(&dialog));
}

TEST_F(FolderModels, ADroppedFolderIsInstalledAndThePromptFillFindsItWithoutRestart) {
    open();
    PromptFillOptions* prompt = window->modePanel()->removeOptions()->promptOptions();
    EXPECT_TRUE(prompt->modelNote()->text().contains("Edit > Models")) << "the missing model points there";
    EXPECT_FALSE(prompt->blockReason().isEmpty());
    QSignalSpy errors(window.get(), &MainWindow::errorShown);
    drop({source()});
    EXPECT_EQ(errors.count(), 0) << (errors.isEmpty() ? "" : errors.at(0).at(0).toString().toStdString());
    EXPECT_EQ(window->documentCount(), 0) << "a model folder is not opened as photos";
    EXPECT_EQ(prompt->modelFolder(), models() + "/sd-inpaint");
    EXPECT_TRUE(prompt->blockReason().isEmpty() || !prompt->blockReason().contains("No prompt-fill model"))
        << prompt->blockReason().toStdString();
    EXPECT_FALSE(prompt->modelNote()->isVisibleTo(prompt));
    // Removed again: the prompt fill says it is missing, at once.
    window->modelManager()->setConfirmRemovePrompt([](const ModelRow&) { return true; });
    QString error;
    ASSERT_TRUE(window->modelManager()->remove("sd-inpaint", &error)) << error.toStdString();
    EXPECT_TRUE(prompt->blockReason().contains("Edit > Models")) << prompt->blockReason().toStdString();
}

}  // namespace
}  // namespace pm::ui
