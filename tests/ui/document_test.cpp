#include <QFile>
#include <QSignalSpy>
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/image/image_io.h"
#include "tests/support/testdata.h"
#include "ui/document.h"

using pm::ui::Document;

namespace {

pm::image::LoadedPhoto syntheticPhoto(int w, int h, int seed = 1) {
    pm::image::LoadedPhoto photo;
    photo.pixels.create(h, w, CV_8UC3);
    cv::RNG rng(seed);
    rng.fill(photo.pixels, cv::RNG::UNIFORM, 0, 256);
    photo.format = pm::image::Format::Png;
    return photo;
}

bool identical(const cv::Mat& a, const cv::Mat& b) {
    return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

// What an operation returns: the image with a rectangle changed.
cv::Mat withChange(const cv::Mat& image, cv::Rect rect, int value) {
    cv::Mat out = image.clone();
    out(rect).setTo(cv::Scalar::all(value));
    return out;
}

TEST(DocumentUndo, StrokesAndOperationsUndoAndRedoBitExactly) {
    Document doc(syntheticPhoto(320, 240), "/tmp/x.png");
    const cv::Mat image0 = doc.image().clone();
    std::vector<cv::Mat> images{image0}, masks{doc.mask().clone()};

    doc.beginStroke(false);
    doc.strokeSegment({20, 20}, {200, 120}, 9);
    doc.endStroke();
    images.push_back(doc.image().clone());
    masks.push_back(doc.mask().clone());
    ASSERT_GT(cv::countNonZero(doc.mask()), 1000);

    ASSERT_TRUE(doc.applyResult(withChange(doc.image(), {30, 40, 100, 50}, 7), {30, 40, 100, 50}, "op1"));
    images.push_back(doc.image().clone());
    masks.push_back(doc.mask().clone());
    EXPECT_EQ(cv::countNonZero(doc.mask()), 0) << "applying clears the mask in the same step";

    doc.beginStroke(false);
    doc.strokeSegment({300, 10}, {10, 230}, 4);
    doc.endStroke();
    images.push_back(doc.image().clone());
    masks.push_back(doc.mask().clone());
    doc.beginStroke(true);  // eraser
    doc.strokeSegment({150, 0}, {150, 239}, 6);
    doc.endStroke();
    images.push_back(doc.image().clone());
    masks.push_back(doc.mask().clone());
    ASSERT_TRUE(doc.applyResult(withChange(doc.image(), {0, 0, 320, 240}, 200), {0, 0, 320, 240}, "op2"));
    images.push_back(doc.image().clone());
    masks.push_back(doc.mask().clone());
    ASSERT_EQ(doc.undoStack()->count(), 5);

    ASSERT_EQ(images.size(), 6u);  // the state after each step, index 0 = as opened

    // Undo everything: every intermediate state comes back bit-exactly, then redo replays them.
    for (int index = 4; index >= 0; --index) {
        doc.undo();
        EXPECT_TRUE(identical(doc.image(), images[index])) << "image after undo to step " << index;
        EXPECT_TRUE(identical(doc.mask(), masks[index])) << "mask after undo to step " << index;
    }
    EXPECT_TRUE(identical(doc.image(), image0));
    for (int index = 1; index <= 5; ++index) {
        doc.redo();
        EXPECT_TRUE(identical(doc.image(), images[index]));
        EXPECT_TRUE(identical(doc.mask(), masks[index]));
    }
}

TEST(DocumentUndo, ModifiedFollowsPixelsNotMaskStrokes) {
    Document doc(syntheticPhoto(64, 64), "/tmp/x.png");
    EXPECT_FALSE(doc.isModified());
    doc.beginStroke(false);
    doc.strokeSegment({5, 5}, {50, 50}, 3);
    doc.endStroke();
    EXPECT_FALSE(doc.isModified()) << "painting a mask changes no pixels";
    QSignalSpy modified(&doc, &Document::modifiedChanged);
    doc.applyResult(withChange(doc.image(), {0, 0, 10, 10}, 1), {0, 0, 10, 10}, "op");
    EXPECT_TRUE(doc.isModified());
    doc.undo();
    EXPECT_FALSE(doc.isModified()) << "undoing back to the opened pixels is unmodified again";
    doc.redo();
    EXPECT_TRUE(doc.isModified());
    EXPECT_EQ(modified.count(), 3);
}

TEST(DocumentUndo, StaysUnderTheByteBudgetDroppingTheOldestSteps) {
    // 50 operations on a 24-megapixel photo, each touching a large region.
    pm::image::LoadedPhoto photo;
    photo.pixels = cv::Mat(4000, 6000, CV_8UC3, cv::Scalar(10, 20, 30));
    Document doc(std::move(photo), "/tmp/big.jpg");
    ASSERT_EQ(doc.undoBudget(), size_t(1) << 30) << "default budget is 1 GiB";
    cv::Mat scratch = doc.image().clone();
    std::vector<cv::Mat> lastStates;
    for (int i = 0; i < 50; ++i) {
        const cv::Rect rect((i * 97) % 3000, (i * 53) % 2000, 3000, 2000);  // 6 MP: 36 MB a step
        scratch(rect).setTo(cv::Scalar::all(i * 5));
        ASSERT_TRUE(doc.applyResult(scratch, rect, QString("op %1").arg(i)));
        EXPECT_LE(doc.undoBytes(), doc.undoBudget()) << "after operation " << i;
        if (i >= 45) lastStates.push_back(doc.image().clone());
    }
    EXPECT_GT(doc.firstUndoableIndex(), 0) << "the oldest steps were dropped";
    EXPECT_LT(doc.firstUndoableIndex(), 45) << "but not the recent ones";
    // The most recent steps still undo exactly.
    for (int k = 4; k >= 1; --k) {
        doc.undo();
        EXPECT_TRUE(identical(doc.image(), lastStates[k - 1]));
    }
    // Undo stops at the oldest kept step instead of corrupting pixels.
    while (doc.canUndo()) doc.undo();
    EXPECT_EQ(doc.undoStack()->index(), doc.firstUndoableIndex());
    doc.undoStack()->setIndex(0);  // e.g. a click in the history panel on a dropped step
    EXPECT_EQ(doc.undoStack()->index(), doc.firstUndoableIndex());
}

TEST(DocumentSave, AFailedWriteLeavesTheOriginalIntact) {
    pm::test::TempDir dir;
    const std::string path = dir.file("photo.png");
    const pm::image::LoadedPhoto photo = syntheticPhoto(400, 300, 7);
    ASSERT_TRUE(cv::imwrite(path, photo.pixels));
    QFile original(QString::fromStdString(path));
    ASSERT_TRUE(original.open(QIODevice::ReadOnly));
    const QByteArray before = original.readAll();
    original.close();

    QString error;
    std::unique_ptr<Document> doc(Document::open(QString::fromStdString(path), &error));
    ASSERT_TRUE(doc) << error.toStdString();
    doc->applyResult(withChange(doc->image(), {0, 0, 400, 300}, 99), {0, 0, 400, 300}, "op");

    // The "disk" fails after the new file's bytes were written, before it replaced the original.
    const pm::photo_io::WriteResult result =
        doc->saveAs(QString::fromStdString(path), [](qint64 written) { return written == 0; });
    EXPECT_FALSE(result.ok);
    EXPECT_TRUE(result.error.contains("photo.png")) << result.error.toStdString();
    EXPECT_TRUE(doc->isModified()) << "a failed save must not mark the work as saved";
    ASSERT_TRUE(original.open(QIODevice::ReadOnly));
    EXPECT_EQ(original.readAll(), before) << "the original file is untouched";
    original.close();
    size_t files = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++files;
    EXPECT_EQ(files, 1u) << "no temporary file is left behind";

    // A save that succeeds writes the edited pixels and clears the modified flag.
    ASSERT_TRUE(doc->save().ok);
    EXPECT_FALSE(doc->isModified());
    EXPECT_TRUE(identical(cv::imread(path, cv::IMREAD_UNCHANGED), doc->image()));
}

TEST(DocumentSave, UnwritableTargetGivesAClearMessageAndKeepsTheDocument) {
    pm::test::TempDir dir;
    Document doc(syntheticPhoto(32, 32), QString::fromStdString(dir.file("a.png")));
    // A path whose "folder" is a regular file cannot be written, even by root.
    QFile blocker(QString::fromStdString(dir.file("notafolder")));
    ASSERT_TRUE(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    const pm::photo_io::WriteResult result =
        doc.saveAs(QString::fromStdString(dir.file("notafolder/a.png")));
    EXPECT_FALSE(result.ok);
    EXPECT_TRUE(result.error.startsWith("Could not save")) << result.error.toStdString();
    EXPECT_TRUE(doc.path().endsWith("a.png") && !doc.path().contains("notafolder"));
}

TEST(DocumentOpen, CorruptFileGivesAMessageNamingIt) {
    pm::test::TempDir dir;
    const std::string path = dir.file("broken.jpg");
    QFile f(QString::fromStdString(path));
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write("\xFF\xD8\xFF\xE0 this is not really a jpeg", 30);
    f.close();
    QString error;
    EXPECT_EQ(Document::open(QString::fromStdString(path), &error), nullptr);
    EXPECT_TRUE(error.contains("broken.jpg")) << error.toStdString();
}

TEST(DocumentMask, ClearAndInvertAreUndoable) {
    Document doc(syntheticPhoto(50, 40), "/tmp/x.png");
    doc.invertMask();
    EXPECT_EQ(cv::countNonZero(doc.mask()), 50 * 40);
    doc.clearMask();
    EXPECT_FALSE(doc.hasMask());
    doc.undo();
    EXPECT_EQ(cv::countNonZero(doc.mask()), 50 * 40);
    doc.undo();
    EXPECT_FALSE(doc.hasMask());
}

}  // namespace

// The photo shares the original's pixels until its first edit: the edit must copy them, or the
// before/after compare (and "revert") would show the edited photo as the original.
TEST(DocumentPixels, AnEditNeverReachesTheOriginal) {
    Document doc(syntheticPhoto(320, 240, 5), "/tmp/x.png");
    const cv::Mat before = doc.original().clone();
    ASSERT_TRUE(doc.applyResult(withChange(doc.image(), {10, 10, 50, 40}, 200), {10, 10, 50, 40}, "op"));
    EXPECT_TRUE(identical(doc.original(), before));
    EXPECT_FALSE(identical(doc.image(), before));
    EXPECT_EQ(doc.image().at<cv::Vec3b>(20, 20), cv::Vec3b(200, 200, 200));
}

// Zoomed-out levels come from the pixels; after an edit they show the edit, not the stale photo.
TEST(DocumentPixels, DisplayLevelsFollowAnEdit) {
    Document doc(syntheticPhoto(400, 300, 6), "/tmp/x.png");
    const QImage stale = doc.displayLevel(2).copy();
    EXPECT_EQ(stale.size(), QSize(100, 75));
    ASSERT_TRUE(doc.applyResult(withChange(doc.image(), {0, 0, 400, 300}, 255), {0, 0, 400, 300}, "white"));
    const QImage level = doc.displayLevel(2);
    EXPECT_EQ(level.size(), QSize(100, 75));
    EXPECT_EQ(QColor(level.pixel(50, 40)), QColor(255, 255, 255));
    EXPECT_EQ(QColor(doc.displayImage().pixel(399, 299)), QColor(255, 255, 255));
    // The original's levels stay the photo as opened.
    EXPECT_NE(QColor(doc.displayOriginal(2).pixel(50, 40)), QColor(255, 255, 255));
    EXPECT_EQ(doc.displayOriginal(3).size(), QSize(50, 37));
}

// Opening and showing a photo allocates no mask (a 12 MP photo's zero mask is 12 MB of fresh pages
// before the first paint); edits, undo, redo and save that never touch the selection keep it so,
// and the first stroke gets a mask of the image's size that undo returns to all zero.
TEST(DocumentMask, OpeningShowingEditingAndSavingReserveNoMaskUntilTheFirstStroke) {
    pm::test::TempDir dir;
    Document doc(syntheticPhoto(400, 300, 8), QString::fromStdString(dir.file("photo.png")));
    EXPECT_EQ(doc.displayLevel(2).size(), QSize(100, 75));
    EXPECT_FALSE(doc.displayImage().isNull());
    EXPECT_FALSE(doc.hasMask());
    EXPECT_TRUE(doc.maskBounds().isEmpty());
    doc.clearMask();
    EXPECT_EQ(doc.undoStack()->count(), 0) << "clearing an empty selection is no step";
    ASSERT_TRUE(doc.applyResult(withChange(doc.image(), {5, 5, 40, 30}, 9), {5, 5, 40, 30}, "op"));
    doc.undo();
    doc.redo();
    ASSERT_TRUE(doc.save().ok);
    EXPECT_TRUE(identical(cv::imread(dir.file("photo.png"), cv::IMREAD_UNCHANGED), doc.image()));
    EXPECT_EQ(doc.maskBytes(), 0u) << "nothing selected yet: the mask holds no memory";

    doc.beginStroke(false);
    EXPECT_EQ(doc.maskBytes(), 400u * 300u);
    doc.strokeSegment({50, 50}, {150, 100}, 6);
    doc.endStroke();
    EXPECT_GT(cv::countNonZero(doc.mask()), 500);
    EXPECT_EQ(doc.maskOverlay().size(), QSize(400, 300));
    doc.undo();
    EXPECT_EQ(doc.mask().size(), cv::Size(400, 300));
    EXPECT_EQ(cv::countNonZero(doc.mask()), 0) << "undoing the first stroke leaves nothing selected";
    EXPECT_FALSE(doc.hasMask());
    doc.redo();
    EXPECT_GT(cv::countNonZero(doc.mask()), 500);
}

// Every reader of a mask nobody has touched yet sees it all zero at the image's size: the overlay,
// invert, and the canvas growing (whose undo brings back the old size with nothing selected).
TEST(DocumentMask, AnUntouchedMaskReadsAllZeroAtTheImageSize) {
    {
        Document doc(syntheticPhoto(64, 48), "/tmp/x.png");
        const QImage overlay = doc.maskOverlay();
        ASSERT_EQ(overlay.size(), QSize(64, 48));
        EXPECT_EQ(qAlpha(overlay.pixel(10, 10)), 0) << "nothing selected: the overlay is clear";
        EXPECT_EQ(doc.mask().size(), cv::Size(64, 48));
        EXPECT_EQ(cv::countNonZero(doc.mask()), 0);
    }
    {
        Document doc(syntheticPhoto(64, 48), "/tmp/x.png");
        doc.invertMask();
        EXPECT_EQ(cv::countNonZero(doc.mask()), 64 * 48);
        doc.undo();
        EXPECT_EQ(cv::countNonZero(doc.mask()), 0);
        EXPECT_EQ(doc.mask().size(), cv::Size(64, 48));
    }
    {
        Document doc(syntheticPhoto(64, 48), "/tmp/x.png");
        cv::Mat bigger(60, 80, CV_8UC3, cv::Scalar::all(30));
        doc.replaceImage(bigger, "extend");
        EXPECT_EQ(doc.mask().size(), cv::Size(80, 60));
        EXPECT_EQ(cv::countNonZero(doc.mask()), 0);
        doc.undo();
        EXPECT_EQ(doc.image().size(), cv::Size(64, 48));
        EXPECT_EQ(doc.mask().size(), cv::Size(64, 48)) << "undo brings back the old size's mask";
        EXPECT_EQ(cv::countNonZero(doc.mask()), 0);
        doc.redo();
        EXPECT_EQ(doc.mask().size(), cv::Size(80, 60));
    }
}
