// The window never replaces a photo the user did not name: Save As onto a link to another photo
// is refused (QSaveFile would write through the link), and a batch output folder that is an input
// folder under another name or through a link is refused like the folder itself.
#include <QDir>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include "core/image/image_io.h"
#include "tests/support/testdata.h"
#include "ui/batch_dialog.h"
#include "ui/document.h"
#include "ui/engine_bridge.h"

namespace {

namespace fs = std::filesystem;

std::string bytesOf(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

cv::Mat noise(int seed) {
    cv::Mat pixels(48, 64, CV_8UC3);
    cv::RNG(seed).fill(pixels, cv::RNG::UNIFORM, 0, 256);
    return pixels;
}

TEST(SaveSafety, SaveAsOntoALinkToAnotherPhotoIsRefused) {
    pm::test::TempDir dir;
    ASSERT_TRUE(cv::imwrite(dir.file("mine.png"), noise(1)));
    ASSERT_TRUE(cv::imwrite(dir.file("other.png"), noise(2)));
    const std::string other = bytesOf(dir.file("other.png"));
    fs::create_symlink(dir.file("other.png"), dir.file("shortcut.png"));
    QString error;
    std::unique_ptr<pm::ui::Document> doc(
        pm::ui::Document::open(QString::fromStdString(dir.file("mine.png")), &error));
    ASSERT_TRUE(doc) << error.toStdString();
    const pm::photo_io::WriteResult result =
        doc->saveAs(QString::fromStdString(dir.file("shortcut.png")));
    EXPECT_FALSE(result.ok);
    EXPECT_TRUE(result.error.contains("other.png")) << result.error.toStdString();
    EXPECT_EQ(bytesOf(dir.file("other.png")), other);
    EXPECT_TRUE(fs::is_symlink(dir.file("shortcut.png")));
}

TEST(SaveSafety, SaveThroughALinkToItsOwnFileStillWorks) {
    pm::test::TempDir dir;
    ASSERT_TRUE(cv::imwrite(dir.file("mine.png"), noise(1)));
    fs::create_symlink(dir.file("mine.png"), dir.file("shortcut.png"));
    QString error;
    std::unique_ptr<pm::ui::Document> doc(
        pm::ui::Document::open(QString::fromStdString(dir.file("shortcut.png")), &error));
    ASSERT_TRUE(doc) << error.toStdString();
    EXPECT_TRUE(doc->save().ok);
    EXPECT_TRUE(doc->saveAs(QString::fromStdString(dir.file("mine.png"))).ok);
}

TEST(SaveSafety, BatchOutputFolderThatIsTheInputFolderByAnotherPathIsRefused) {
    pm::test::TempDir dir;
    pm::engine::EngineOptions options;
    options.device = pm::engine::DevicePreference::Cpu;
    options.modelsDir = dir.path();
    pm::ui::EngineBridge bridge(options);
    fs::create_directories(dir.file("in"));
    ASSERT_TRUE(cv::imwrite(dir.file("in/p.png"), noise(3)));
    fs::create_directory_symlink(dir.file("in"), dir.file("linked"));
    pm::ui::BatchDialog dialog(&bridge);
    dialog.addFiles({QString::fromStdString(dir.file("in"))});
    ASSERT_EQ(dialog.files().size(), 1);
    for (const std::string& folder : {dir.file("linked"), dir.file("in/../in/.")}) {
        dialog.setOutputFolder(QString::fromStdString(folder));
        EXPECT_FALSE(dialog.start()) << folder;
    }
}

}  // namespace
