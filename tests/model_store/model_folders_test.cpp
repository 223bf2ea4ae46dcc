// Folder models (PowerPaint v1, SD-1.5 inpainting as diffusers folders): every file downloaded
// from a local HTTP server on 127.0.0.1, resumed after a dropped connection, a wrong checksum in
// one file leaving nothing behind, the folder visible only when complete; import checks the
// loader's layout and the published checksums; state and remove.
#include "model_store/model_folders.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QThread>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "tests/model_store/local_http_server.h"

namespace pm::models {
namespace {

QByteArray bytes(int size, int seed) {
    QByteArray b;
    b.reserve(size);
    for (int i = 0; i < size; ++i) b.append(static_cast<char>((i * 31 + seed * 7) % 251));
    return b;
}

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void write(const QString& path, const QByteArray& content) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(content);
}

// Everything in a folder, hidden entries included.
QStringList everything(const QString& dir) {
    return QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
}

// The files of a small diffusers folder in the loader's layout (the weights are just bytes: the
// store never loads them), served by a local server, and a manifest entry listing them.
class FolderModelTest : public ::testing::Test {
protected:
    void SetUp() override {
        files = {{"unet/diffusion_pytorch_model.safetensors", bytes(300000, 1)},
                 {"vae/diffusion_pytorch_model.safetensors", bytes(120000, 2)},
                 {"text_encoder/model.safetensors", bytes(90000, 3)},
                 {"text_encoder/config.json", QByteArray("{\"vocab_size\": 49408}")},
                 {"tokenizer/vocab.json", bytes(5000, 4)},
                 {"tokenizer/merges.txt", bytes(4000, 5)}};
        for (const auto& [path, body] : files) server.addFile("/sd/" + path.toUtf8(), body);
    }
    engine::ModelRegistry registry(const QString& wrongShaFor = {}) {
        QString list;
        for (const auto& [path, body] : files) {
            QByteArray sha = QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex();
            if (path == wrongShaFor) sha = QCryptographicHash::hash("something else", QCryptographicHash::Sha256).toHex();
            list += QStringLiteral(R"(%1{"path": "%2", "url": "%3", "size": %4, "sha256": "%5"})")
                        .arg(list.isEmpty() ? "" : ",", path, server.url("/sd/" + path))
                        .arg(body.size())
                        .arg(QString::fromLatin1(sha));
        }
        const QString json = QStringLiteral(R"({"models": [{"id": "sd-inpaint", "task": "prompt-fill",
            "name": "SD inpainting", "file": "sd-inpaint", "format": "diffusers", "files": [%1]}]})")
                                 .arg(list);
        return engine::ModelRegistry::parse(json.toStdString(), models().toStdString());
    }
    QString models() const { return dir.filePath("models"); }
    QString installed() const { return dir.filePath("models/sd-inpaint"); }
    /// A copy of the files in a folder of its own, as a user has it after downloading by hand.
    QString sourceFolder(const QString& leaveOut = {}) {
        const QString source = dir.filePath("downloads/my-sd-copy");
        for (const auto& [path, body] : files)
            if (path != leaveOut) write(source + "/" + path, body);
        return source;
    }

    QTemporaryDir dir;
    std::vector<std::pair<QString, QByteArray>> files;
    test::LocalHttpServer server{"/unused", "x"};
};

TEST_F(FolderModelTest, TheManifestGivesEachFileAndTheTotalSize) {
    const auto r = registry();
    const engine::ModelEntry& e = r.entries().at(0);
    EXPECT_TRUE(e.isFolder());
    ASSERT_EQ(e.files.size(), files.size());
    int64_t total = 0;
    for (const auto& [path, body] : files) total += body.size();
    EXPECT_EQ(e.sizeBytes, total);
    EXPECT_TRUE(hasDirectDownload(e));
    // A path that would leave the model's folder is refused, naming the field.
    const std::string escaping = R"({"models": [{"id": "x", "task": "prompt-fill", "file": "x",
        "format": "diffusers", "files": [{"path": "../evil.bin", "url": "http://127.0.0.1/e"}]}]})";
    try {
        engine::ModelRegistry::parse(escaping, "/tmp");
        ADD_FAILURE() << "a path with .. was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("\"path\""), std::string::npos) << e.what();
    }
}

