// photomend-cli on a folder goes through the batch pipeline (decode, model and save overlapped):
// every photo must come out exactly as the one-file command writes it, in the photos' order, with
// no more photos in memory than asked, and a corrupt photo in the middle must not stop the rest.
#include <filesystem>
#include <regex>

#include <opencv2/imgcodecs.hpp>

#include "tests/e2e/cli_runner.h"
#include "tests/support/testdata.h"

namespace pm::test {
namespace {

const cv::Size kSize(160, 120);
constexpr int kPhotos = 9;
const std::string kCorrupt = "p4-corrupt.png";  // sorted into the middle of the folder

std::string photoName(int i) {
    return "p" + std::to_string(i) + (i % 3 == 2 ? ".jpg" : ".png");
}

// kPhotos photos with an object each, their masks (by name) and one corrupt photo in the middle.
void writeFolder(const TempDir& dir) {
    std::filesystem::create_directories(dir.file("in"));
    std::filesystem::create_directories(dir.file("masks"));
    for (int i = 0; i < kPhotos; ++i) {
        const cv::Point center(30 + 11 * i, 25 + 7 * i);
        ASSERT_TRUE(cv::imwrite(dir.file("in/" + photoName(i)),
                                withObject(texturedBackground(kSize, 5 * i + 1), center, 9)));
        ASSERT_TRUE(cv::imwrite(dir.file("masks/p" + std::to_string(i) + ".png"),
                                diskMask(kSize, center, 11)));
    }
    writeBytes(dir.file("in/" + kCorrupt), std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
    ASSERT_TRUE(cv::imwrite(dir.file("masks/p4-corrupt.png"), diskMask(kSize, {80, 60}, 11)));
}

bool samePixels(const std::string& a, const std::string& b) {
    const cv::Mat x = cv::imread(a, cv::IMREAD_UNCHANGED), y = cv::imread(b, cv::IMREAD_UNCHANGED);
    return !x.empty() && x.size() == y.size() && x.type() == y.type() &&
           cv::countNonZero(x.reshape(1) != y.reshape(1)) == 0;
}

// The photos' lines on stdout, in the order printed: "IN -> OUT (...)".
std::vector<std::string> doneNames(const std::string& out) {
    std::vector<std::string> names;
    const std::regex line(R"(/in/([^ /]+) -> )");
    for (std::sregex_iterator it(out.begin(), out.end(), line), end; it != end; ++it)
        names.push_back((*it)[1]);
    return names;
}

// "N photos in S s: R photos/s (at most K in memory at once)": returns K, or -1 without the line.
int photosHeldAtOnce(const std::string& out, int photos) {
    std::smatch m;
    const std::regex closing(std::to_string(photos) +
                             R"( photos in [0-9.]+ s: [0-9.]+ photos/s \(at most ([0-9]+) in memory at once\))");
    return std::regex_search(out, m, closing) ? std::stoi(m[1]) : -1;
}

void checkBatch(const TempDir& dir, const CliResult& batch, const QStringList& oneFileCommand,
                bool withMask) {
    EXPECT_EQ(batch.exitCode, 1) << batch.err;
    EXPECT_NE(batch.err.find(kCorrupt), std::string::npos) << batch.err;
    EXPECT_NE(batch.err.find("1 of " + std::to_string(kPhotos + 1) + " photos failed"), std::string::npos)
        << batch.err;
    EXPECT_FALSE(std::filesystem::exists(dir.file("out/" + kCorrupt)));
    std::vector<std::string> expectedOrder;
    for (int i = 0; i < kPhotos; ++i) expectedOrder.push_back(photoName(i));
    EXPECT_EQ(doneNames(batch.out), expectedOrder) << batch.out;
    const int held = photosHeldAtOnce(batch.out, kPhotos + 1);
    EXPECT_GE(held, 1) << batch.out;
    EXPECT_LE(held, 2) << batch.out;  // --in-flight 2

    std::filesystem::create_directories(dir.file("single"));
    for (int i = 0; i < kPhotos; ++i) {
        const std::string name = photoName(i);
        QStringList args = oneFileCommand;
        args << q(dir.file("in/" + name)) << "--output" << q(dir.file("single/" + name));
        if (withMask) args << "--mask" << q(dir.file("masks/p" + std::to_string(i) + ".png"));
        const CliResult single = runCli(args);
        ASSERT_EQ(single.exitCode, 0) << single.err;
        EXPECT_TRUE(samePixels(dir.file("out/" + name), dir.file("single/" + name))) << name;
    }
}

TEST(CliBatch, RemoveFolderMatchesTheOneFileCommandAndGoesPastACorruptPhoto) {
    TempDir dir;
    writeFolder(dir);
    const QStringList command{"remove", "--engine", "builtin", "--device", "cpu"};
    const CliResult batch = runCli(QStringList(command) << q(dir.file("in")) << "--mask"
                                                        << q(dir.file("masks")) << "--output"
                                                        << q(dir.file("out")) << "--in-flight" << "2");
    checkBatch(dir, batch, command, true);
}

TEST(CliBatch, RepairFolderMatchesTheOneFileCommandAndGoesPastACorruptPhoto) {
    TempDir dir;
    writeFolder(dir);
    const QStringList command{"repair", "--steps", "color,denoise", "--device", "cpu"};
    const CliResult batch = runCli(QStringList(command) << q(dir.file("in")) << "--output"
                                                        << q(dir.file("out")) << "--in-flight" << "2");
    checkBatch(dir, batch, command, false);
}

TEST(CliBatch, InFlightMustBeAWholeNumber) {
    TempDir dir;
    writeFolder(dir);
    const CliResult r = runCli({"cartoon", q(dir.file("in")), "--output", q(dir.file("out")),
                                "--in-flight", "0"});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("--in-flight '0'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace pm::test
