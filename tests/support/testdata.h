#pragma once
// The real photos in ../shared/testdata (never copied into the repository). Tests that need them skip
// with a clear message when the folder is absent.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pm::test {

/// The testdata folder, or "" when it is absent. $PHOTOMEND_TESTDATA overrides the build-time path.
inline std::string testdataDir() {
    const char* env = std::getenv("PHOTOMEND_TESTDATA");
    std::string dir = env && *env ? env : PM_TESTDATA_DIR;
    return std::filesystem::is_directory(dir) ? dir : std::string();
}

/// Files in testdata/<sub> (sorted), or empty when the folder is absent.
inline std::vector<std::string> testdataFiles(const std::string& sub) {
    std::vector<std::string> files;
    const std::string root = testdataDir();
    if (root.empty() || !std::filesystem::is_directory(root + "/" + sub)) return files;
    for (const auto& e : std::filesystem::directory_iterator(root + "/" + sub))
        if (e.is_regular_file()) files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

/// A fresh empty temporary folder, removed by the destructor.
class TempDir {
public:
    TempDir() {
        path_ = std::filesystem::temp_directory_path() /
                ("photomend-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::add, ec);
        std::filesystem::remove_all(path_, ec);
    }
    std::string path() const { return path_.string(); }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    static int& counter() { static int c = 0; return c; }
    std::filesystem::path path_;
};

}  // namespace pm::test

#define PM_REQUIRE_TESTDATA()                                                                 \
    do {                                                                                      \
        if (pm::test::testdataDir().empty())                                                  \
            GTEST_SKIP() << "../shared/testdata is absent; set PHOTOMEND_TESTDATA to run this"; \
    } while (0)