TEST_F(FolderModelTest, AFolderModelDownloadsCompletelyAndAppearsOnlyWhenWhole) {
    const auto r = registry();
    const engine::ModelEntry& e = r.entries().at(0);
    EXPECT_EQ(checkInstalled(e, models()).state, FileState::NotInstalled);
    bool visibleEarly = false;
    qint64 last = 0;
    const QString error = downloadFolderAndWait(e, models(), [&](qint64 received, qint64 total) {
        visibleEarly = visibleEarly || QFileInfo::exists(installed());
        EXPECT_EQ(total, e.sizeBytes);
        last = received;
    }, 5000);
    ASSERT_TRUE(error.isEmpty()) << error.toStdString();
    EXPECT_FALSE(visibleEarly) << "the folder appeared before every file was there";
    EXPECT_EQ(last, e.sizeBytes);
    for (const auto& [path, body] : files) EXPECT_EQ(readAll(installed() + "/" + path), body) << path.toStdString();
    EXPECT_EQ(everything(models()), QStringList{"sd-inpaint"}) << "no temporary folder left";
    const FileCheck check = checkInstalled(e, models());
    EXPECT_EQ(check.state, FileState::Verified) << check.problem.toStdString();
}

TEST_F(FolderModelTest, ADroppedConnectionResumesTheFileWhereItStopped) {
    server.dropFirstAfter(100000, "/sd/unet/diffusion_pytorch_model.safetensors");
    const auto r = registry();
    const QString error = downloadFolderAndWait(r.entries().at(0), models(), {}, 5000);
    ASSERT_TRUE(error.isEmpty()) << error.toStdString();
    EXPECT_EQ(readAll(installed() + "/unet/diffusion_pytorch_model.safetensors"), files[0].second);
    EXPECT_TRUE(server.ranges().contains("bytes=100000-")) << server.ranges().join(" | ").toStdString();
    EXPECT_EQ(checkInstalled(r.entries().at(0), models()).state, FileState::Verified);
}

TEST_F(FolderModelTest, ACancelledDownloadResumesNextTimeWithoutFetchingFinishedFilesAgain) {
    const auto r = registry();
    const engine::ModelEntry& e = r.entries().at(0);
    {
        FolderDownload download(e, models());
        download.setTransferTimeoutMs(5000);
        bool done = false;
        QString message;
        // Cancel once the second file (the VAE) has begun: the UNet is whole in the temporary folder.
        QObject::connect(&download, &FolderDownload::progress, &download, [&](qint64 received, qint64) {
            if (received > files[0].second.size()) download.cancel();
        });
        QObject::connect(&download, &FolderDownload::finished, &download, [&](bool ok, const QString& m) {
            EXPECT_FALSE(ok);
            message = m;
            done = true;
        });
        download.start();
        QElapsedTimer clock;
        clock.start();
        while (!done && clock.elapsed() < 20000) QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        ASSERT_TRUE(done);
        EXPECT_TRUE(message.contains("cancelled")) << message.toStdString();
    }
    EXPECT_FALSE(QFileInfo::exists(installed())) << "an unfinished folder is not installed";
    const int requestsBefore = server.targets().size();
    const QString error = downloadFolderAndWait(e, models(), {}, 5000);
    ASSERT_TRUE(error.isEmpty()) << error.toStdString();
    const QList<QByteArray> later = server.targets().mid(requestsBefore);
    EXPECT_FALSE(later.contains("/sd/unet/diffusion_pytorch_model.safetensors"))
        << "the finished UNet was fetched again";
    EXPECT_EQ(checkInstalled(e, models()).state, FileState::Verified);
}

TEST_F(FolderModelTest, AWrongChecksumInOneFileLeavesNothingBehind) {
    const auto r = registry("vae/diffusion_pytorch_model.safetensors");
    const QString error = downloadFolderAndWait(r.entries().at(0), models(), {}, 5000);
    EXPECT_TRUE(error.contains("vae/diffusion_pytorch_model.safetensors")) << error.toStdString();
    EXPECT_TRUE(error.contains("checksum mismatch")) << error.toStdString();
    EXPECT_FALSE(QFileInfo::exists(installed()));
    EXPECT_TRUE(everything(models()).isEmpty()) << everything(models()).join(", ").toStdString();
}

TEST_F(FolderModelTest, ImportOfAFolderMissingAFileIsRefusedNamingIt) {
    const auto r = registry();
    const QString source = sourceFolder("vae/diffusion_pytorch_model.safetensors");
    QString id;
    const QString problem = importFolder(r, source, QString(), &id);
    EXPECT_TRUE(problem.contains("vae/diffusion_pytorch_model.safetensors is missing")) << problem.toStdString();
    EXPECT_TRUE(problem.contains("not imported")) << problem.toStdString();
    EXPECT_TRUE(id.isEmpty());
    EXPECT_FALSE(QFileInfo::exists(installed()));
    // The tokenizer is named too when it is what is missing.
    QDir(source).removeRecursively();
    const QString noMerges = importFolder(r, sourceFolder("tokenizer/merges.txt"), QString(), &id);
    EXPECT_TRUE(noMerges.contains("tokenizer/merges.txt is missing")) << noMerges.toStdString();
}

