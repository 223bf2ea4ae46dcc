// photomend-cli models list|import|remove, run as a separate process on a test manifest.
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include "tests/engine/tiny_models.h"
#include "tests/model_store/local_http_server.h"

namespace {

struct CliRun {
    int exitCode = -1;
    std::string out, err;
};

void writeFile(const QString& path, const QByteArray& bytes) {
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

class ModelsCli : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(QDir().mkpath(models()));
        ASSERT_TRUE(QDir().mkpath(downloads()));
        const std::string sha = QCryptographicHash::hash(checkedBytes, QCryptographicHash::Sha256).toHex().toStdString();
        const std::string md5 = QCryptographicHash::hash(md5Bytes, QCryptographicHash::Md5).toHex().toStdString();
        const std::string contract = R"({"kind":"inpaint","buckets":[]})";
        manifest = QString::fromStdString(pm::test::writeManifest(
            dir.path().toStdString(),
            pm::test::manifestEntry("fill", "inpaint", "fill.pt", contract) + "," +
                pm::test::manifestEntry("checked", "face", "checked.pt", contract, sha) + "," +
                R"({"id":"by-md5","task":"cartoon","file":"md5.pt","md5":")" + md5 +
                R"(","license":"MIT","improves":"Cartoonize","contract":)" + contract + "}"));
    }
    QString models() const { return dir.filePath("models"); }
    QString downloads() const { return dir.filePath("downloads"); }
    CliRun cli(QStringList args) {
        args.prepend("models");
        args << "--models-dir" << models() << "--manifest" << manifest;
        QProcess p;
        p.start(QStringLiteral(PM_CLI_PATH), args);
        CliRun r;
        // The event loop keeps turning so that a LocalHttpServer in this process can answer.
        QElapsedTimer clock;
        clock.start();
        while (p.state() != QProcess::NotRunning && clock.elapsed() < 120000)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        if (p.state() != QProcess::NotRunning) {
            p.kill();
            p.waitForFinished();
            ADD_FAILURE() << "photomend-cli did not finish";
            return r;
        }
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        r.out = p.readAllStandardOutput().toStdString();
        r.err = p.readAllStandardError().toStdString();
        return r;
    }
    // The lines that list prints for one model id (its block).
    static std::string block(const std::string& out, const std::string& id) {
        const auto at = out.find("\n" + id + "\n");
        if (at == std::string::npos) return {};
        const auto end = out.find("\n  improves:", at);
        return out.substr(at, end - at);
    }

    QTemporaryDir dir;
    QString manifest;
    QByteArray checkedBytes = QByteArray("a model published with a SHA-256").repeated(100);
    QByteArray md5Bytes = QByteArray("a model published with an MD5").repeated(100);
};

TEST_F(ModelsCli, ListShowsEachModelsStateSizeLicenceAndWhatItImproves) {
    writeFile(QDir(models()).filePath("checked.pt"), checkedBytes);
    writeFile(QDir(models()).filePath("md5.pt"), "not the published file");
    const CliRun r = cli({"list"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(block(r.out, "fill").find("not installed"), std::string::npos) << r.out;
    EXPECT_NE(block(r.out, "checked").find("installed and verified"), std::string::npos) << r.out;
    const std::string broken = block(r.out, "by-md5");
    EXPECT_NE(broken.find("broken: md5.pt: checksum mismatch"), std::string::npos) << r.out;
    EXPECT_NE(broken.find("licence: MIT"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("improves: Cartoonize"), std::string::npos) << r.out;
}

TEST_F(ModelsCli, ImportFindsTheModelByItsChecksumWhateverTheFileIsCalled) {
    const QString source = QDir(downloads()).filePath("md5-copy (1).bin");
    writeFile(source, md5Bytes);
    const CliRun r = cli({"import", source});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("by-md5: imported"), std::string::npos) << r.out;
    QFile installed(QDir(models()).filePath("md5.pt"));
    ASSERT_TRUE(installed.open(QIODevice::ReadOnly));
    EXPECT_EQ(installed.readAll(), md5Bytes);
    EXPECT_TRUE(QFileInfo::exists(source));  // a copy: the user's file stays
    EXPECT_NE(block(cli({"list"}).out, "by-md5").find("installed and verified"), std::string::npos);
}

TEST_F(ModelsCli, ImportRefusesAFileWithTheRightNameButTheWrongChecksum) {
    const QString source = QDir(downloads()).filePath("checked.pt");
    writeFile(source, "something else");
    const CliRun r = cli({"import", source});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("checksum mismatch"), std::string::npos) << r.err;
    EXPECT_FALSE(QFileInfo::exists(QDir(models()).filePath("checked.pt")));
}

TEST_F(ModelsCli, ImportWithoutAPublishedChecksumNeedsTheNameAndAModelThatLoads) {
    const QString source = QDir(downloads()).filePath("fill.pt");
    writeFile(source, "not TorchScript at all");
    CliRun r = cli({"import", source});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("fill.pt"), std::string::npos) << r.err;
    EXPECT_FALSE(QFileInfo::exists(QDir(models()).filePath("fill.pt")));

    pm::test::saveGreyFillModel(source.toStdString());
    r = cli({"import", source});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(QFileInfo::exists(QDir(models()).filePath("fill.pt")));

    const QString renamed = QDir(downloads()).filePath("my-fill.pt");
    ASSERT_TRUE(QFile::rename(source, renamed));
    r = cli({"import", renamed});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("matches no model"), std::string::npos) << r.err;
}

