// A save survives a power cut: the photo's data reaches the disk before it is linked into place,
// and the folder (which holds the new name) after it. Seen from outside with strace, the way an
// administrator would check it; skipped where strace is missing or not allowed.
// Each thread is traced into its own file (strace -ff): in one shared file a call another thread
// interrupts is split into "<unfinished ...>" and "<... resumed>" lines, which made the order of
// the save's calls look wrong now and then.
#include <QProcess>
#include <QStandardPaths>
#include <filesystem>
#include <regex>
#include <sstream>

#include <opencv2/imgcodecs.hpp>

#include "tests/e2e/cli_runner.h"
#include "tests/support/testdata.h"

namespace pm::test {
namespace {

std::vector<std::string> traceLines(const std::string& path) {
    std::istringstream in(readBytes(path));
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// The index of the first line matching `pattern` at or after `from` (lines.size() when none), with
// the first group of the match in `group`.
size_t findLine(const std::vector<std::string>& lines, const std::regex& pattern, size_t from,
                std::string* group = nullptr) {
    for (size_t i = from; i < lines.size(); ++i) {
        std::smatch m;
        if (std::regex_search(lines[i], m, pattern)) {
            if (group && m.size() > 1) *group = m[1];
            return i;
        }
    }
    return lines.size();
}

TEST(CliDurableSave, DataIsSyncedBeforeTheLinkAndTheFolderAfter) {
    const QString strace = QStandardPaths::findExecutable("strace");
    if (strace.isEmpty()) GTEST_SKIP() << "strace is not installed";
    TempDir dir;
    const cv::Size size(64, 48);
    ASSERT_TRUE(cv::imwrite(dir.file("photo.png"), withObject(texturedBackground(size), {30, 20}, 6)));
    ASSERT_TRUE(cv::imwrite(dir.file("mask.png"), diskMask(size, {30, 20}, 8)));
    for (const bool replacing : {false, true}) {  // a new file, then replacing it
        const std::string prefix = std::string("trace-") + (replacing ? "replace" : "new");
        QProcess process;
        process.start(strace, {"-ff", "-o", q(dir.file(prefix)), "-e",
                               "trace=openat,fsync,fdatasync,rename,renameat,renameat2,linkat",
                               PM_CLI_PATH, "remove", q(dir.file("photo.png")), "--mask",
                               q(dir.file("mask.png")), "--output", q(dir.file("out.png")),
                               "--engine", "builtin"});
        ASSERT_TRUE(process.waitForFinished(60000));
        if (process.exitCode() != 0 && process.readAllStandardError().contains("ptrace"))
            GTEST_SKIP() << "strace may not trace here";
        ASSERT_EQ(process.exitCode(), 0) << process.readAllStandardError().toStdString();
        // The finished file gets its name: linkat(.., "out.png") or rename(.., "out.png"); the
        // thread that names it is the one whose calls are checked.
        const std::regex named("(linkat|rename|renameat2?)\\(.*\"" + dir.file("out.png") + "\"[^\"]*\\) = 0");
        std::vector<std::string> lines;
        size_t link = 0;
        for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
            if (entry.path().filename().string().rfind(prefix + ".", 0) != 0) continue;
            std::vector<std::string> threadLines = traceLines(entry.path().string());
            const size_t found = findLine(threadLines, named, 0);
            if (found < threadLines.size()) {
                lines = std::move(threadLines);
                link = found;
                break;
            }
        }
        ASSERT_LT(link, lines.size()) << "out.png never got its name; replacing=" << replacing;
        // Its data: the last unnamed file opened in the folder before that, synced before it.
        const std::regex opened("openat\\(AT_FDCWD, \"" + dir.path() + "\", [^)]*O_TMPFILE[^)]*\\) = (\\d+)");
        size_t open = lines.size();
        std::string fd, candidate;
        for (size_t i = findLine(lines, opened, 0, &candidate); i < link;
             i = findLine(lines, opened, i + 1, &candidate)) {
            open = i;
            fd = candidate;
        }
        ASSERT_LT(open, link) << "no temporary file before the link";
        const size_t dataSync = findLine(lines, std::regex("f(data)?sync\\(" + fd + "\\) += 0"), open);
        EXPECT_LT(dataSync, link) << "the data must be synced before the file is linked into place";
        // The folder: opened and synced after the name was made.
        std::string folderFd;
        const size_t folderOpen = findLine(
            lines, std::regex("openat\\(AT_FDCWD, \"" + dir.path() + "\", O_RDONLY[^)]*O_DIRECTORY[^)]*\\) = (\\d+)"),
            link, &folderFd);
        ASSERT_LT(folderOpen, lines.size()) << "the folder is never opened after the link";
        EXPECT_LT(findLine(lines, std::regex("fsync\\(" + folderFd + "\\) += 0"), folderOpen), lines.size())
            << "the folder must be synced after the link";
    }
}

}  // namespace
}  // namespace pm::test
