#include "model_store/model_download.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include "tests/model_store/local_http_server.h"

namespace pm::models {
namespace {

QByteArray modelBytes() {
    QByteArray bytes;
    for (int i = 0; i < 300000; ++i) bytes.append(static_cast<char>((i % 251) * 31 % 251));  // not all one byte
    return bytes;
}

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

class ModelDownloadTest : public ::testing::Test {
protected:
    DownloadRequest request(const QString& url, QCryptographicHash::Algorithm algorithm = QCryptographicHash::Md5) {
        DownloadRequest r;
        r.url = QUrl(url);
        r.destination = dir.filePath("tiny.pt");
        r.expectedSize = body.size();
        r.algorithm = algorithm;
        r.expectedHex = QCryptographicHash::hash(body, algorithm).toHex();
        r.transferTimeoutMs = 5000;
        return r;
    }
    QTemporaryDir dir;
    QByteArray body = modelBytes();
    test::LocalHttpServer server{"/tiny.pt", body};
};

TEST_F(ModelDownloadTest, AGoodDownloadIsVerifiedAndMovedIntoPlace) {
    qint64 lastReceived = 0;
    const QString error = downloadAndWait(request(server.url("/tiny.pt"), QCryptographicHash::Sha256),
                                          [&](qint64 received, qint64) { lastReceived = received; });
    EXPECT_TRUE(error.isEmpty()) << error.toStdString();
    EXPECT_EQ(readAll(dir.filePath("tiny.pt")), body);
    EXPECT_FALSE(QFileInfo::exists(dir.filePath("tiny.pt.part")));
    EXPECT_EQ(lastReceived, body.size());
}

TEST_F(ModelDownloadTest, TheFirstModelCreatesTheModelsFolder) {
    auto r = request(server.url("/tiny.pt"));
    r.destination = dir.filePath("PhotoMend/models/tiny.pt");
    const QString error = downloadAndWait(r, {});
    EXPECT_TRUE(error.isEmpty()) << error.toStdString();
    EXPECT_EQ(readAll(r.destination), body);
}

TEST_F(ModelDownloadTest, ADroppedConnectionResumesWithARangeRequest) {
    server.dropFirstAfter(100000);
    const QString error = downloadAndWait(request(server.url("/tiny.pt")), {});
    EXPECT_TRUE(error.isEmpty()) << error.toStdString();
    EXPECT_EQ(readAll(dir.filePath("tiny.pt")), body);
    // Qt itself may resend the first GET once when a connection is reset; what matters is that
    // the request that completed the file asked only for the missing bytes.
    const auto& ranges = server.ranges();
    ASSERT_FALSE(ranges.isEmpty());
    EXPECT_EQ(ranges.last(), QByteArray("bytes=100000-")) << ranges.join(" | ").toStdString();
    EXPECT_LE(ranges.size(), 3) << ranges.join(" | ").toStdString();
}

TEST_F(ModelDownloadTest, APartFromAnEarlierRunIsResumed) {
    {
        QFile part(dir.filePath("tiny.pt.part"));
        ASSERT_TRUE(part.open(QIODevice::WriteOnly));
        part.write(body.left(1234));
    }
    const QString error = downloadAndWait(request(server.url("/tiny.pt")), {});
    EXPECT_TRUE(error.isEmpty()) << error.toStdString();
    EXPECT_EQ(readAll(dir.filePath("tiny.pt")), body);
    ASSERT_EQ(server.ranges().size(), 1);
    EXPECT_EQ(server.ranges()[0], QByteArray("bytes=1234-"));
}

TEST_F(ModelDownloadTest, AWrongChecksumIsRefusedAndLeavesNothingBehind) {
    auto r = request(server.url("/tiny.pt"));
    r.expectedHex = QByteArray(32, '0');
    const QString error = downloadAndWait(r, {});
    EXPECT_NE(error.indexOf("checksum mismatch"), -1) << error.toStdString();
    EXPECT_FALSE(QFileInfo::exists(dir.filePath("tiny.pt")));
    EXPECT_FALSE(QFileInfo::exists(dir.filePath("tiny.pt.part")));
}

TEST_F(ModelDownloadTest, AWrongChecksumNeverReplacesAnInstalledModel) {
    {
        QFile old(dir.filePath("tiny.pt"));
        ASSERT_TRUE(old.open(QIODevice::WriteOnly));
        old.write("the model that works");
    }
    auto r = request(server.url("/tiny.pt"));
    r.expectedHex = QByteArray(32, '0');
    EXPECT_FALSE(downloadAndWait(r, {}).isEmpty());
    EXPECT_EQ(readAll(dir.filePath("tiny.pt")), QByteArray("the model that works"));
}

TEST_F(ModelDownloadTest, A404SaysSoAndLeavesNothing) {
    const QString error = downloadAndWait(request(server.url("/missing.pt")), {});
    EXPECT_NE(error.indexOf("404"), -1) << error.toStdString();
    EXPECT_FALSE(QFileInfo::exists(dir.filePath("tiny.pt")));
    EXPECT_FALSE(QFileInfo::exists(dir.filePath("tiny.pt.part")));
}

TEST_F(ModelDownloadTest, NoServerGivesAMessageNotAHang) {
    auto r = request(QStringLiteral("http://127.0.0.1:1/tiny.pt"));  // nothing listens on port 1
    const QString error = downloadAndWait(r, {});
    EXPECT_FALSE(error.isEmpty());
    EXPECT_NE(error.indexOf("127.0.0.1"), -1) << error.toStdString();
}

TEST_F(ModelDownloadTest, AServerThatGoesSilentTimesOutAndKeepsThePart) {
    server.stallAfter(1000);
    auto r = request(server.url("/tiny.pt"));
    r.transferTimeoutMs = 300;
    r.maxAttempts = 2;
    QElapsedTimer clock;
    clock.start();
    const QString error = downloadAndWait(r, {});
    EXPECT_LT(clock.elapsed(), 10000);
    EXPECT_NE(error.indexOf("in time"), -1) << error.toStdString();
    EXPECT_FALSE(QFileInfo::exists(dir.filePath("tiny.pt")));
    EXPECT_GE(QFileInfo(dir.filePath("tiny.pt.part")).size(), 1000);  // resumable later
}

TEST_F(ModelDownloadTest, CancelKeepsThePartForNextTime) {
    ModelDownload download(request(server.url("/tiny.pt")));
    bool ok = true;
    QString message;
    bool done = false;
    QObject::connect(&download, &ModelDownload::progress, [&](qint64, qint64) { download.cancel(); });
    QObject::connect(&download, &ModelDownload::finished, [&](bool o, const QString& m) {
        ok = o;
        message = m;
        done = true;
    });
    download.start();
    while (!done) QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
    EXPECT_FALSE(ok);
    EXPECT_NE(message.indexOf("cancelled"), -1) << message.toStdString();
    EXPECT_FALSE(QFileInfo::exists(dir.filePath("tiny.pt")));
    EXPECT_GT(QFileInfo(dir.filePath("tiny.pt.part")).size(), 0);
}

}  // namespace
}  // namespace pm::models

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);  // QNetworkAccessManager and QTcpServer need one
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