TEST_F(ModelsCli, RemoveDeletesTheInstalledFile) {
    writeFile(QDir(models()).filePath("checked.pt"), checkedBytes);
    writeFile(QDir(models()).filePath("checked.pt.part"), "half a download");
    CliRun r = cli({"remove", "checked"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_FALSE(QFileInfo::exists(QDir(models()).filePath("checked.pt")));
    EXPECT_FALSE(QFileInfo::exists(QDir(models()).filePath("checked.pt.part")));
    r = cli({"remove", "checked"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("not installed"), std::string::npos) << r.err;
    EXPECT_EQ(cli({"remove", "nope"}).exitCode, 1);
}

TEST_F(ModelsCli, DownloadFetchesVerifiesAndInstallsAModel) {
    pm::test::LocalHttpServer server("/md5.pt", md5Bytes);
    const std::string md5 = QCryptographicHash::hash(md5Bytes, QCryptographicHash::Md5).toHex().toStdString();
    const std::string entry = R"({"id":"by-md5","task":"cartoon","file":"md5.pt","md5":")" + md5 +
                              R"(","url":")" + server.url("/md5.pt").toStdString() +
                              R"(","contract":{"kind":"inpaint"}})";
    manifest = QString::fromStdString(pm::test::writeManifest(dir.path().toStdString(), entry));
    const CliRun r = cli({"download", "by-md5"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("by-md5: installed and verified"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("100%"), std::string::npos) << r.err;  // progress was shown
    QFile installed(QDir(models()).filePath("md5.pt"));
    ASSERT_TRUE(installed.open(QIODevice::ReadOnly));
    EXPECT_EQ(installed.readAll(), md5Bytes);
}

TEST_F(ModelsCli, DownloadOfAModelWithoutADirectLinkPointsToImport) {
    const std::string entry = R"({"id":"page","task":"face","file":"page.pt",)"
                              R"("url":"https://github.com/yangxy/GPEN","contract":{"kind":"inpaint"}})";
    manifest = QString::fromStdString(pm::test::writeManifest(dir.path().toStdString(), entry));
    const CliRun r = cli({"download", "page"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("models import"), std::string::npos) << r.err;
}

TEST_F(ModelsCli, AFolderModelDownloadsListsImportsAndRemoves) {
    // A diffusers folder (the prompt fill's): every file from the local server, with its SHA-256.
    const std::vector<std::pair<std::string, QByteArray>> files = {
        {"unet/diffusion_pytorch_model.safetensors", QByteArray(70000, 'u')},
        {"vae/diffusion_pytorch_model.safetensors", QByteArray(30000, 'v')},
        {"text_encoder/model.safetensors", QByteArray(20000, 't')},
        {"text_encoder/config.json", "{}"},
        {"tokenizer/vocab.json", "{}"},
        {"tokenizer/merges.txt", "#version: 0.2"}};
    pm::test::LocalHttpServer server("/unused", "x");
    std::string list;
    for (const auto& [path, body] : files) {
        server.addFile(QByteArray::fromStdString("/sd/" + path), body);
        list += std::string(list.empty() ? "" : ",") + R"({"path":")" + path + R"(","url":")" +
                server.url(QString::fromStdString("/sd/" + path)).toStdString() + R"(","size":)" +
                std::to_string(body.size()) + R"(,"sha256":")" +
                QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex().toStdString() + "\"}";
    }
    manifest = QString::fromStdString(pm::test::writeManifest(
        dir.path().toStdString(), R"({"id":"sd","task":"prompt-fill","file":"sd","format":"diffusers","files":[)" +
                                      list + "]}"));
    const CliRun got = cli({"download", "sd"});
    ASSERT_EQ(got.exitCode, 0) << got.err;
    EXPECT_NE(got.out.find("sd: installed and verified"), std::string::npos) << got.out;
    EXPECT_NE(got.err.find("100%"), std::string::npos) << got.err;
    const CliRun listed = cli({"list"});
    EXPECT_NE(listed.out.find("sd (folder sd, 6 files)\n  installed and verified"), std::string::npos) << listed.out;

    const CliRun removed = cli({"remove", "sd"});
    EXPECT_EQ(removed.exitCode, 0) << removed.err;
    EXPECT_FALSE(QFileInfo::exists(QDir(models()).filePath("sd")));

    // Import of a folder without its tokenizer merges: refused, naming the file.
    const QString source = QDir(downloads()).filePath("my-sd");
    for (const auto& [path, body] : files) {
        if (path == "tokenizer/merges.txt") continue;
        const QString file = QDir(source).filePath(QString::fromStdString(path));
        QDir().mkpath(QFileInfo(file).absolutePath());
        writeFile(file, body);
    }
    const CliRun refused = cli({"import", source});
    EXPECT_EQ(refused.exitCode, 1);
    EXPECT_NE(refused.err.find("tokenizer/merges.txt is missing"), std::string::npos) << refused.err;
    writeFile(QDir(source).filePath("tokenizer/merges.txt"), files.back().second);
    const CliRun imported = cli({"import", source});
    EXPECT_EQ(imported.exitCode, 0) << imported.err;
    EXPECT_NE(imported.out.find("sd: imported"), std::string::npos) << imported.out;
    EXPECT_TRUE(QFileInfo(QDir(models()).filePath("sd/tokenizer/merges.txt")).isFile());
}

TEST_F(ModelsCli, WrongUsageExitsWith2) {
    EXPECT_EQ(cli({"frobnicate"}).exitCode, 2);
    EXPECT_EQ(cli({"download"}).exitCode, 2);
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);  // the local HTTP server needs an event loop
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
