// An output that cannot be written fails at once, before any photo is loaded or model warmed,
// instead of after minutes of work (a 100 MP removal used to fail only when it came to saving).
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <opencv2/imgcodecs.hpp>

#include "tests/e2e/cli_runner.h"
#include "tests/support/testdata.h"

namespace pm::test {
namespace {

namespace fs = std::filesystem;

const cv::Size kSize(64, 48);

// A folder in which no file can be created, even by root (whom permission bits do not stop): the
// permission bits, plus the immutable attribute where the file system and the user allow it.
class ReadOnlyFolder {
public:
    explicit ReadOnlyFolder(const std::string& path) : path_(path) {
        fs::create_directories(path_);
        fs::permissions(path_, fs::perms::owner_read | fs::perms::owner_exec);
        if (takesFiles())
            immutable_ = std::system(("chattr +i '" + path_ + "' 2>/dev/null").c_str()) == 0;
    }
    ~ReadOnlyFolder() {
        if (immutable_) std::system(("chattr -i '" + path_ + "'").c_str());
        fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add);
    }
    bool readOnly() const { return !takesFiles(); }

private:
    bool takesFiles() const {
        const std::string probe = path_ + "/.probe";
        const bool created = std::ofstream(probe).good();
        fs::remove(probe);
        return created;
    }
    std::string path_;
    bool immutable_ = false;
};

void writeInputs(const TempDir& dir) {
    fs::create_directories(dir.file("in"));
    ASSERT_TRUE(cv::imwrite(dir.file("in/a.png"), texturedBackground(kSize, 1)));
    ASSERT_TRUE(cv::imwrite(dir.file("in/b.png"), texturedBackground(kSize, 2)));
    ASSERT_TRUE(cv::imwrite(dir.file("mask.png"), diskMask(kSize, {30, 20}, 6)));
}

// One line naming the folder, given before any work: nothing was processed ("->" lines) and no
// photo failed one by one.
void expectFailsUpFront(const CliResult& r, const std::string& words) {
    EXPECT_EQ(r.exitCode, 1) << r.err;
    ASSERT_EQ(r.errLines().size(), 1u) << r.err;
    EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("->"), std::string::npos) << r.out;
}

TEST(CliFailFast, ReadOnlyOutputFolderFailsBeforeTheWork) {
    TempDir dir;
    writeInputs(dir);
    ReadOnlyFolder out(dir.file("out"));
    if (!out.readOnly()) GTEST_SKIP() << "no way to make a read-only folder here";
    expectFailsUpFront(runCli({"remove", q(dir.file("in/a.png")), "--mask", q(dir.file("mask.png")),
                               "--output", q(dir.file("out/a.png")), "--engine", "builtin"}),
                       "cannot write into the output folder");
    expectFailsUpFront(runCli({"remove", q(dir.file("in")), "--mask", q(dir.file("mask.png")),
                               "--output", q(dir.file("out")), "--engine", "builtin"}),
                       "cannot write into the output folder");
    expectFailsUpFront(runCli({"repair", q(dir.file("in")), "--output", q(dir.file("out")), "--steps",
                               "color"}),
                       "cannot write into the output folder");
    expectFailsUpFront(runCli({"split", q(dir.file("in/a.png")), "--output", q(dir.file("out"))}),
                       "cannot write into the output folder");
    EXPECT_TRUE(fs::is_empty(dir.file("out")));
}

TEST(CliFailFast, MissingOutputFolderFailsBeforeTheWork) {
    TempDir dir;
    writeInputs(dir);
    expectFailsUpFront(runCli({"remove", q(dir.file("in/a.png")), "--mask", q(dir.file("mask.png")),
                               "--output", q(dir.file("nowhere/a.png")), "--engine", "builtin"}),
                       "does not exist");
    expectFailsUpFront(runCli({"repair", q(dir.file("in/a.png")), "--output",
                               q(dir.file("nowhere/a.png")), "--steps", "color"}),
                       "does not exist");
    EXPECT_FALSE(fs::exists(dir.file("nowhere")));
}

TEST(CliFailFast, OutputThatIsAFolderPathFailsBeforeTheWork) {
    TempDir dir;
    writeInputs(dir);
    expectFailsUpFront(runCli({"remove", q(dir.file("in/a.png")), "--mask", q(dir.file("mask.png")),
                               "--output", q(dir.file("new-folder/")), "--engine", "builtin"}),
                       "names a folder");
}

TEST(CliFailFast, SplitIntoAFileFailsBeforeTheWork) {
    TempDir dir;
    writeInputs(dir);
    expectFailsUpFront(runCli({"split", q(dir.file("in/a.png")), "--output", q(dir.file("mask.png"))}),
                       "is a file");
}

}  // namespace
}  // namespace pm::test
