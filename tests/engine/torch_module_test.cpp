// The libtorch module is looked for in known places; when it cannot be used the user is told
// where it was looked for and why, and the built-in tools carry on.
#include "core/engine/torch_module.h"

#include <gtest/gtest.h>

#include "tests/support/file_bytes.h"
#include "tests/support/testdata.h"

namespace pm::engine {
namespace {

TEST(TorchModule, AMissingModuleNamesEveryFolderLookedIn) {
    void* handle = reinterpret_cast<void*>(1);
    const TorchModuleStatus status = openTorchModule(
        {"/nowhere/a/libphotomend-torch.so", "/nowhere/b/libphotomend-torch.so"}, &handle);
    EXPECT_FALSE(status.available);
    EXPECT_EQ(handle, nullptr);
    EXPECT_EQ(status.problem,
              "libphotomend-torch.so was not found (looked in /nowhere/a, /nowhere/b)");
}

TEST(TorchModule, AFileThatIsNotALibrarySaysWhyItCannotBeOpened) {
    test::TempDir dir;
    test::writeBytes(dir.file("libphotomend-torch.so"), "not a library");
    void* handle = nullptr;
    const TorchModuleStatus status = openTorchModule({dir.file("libphotomend-torch.so")}, &handle);
    EXPECT_FALSE(status.available);
    EXPECT_EQ(status.path, dir.file("libphotomend-torch.so"));
    EXPECT_NE(status.problem.find(dir.file("libphotomend-torch.so") + " cannot be opened ("),
              std::string::npos)
        << status.problem;
}

TEST(TorchModule, ThePlacesLookedInStartBesideTheProgramThenTheInstalledLayout) {
    const std::vector<std::string> candidates = torchModuleCandidates();
    ASSERT_GE(candidates.size(), 2u);
    EXPECT_NE(candidates[0].find("/tests/engine/libphotomend-torch.so"), std::string::npos)
        << candidates[0];
    EXPECT_NE(candidates[1].find("/lib/photomend/libphotomend-torch.so"), std::string::npos)
        << candidates[1];
}

TEST(TorchModule, ThisTestLinksTheTorchCodeAndNeverOpensTheFile) {
    EXPECT_TRUE(torchModuleOpen());
    EXPECT_TRUE(torchModule().available);
    EXPECT_EQ(torchModule().path, "linked into this program");
}

}  // namespace
}  // namespace pm::engine
