#include "core/engine/model_registry.h"

#include <algorithm>
#include <cstdlib>

#include <gtest/gtest.h>

#include "core/common/error.h"
#include "tests/engine/tiny_models.h"
#include "tests/support/testdata.h"

namespace pm::engine {
namespace {

const char* kInpaintContract =
    R"({"kind": "inpaint", "range": "0..1", "channelOrder": "RGB", "sizeMultiple": 8,
        "halfSafe": true, "buckets": [16, 32]})";

std::string errorOf(const std::string& json) {
    try {
        ModelRegistry::parse(json, "/models");
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(ModelRegistry, ParsesEveryFieldOfAnEntry) {
    const auto registry = ModelRegistry::parse(
        R"({"models": [)" +
            test::manifestEntry("lama", "inpaint", "lama.pt", kInpaintContract,
                                "ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
                                1234) +
            "]}",
        "/models");
    ASSERT_EQ(registry.entries().size(), 1u);
    const auto& e = registry.entries()[0];
    EXPECT_EQ(e.id, "lama");
    EXPECT_EQ(e.task, "inpaint");
    EXPECT_EQ(e.file, "lama.pt");
    EXPECT_EQ(e.sizeBytes, 1234);
    EXPECT_EQ(e.sha256, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
    EXPECT_EQ(e.contract.kind, ModelKind::Inpaint);
    EXPECT_EQ(e.contract.range, image::ValueRange::ZeroOne);
    EXPECT_EQ(e.contract.sizeMultiple, 8);
    EXPECT_TRUE(e.contract.halfSafe);
    EXPECT_EQ(e.contract.buckets, (std::vector<int>{16, 32}));
    EXPECT_EQ(registry.modelsDir(), "/models");
}

TEST(ModelRegistry, FixedSizeModelsWarmAtTheirOneSize) {
    const auto registry = ModelRegistry::parse(
        R"({"models": [)" +
            test::manifestEntry("face", "face", "face.pt",
                                R"({"kind": "image2image", "range": "-1..1", "fixedSize": 512})") +
            "]}",
        "/m");
    EXPECT_EQ(registry.entries()[0].contract.fixedSize, 512);
    EXPECT_EQ(registry.entries()[0].contract.buckets, (std::vector<int>{512}));
}

TEST(ModelRegistry, BadManifestsNameTheModelAndField) {
    EXPECT_NE(errorOf("{not json").find("not valid JSON"), std::string::npos);
    EXPECT_NE(errorOf(R"({"items": []})").find("\"models\""), std::string::npos);

    const auto missingFile = errorOf(
        R"({"models": [{"id": "lama", "task": "inpaint", "contract": {"kind": "inpaint"}}]})");
    EXPECT_NE(missingFile.find("\"lama\""), std::string::npos) << missingFile;
    EXPECT_NE(missingFile.find("\"file\" is missing"), std::string::npos) << missingFile;

    const auto badKind =
        errorOf(R"({"models": [)" +
                test::manifestEntry("x", "inpaint", "x.pt", R"({"kind": "depth"})") + "]}");
    EXPECT_NE(badKind.find("\"kind\""), std::string::npos) << badKind;
    EXPECT_NE(badKind.find("depth"), std::string::npos) << badKind;

    const auto badHash =
        errorOf(R"({"models": [)" +
                test::manifestEntry("x", "inpaint", "x.pt", kInpaintContract, "1234") + "]}");
    EXPECT_NE(badHash.find("\"sha256\""), std::string::npos) << badHash;

    const auto badBucket = errorOf(
        R"({"models": [)" +
        test::manifestEntry("x", "inpaint", "x.pt", R"({"kind": "inpaint", "buckets": [20]})") +
        "]}");
    EXPECT_NE(badBucket.find("\"buckets\""), std::string::npos) << badBucket;

    const auto escape =
        errorOf(R"({"models": [)" +
                test::manifestEntry("x", "inpaint", "../x.pt", kInpaintContract) + "]}");
    EXPECT_NE(escape.find("\"file\""), std::string::npos) << escape;

    const auto entry = test::manifestEntry("x", "inpaint", "x.pt", kInpaintContract);
    const auto twice = errorOf(R"({"models": [)" + entry + "," + entry + "]}");
    EXPECT_NE(twice.find("used twice"), std::string::npos) << twice;
}

TEST(ModelRegistry, LoadNamesTheManifestFileInErrors) {
    test::TempDir dir;
    test::writeBytes(dir.file("manifest.json"), R"({"models": [{"id": 5}]})");
    try {
        ModelRegistry::load(dir.file("manifest.json"), dir.path());
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(dir.file("manifest.json")), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("\"id\" must be a string"), std::string::npos);
    }
    EXPECT_THROW(ModelRegistry::load(dir.file("absent.json"), dir.path()), Error);
}

TEST(ModelRegistry, ScanFindsInstalledFilesOnly) {
    test::TempDir dir;
    test::writeBytes(dir.file("here.pt"), "x");
    const auto registry = ModelRegistry::parse(
        R"({"models": [)" + test::manifestEntry("a", "inpaint", "here.pt", kInpaintContract) + "," +
            test::manifestEntry("b", "face", "absent.pt", kInpaintContract) + "]}",
        dir.path());
    const auto statuses = registry.scan();
    ASSERT_EQ(statuses.size(), 2u);
    EXPECT_EQ(statuses[0].state, ModelState::Installed);
    EXPECT_EQ(statuses[0].path, dir.file("here.pt"));
    EXPECT_EQ(statuses[1].state, ModelState::NotInstalled);
    EXPECT_TRUE(statuses[1].path.empty());
}

TEST(ModelRegistry, ShippedManifestDescribesTheThreeModelKinds) {
    const auto registry =
        ModelRegistry::load(std::string(PM_SOURCE_DIR) + "/models/manifest.json", "/nonexistent");
    const ModelEntry* lama = nullptr;
    const ModelEntry* face = nullptr;
    const ModelEntry* cartoon = nullptr;
    for (const auto& e : registry.entries()) {
        if (e.task == "inpaint") lama = &e;
        if (e.task == "face") face = &e;
        if (e.task == "cartoon") cartoon = &e;
    }
    ASSERT_TRUE(lama && face && cartoon);
    EXPECT_EQ(lama->id, "big-lama");
    EXPECT_EQ(lama->contract.kind, ModelKind::Inpaint);
    EXPECT_EQ(lama->contract.range, image::ValueRange::ZeroOne);
    EXPECT_EQ(lama->contract.sizeMultiple, 8);
    EXPECT_TRUE(lama->contract.halfSafe);
    EXPECT_FALSE(lama->contract.buckets.empty());
    EXPECT_EQ(face->contract.kind, ModelKind::ImageToImage);
    EXPECT_EQ(face->contract.fixedSize, 512);
    EXPECT_EQ(face->contract.range, image::ValueRange::MinusOneOne);
    EXPECT_EQ(cartoon->contract.kind, ModelKind::ImageToImage);
    EXPECT_EQ(cartoon->contract.range, image::ValueRange::MinusOneOne);
    for (const auto& e : registry.entries()) EXPECT_FALSE(e.url.empty()) << e.id;
}

// The XDG folders and $PHOTOMEND_MANIFEST are the programs' to read: tests/app.
TEST(ModelPaths, TheShippedManifestIsFound) {
    EXPECT_NE(defaultManifestPath().find("manifest.json"), std::string::npos);
}

TEST(Checksum, Sha256OfAKnownText) {
    if (!sha256Available()) GTEST_SKIP() << "built without OpenSSL";
    test::TempDir dir;
    test::writeBytes(dir.file("abc"), "abc");
    EXPECT_EQ(sha256OfFile(dir.file("abc")),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_THROW(sha256OfFile(dir.file("missing")), Error);
}

TEST(Checksum, Md5OfAKnownText) {
    if (!sha256Available()) GTEST_SKIP() << "built without OpenSSL";
    test::TempDir dir;
    test::writeBytes(dir.file("abc"), "abc");
    EXPECT_EQ(md5OfFile(dir.file("abc")), "900150983cd24fb0d6963f7d28e17f72");  // RFC 1321
}

TEST(ModelRegistry, ShippedManifestRecordsIoPaintsMd5ForBigLama) {
    const auto registry = ModelRegistry::load(PM_SOURCE_DIR "/models/manifest.json", "/tmp");
    const auto& entries = registry.entries();
    auto lama = std::find_if(entries.begin(), entries.end(),
                             [](const ModelEntry& e) { return e.id == "big-lama"; });
    ASSERT_NE(lama, entries.end());
    EXPECT_EQ(lama->md5, "e3aa4aaa15225a33ec84f9f4bc47e500");
    EXPECT_FALSE(lama->improves.empty());
}

TEST(ModelRegistry, RejectsAnMd5ThatIsNot32HexDigits) {
    const std::string manifest =
        R"({"models":[{"id":"m","task":"inpaint","file":"m.pt","md5":"xyz",)"
        R"("contract":{"kind":"inpaint"}}]})";
    try {
        ModelRegistry::parse(manifest, "/tmp");
        FAIL() << "a bad md5 was accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("\"md5\""), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace pm::engine