TEST_F(FolderModelTest, ImportChecksThePublishedFilesAndCopiesTheFolderWhole) {
    const auto r = registry();
    const QString source = sourceFolder();
    // A published file with other bytes (same size) is refused, naming it; nothing is copied.
    QByteArray changed = files[1].second;
    changed[10] = char(changed[10] + 1);
    write(source + "/" + files[1].first, changed);
    QString id;
    const QString refused = importFolder(r, source, QString(), &id);
    EXPECT_TRUE(refused.contains(files[1].first + ": checksum mismatch")) << refused.toStdString();
    EXPECT_TRUE(everything(models()).isEmpty()) << everything(models()).join(", ").toStdString();

    write(source + "/" + files[1].first, files[1].second);
    qint64 lastDone = 0, lastTotal = 0;
    const QString problem = importFolder(r, source, QString(), &id, [&](qint64 done, qint64 total) {
        lastDone = done;
        lastTotal = total;
    });
    ASSERT_TRUE(problem.isEmpty()) << problem.toStdString();
    EXPECT_EQ(id, "sd-inpaint") << "identified by the files it holds, whatever the folder is called";
    EXPECT_GT(lastTotal, 0);
    EXPECT_EQ(lastDone, lastTotal);
    for (const auto& [path, body] : files) EXPECT_EQ(readAll(installed() + "/" + path), body) << path.toStdString();
    EXPECT_EQ(everything(models()), QStringList{"sd-inpaint"});
    EXPECT_EQ(checkInstalled(r.entries().at(0), models()).state, FileState::Verified);
    EXPECT_TRUE(QFileInfo::exists(source + "/" + files[0].first)) << "import copies";
}

TEST_F(FolderModelTest, StateNamesTheBrokenFileAndRemoveDeletesTheFolder) {
    const auto r = registry();
    const engine::ModelEntry& e = r.entries().at(0);
    QString id;
    ASSERT_TRUE(importFolder(r, sourceFolder(), QString(), &id).isEmpty());
    // A truncated published file: broken, naming it.
    write(installed() + "/tokenizer/vocab.json", "short");
    FileCheck check = checkInstalled(e, models());
    EXPECT_EQ(check.state, FileState::Broken);
    EXPECT_TRUE(check.problem.startsWith("tokenizer/vocab.json: expected 5000 bytes")) << check.problem.toStdString();
    // A missing weight file: broken, naming the file the loader looks for.
    QFile::remove(installed() + "/unet/diffusion_pytorch_model.safetensors");
    check = checkInstalled(e, models());
    EXPECT_EQ(check.state, FileState::Broken);
    EXPECT_TRUE(check.problem.startsWith("unet/diffusion_pytorch_model.safetensors is missing")) << check.problem.toStdString();

    EXPECT_TRUE(removeModel(r, "sd-inpaint").isEmpty());
    EXPECT_FALSE(QFileInfo::exists(installed()));
    EXPECT_EQ(checkInstalled(e, models()).state, FileState::NotInstalled);
    EXPECT_FALSE(removeModel(r, "sd-inpaint").isEmpty()) << "removing twice says it is not installed";
}

TEST_F(FolderModelTest, AFolderCopiedInByHandIsNotCalledVerified) {
    const auto r = registry();
    const QString target = installed();
    for (const auto& [path, body] : files) write(target + "/" + path, body);
    const FileCheck check = checkInstalled(r.entries().at(0), models());
    EXPECT_EQ(check.state, FileState::Unverified);
    EXPECT_TRUE(check.problem.contains("not checked")) << check.problem.toStdString();
}

TEST_F(FolderModelTest, ImportRunsOnAWorkerThreadAndCanBeCancelled) {
    const auto r = registry();
    const QString source = sourceFolder();
    std::atomic<bool> cancelled{false};
    QString problem;
    QString id;
    // Cancelled as soon as it reports progress: nothing may be left in the models folder.
    QThread* worker = QThread::create([&] {
        problem = importFolder(r, source, QString(), &id, [&](qint64, qint64) { cancelled = true; }, &cancelled);
    });
    worker->start();
    ASSERT_TRUE(worker->wait(20000));
    delete worker;
    EXPECT_TRUE(problem.contains("cancelled")) << problem.toStdString();
    EXPECT_FALSE(QFileInfo::exists(installed()));
    EXPECT_TRUE(everything(models()).isEmpty()) << everything(models()).join(", ").toStdString();
}

}  // namespace
}  // namespace pm::models
