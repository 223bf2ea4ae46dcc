#include "core/engine/inference_session.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "core/common/error.h"
#include "core/engine/cuda_support.h"
#include "core/engine/fault_injection.h"
#include "core/engine/runtime/pinned_host_mats.h"
#include "core/engine/runtime/torch_session.h"
#include "tests/engine/tiny_models.h"
#include "tests/support/testdata.h"

namespace pm::engine {
namespace {

ModelEntry entryFor(const std::string& file, const std::string& contractJson,
                    const std::string& sha256 = "", long long size = 0) {
    const std::string task =
        contractJson.find("inpaint") != std::string::npos ? "inpaint" : "cartoon";
    return ModelRegistry::parse(
               R"({"models": [)" +
                   test::manifestEntry("m", task, file, contractJson, sha256, size) + "]}",
               "/")
        .entries()[0];
}

const char* kInpaint =
    R"({"kind": "inpaint", "range": "0..1", "sizeMultiple": 8, "buckets": [16, 32]})";

DeviceInfo cpu() {
    return selectDevice(DevicePreference::Cpu);
}

std::string loadError(const ModelEntry& entry, const std::string& path) {
    try {
        InferenceSession::load(entry, path, cpu());
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

cv::Mat noise(int rows, int cols) {
    cv::Mat image(rows, cols, CV_8UC3);
    cv::randu(image, 0, 256);
    return image;
}

TEST(InferenceSession, InpaintKeepsKnownPixelsAndFillsTheHole) {
    test::TempDir dir;
    test::saveGreyFillModel(dir.file("fill.pt"));
    auto session =
        InferenceSession::load(entryFor("fill.pt", kInpaint), dir.file("fill.pt"), cpu());
    // An odd size: the session pads to the multiple of 8 and crops back.
    const cv::Mat image = noise(13, 21);
    cv::Mat mask(13, 21, CV_8UC1, cv::Scalar(0));
    mask(cv::Rect(5, 3, 7, 4)).setTo(255);
    const cv::Mat out = session->inpaint(image, mask);
    ASSERT_EQ(out.size(), image.size());
    ASSERT_EQ(out.type(), CV_8UC3);
    for (int y = 0; y < image.rows; ++y)
        for (int x = 0; x < image.cols; ++x) {
            const auto expected =
                mask.at<uint8_t>(y, x) ? cv::Vec3b(128, 128, 128) : image.at<cv::Vec3b>(y, x);
            ASSERT_EQ(out.at<cv::Vec3b>(y, x), expected) << "at " << x << "," << y;
        }
}

TEST(InferenceSession, ImageToImageHonoursRangeAndChannelOrder) {
    test::TempDir dir;
    test::saveNegativeModel(dir.file("neg.pt"));
    auto negative = InferenceSession::load(
        entryFor("neg.pt", R"({"kind": "image2image", "range": "-1..1", "sizeMultiple": 4})"),
        dir.file("neg.pt"), cpu());
    const cv::Mat image = noise(10, 10);
    cv::Mat inverted;
    cv::bitwise_not(image, inverted);
    EXPECT_EQ(cv::norm(negative->imageToImage(image), inverted, cv::NORM_INF), 0.0);

    test::saveFirstChannelModel(dir.file("first.pt"));
    auto rgb = InferenceSession::load(entryFor("first.pt", R"({"kind": "image2image"})"),
                                      dir.file("first.pt"), cpu());
    auto bgr = InferenceSession::load(
        entryFor("first.pt", R"({"kind": "image2image", "channelOrder": "BGR"})"),
        dir.file("first.pt"), cpu());
    const cv::Vec3b pixel = image.at<cv::Vec3b>(4, 6);
    EXPECT_EQ(rgb->imageToImage(image).at<cv::Vec3b>(4, 6),
              cv::Vec3b(pixel[2], pixel[2], pixel[2]));
    EXPECT_EQ(bgr->imageToImage(image).at<cv::Vec3b>(4, 6),
              cv::Vec3b(pixel[0], pixel[0], pixel[0]));
}

TEST(InferenceSession, FixedSizeModelsGetResizedInputs) {
    test::TempDir dir;
    test::saveFixed32Model(dir.file("fixed.pt"));
    auto session =
        InferenceSession::load(entryFor("fixed.pt", R"({"kind": "image2image", "fixedSize": 32})"),
                               dir.file("fixed.pt"), cpu());
    const cv::Mat image(48, 40, CV_8UC3, cv::Scalar(10, 120, 240));
    const cv::Mat out = session->imageToImage(image);
    ASSERT_EQ(out.size(), image.size());
    EXPECT_LE(cv::norm(out, image, cv::NORM_INF), 1.0);
}

TEST(InferenceSession, EachBrokenFileGivesItsOwnErrorNamingTheFile) {
    test::TempDir dir;
    test::saveGreyFillModel(dir.file("good.pt"));
    const std::string good = test::readBytes(dir.file("good.pt"));

    const auto mismatch =
        loadError(entryFor("good.pt", kInpaint, std::string(64, '0')), dir.file("good.pt"));
    if (sha256Available()) {
        EXPECT_NE(mismatch.find("good.pt: checksum mismatch"), std::string::npos) << mismatch;
    } else {
        EXPECT_EQ(mismatch, "");
    }

    test::writeBytes(dir.file("cut.pt"), good.substr(0, good.size() / 2));
    const auto truncated = loadError(entryFor("cut.pt", kInpaint), dir.file("cut.pt"));
    EXPECT_NE(truncated.find("cut.pt: truncated"), std::string::npos) << truncated;

    const auto shortBySize = loadError(
        entryFor("cut.pt", kInpaint, "", static_cast<long long>(good.size())), dir.file("cut.pt"));
    EXPECT_NE(shortBySize.find("cut.pt: truncated: expected " + std::to_string(good.size())),
              std::string::npos)
        << shortBySize;

    test::writeBytes(dir.file("garbage.pt"), std::string(4096, '\x7f') + "not a model");
    const auto garbage = loadError(entryFor("garbage.pt", kInpaint), dir.file("garbage.pt"));
    EXPECT_NE(garbage.find("garbage.pt: not a TorchScript model"), std::string::npos) << garbage;

    test::saveHalfSizeModel(dir.file("half.pt"));
    const auto shape = loadError(entryFor("half.pt", kInpaint), dir.file("half.pt"));
    EXPECT_NE(
        shape.find("half.pt: wrong contract: expected output [1, 3, 64, 64], got [1, 3, 32, 32]"),
        std::string::npos)
        << shape;

    test::saveWrongRangeModel(dir.file("range.pt"));
    const auto range = loadError(entryFor("range.pt", kInpaint), dir.file("range.pt"));
    EXPECT_NE(range.find("range.pt: wrong contract: expected values in 0..1"), std::string::npos)
        << range;

    // An image-to-image model declared as inpaint: forward() takes one argument, not two.
    test::saveNegativeModel(dir.file("arity.pt"));
    const auto arity = loadError(entryFor("arity.pt", kInpaint), dir.file("arity.pt"));
    EXPECT_NE(arity.find("arity.pt: wrong contract: expected forward(image, mask)"),
              std::string::npos)
        << arity;
}

TEST(InferenceSession, MatchingChecksumIsReportedAsVerified) {
    if (!sha256Available()) GTEST_SKIP() << "built without OpenSSL";
    test::TempDir dir;
    test::saveGreyFillModel(dir.file("fill.pt"));
    auto session =
        InferenceSession::load(entryFor("fill.pt", kInpaint, sha256OfFile(dir.file("fill.pt"))),
                               dir.file("fill.pt"), cpu());
    EXPECT_TRUE(session->stats().checksumVerified);
}

TEST(InferenceSession, AnMd5FromTheManifestIsCheckedOnLoad) {
    if (!sha256Available()) GTEST_SKIP() << "built without OpenSSL";
    test::TempDir dir;
    test::saveGreyFillModel(dir.file("fill.pt"));
    ModelEntry entry = entryFor("fill.pt", kInpaint);
    entry.md5 = md5OfFile(dir.file("fill.pt"));
    EXPECT_TRUE(InferenceSession::load(entry, dir.file("fill.pt"), cpu())->stats().checksumVerified);
    entry.md5 = std::string(32, '0');
    const auto mismatch = loadError(entry, dir.file("fill.pt"));
    EXPECT_NE(mismatch.find("fill.pt: checksum mismatch: expected MD5"), std::string::npos) << mismatch;
}

TEST(InferenceSession, WarmUpMakesBucketSizedRequestsWarm) {
    test::TempDir dir;
    test::saveGreyFillModel(dir.file("fill.pt"));
    auto session =
        InferenceSession::load(entryFor("fill.pt", kInpaint), dir.file("fill.pt"), cpu());
    session->warmUp();
    const auto warmed = session->stats();
    EXPECT_GE(warmed.warmupCalls, 3);  // the dry run and one call per bucket on the CPU
    const cv::Mat mask(32, 32, CV_8UC1, cv::Scalar(255));

    session->inpaint(noise(32, 32), mask);                          // a bucket
    session->inpaint(noise(19, 20), mask(cv::Rect(0, 0, 20, 19)));  // a crop padded to bucket 32
    auto after = session->stats();
    EXPECT_EQ(after.calls, warmed.calls + 2);
    EXPECT_EQ(after.coldCalls, warmed.coldCalls);
    EXPECT_EQ(after.warmupCalls, warmed.warmupCalls);

    session->inpaint(noise(48, 48), cv::Mat(48, 48, CV_8UC1, cv::Scalar(255)));  // never warmed
    EXPECT_EQ(session->stats().coldCalls, warmed.coldCalls + 1);
}

TEST(InferenceSession, RejectsTheWrongKindOfRequest) {
    test::TempDir dir;
    test::saveGreyFillModel(dir.file("fill.pt"));
    auto session =
        InferenceSession::load(entryFor("fill.pt", kInpaint), dir.file("fill.pt"), cpu());
    EXPECT_THROW(session->imageToImage(noise(8, 8)), Error);
    EXPECT_THROW(session->inpaint(noise(8, 8), cv::Mat(4, 4, CV_8UC1, cv::Scalar(0))), Error);
}

// Runs only where a CUDA libtorch sees a GPU (the GPU validation script); skipped in CI.
TEST(InferenceSessionGpu, WarmedBucketsReplayCudaGraphsWithTheSamePixels) {
    if (!cuda::available()) GTEST_SKIP() << "no CUDA GPU";
    test::TempDir dir;
    test::saveGreyFillModel(dir.file("fill.pt"));
    const auto entry = entryFor(
        "fill.pt",
        R"({"kind": "inpaint", "sizeMultiple": 8, "halfSafe": true, "buckets": [16, 32]})");
    auto session =
        InferenceSession::load(entry, dir.file("fill.pt"), selectDevice(DevicePreference::Cuda));
    ASSERT_TRUE(session->device().cuda);
    session->warmUp();
    const auto warmed = session->stats();
    EXPECT_TRUE(warmed.half);
    EXPECT_TRUE(warmed.cudaGraphs) << warmed.fallbackNote;
    EXPECT_GE(warmed.halfRelativeError, 0.0);
    EXPECT_LE(warmed.halfRelativeError, 1e-2);

    const cv::Mat image = noise(27, 30);  // padded to bucket 32: a graph replay
    cv::Mat mask(27, 30, CV_8UC1, cv::Scalar(0));
    mask(cv::Rect(3, 4, 10, 9)).setTo(255);
    for (int round = 0; round < 2; ++round) {
        const cv::Mat out = session->inpaint(image, mask);
        cv::Mat expected = image.clone();
        expected.setTo(cv::Scalar(128, 128, 128), mask);
        EXPECT_LE(cv::norm(out, expected, cv::NORM_INF), 1.0) << "round " << round;
    }
    EXPECT_EQ(session->stats().coldCalls, warmed.coldCalls);
}

// A replayed request's pixels come back into page-locked host buffers (one DMA, not the
// driver's staging copy), which still hold the right pixels and stay valid after the session.
TEST(InferenceSessionGpu, ReplayedPixelsComeBackInPinnedMemoryUnlessSwitchedOff) {
    if (!cuda::available()) GTEST_SKIP() << "no CUDA GPU";
    test::TempDir dir;
    test::saveGreyFillModel(dir.file("fill.pt"));
    const auto entry = entryFor(
        "fill.pt",
        R"({"kind": "inpaint", "sizeMultiple": 8, "halfSafe": true, "buckets": [32]})");
    const cv::Mat image = noise(32, 32);  // the bucket's own size: the pool's buffer itself
    cv::Mat mask(32, 32, CV_8UC1, cv::Scalar(0));
    mask(cv::Rect(3, 4, 10, 9)).setTo(255);
    cv::Mat expected = image.clone();
    expected.setTo(cv::Scalar(128, 128, 128), mask);
    for (const bool pinned : {true, false}) {
        SessionOptions options;
        options.gpu.pinnedOutputs = pinned;
        cv::Mat kept;
        {
            auto session = InferenceSession::load(entry, dir.file("fill.pt"),
                                                  selectDevice(DevicePreference::Cuda), options);
            session->warmUp();
            ASSERT_TRUE(session->stats().cudaGraphs) << session->stats().fallbackNote;
            for (int round = 0; round < 3; ++round) {
                const cv::Mat out = session->inpaint(image, mask);
                EXPECT_EQ(isPinnedHostMemory(out.datastart), pinned) << "round " << round;
                EXPECT_LE(cv::norm(out, expected, cv::NORM_INF), 1.0) << "round " << round;
                kept = out;
            }
        }
        // The session is gone; the result the caller kept is still whole.
        EXPECT_LE(cv::norm(kept, expected, cv::NORM_INF), 1.0) << "pinned " << pinned;
    }
}

cv::Mat greyFilled(const cv::Mat& image, const cv::Mat& mask) {
    cv::Mat expected = image.clone();
    expected.setTo(cv::Scalar(128, 128, 128), mask);
    return expected;
}

// A request too big for the GPU runs again in tiles: the user gets the whole fill, not an error.
TEST(InferenceSessionGpu, OutOfMemoryRetriesInTilesWithTheSamePixels) {
    test::TempDir dir;
    test::saveOutOfMemoryAboveModel(dir.file("oom.pt"), 128);
    if (!cuda::available()) GTEST_SKIP() << "no CUDA GPU";
    auto session = InferenceSession::load(entryFor("oom.pt", kInpaint), dir.file("oom.pt"),
                                          selectDevice(DevicePreference::Cuda));
    ASSERT_TRUE(session->device().cuda);
    const cv::Mat image = noise(200, 200);
    cv::Mat mask(200, 200, CV_8UC1, cv::Scalar(0));
    mask(cv::Rect(20, 30, 150, 120)).setTo(255);  // crosses every tile border
    const cv::Mat out = session->inpaint(image, mask);
    EXPECT_LE(cv::norm(out, greyFilled(image, mask), cv::NORM_INF), 1.0);
    const auto stats = session->stats();
    EXPECT_EQ(stats.tiledCalls, 1);
    EXPECT_NE(stats.fallbackNote.find("tiles"), std::string::npos) << stats.fallbackNote;
    EXPECT_TRUE(session->device().cuda);
}

// The out-of-memory retry without a GPU (PM_ENGINE_INJECT_OOM): the first request fails with the
// GPU's out-of-memory error and runs again in tiles, with the same pixels; later ones run whole.
TEST(InferenceSession, InjectedOutOfMemoryRetriesInTilesWithTheSamePixels) {
    test::TempDir dir;
    test::saveGreyFillModel(dir.file("fill.pt"));
    auto session = InferenceSession::load(entryFor("fill.pt", kInpaint), dir.file("fill.pt"),
                                          selectDevice(DevicePreference::Cpu));
    injectOutOfMemory(1);
    const cv::Mat image = noise(200, 200);
    cv::Mat mask(200, 200, CV_8UC1, cv::Scalar(0));
    mask(cv::Rect(20, 30, 150, 120)).setTo(255);  // crosses every tile border
    EXPECT_LE(cv::norm(session->inpaint(image, mask), greyFilled(image, mask), cv::NORM_INF), 1.0);
    EXPECT_EQ(session->stats().tiledCalls, 1);
    EXPECT_NE(session->stats().fallbackNote.find("tiles"), std::string::npos)
        << session->stats().fallbackNote;
    EXPECT_LE(cv::norm(session->inpaint(image, mask), greyFilled(image, mask), cv::NORM_INF), 1.0);
    EXPECT_EQ(session->stats().tiledCalls, 1);
}

// When even tiles do not fit, the session moves to the CPU and says so: never a crash.
TEST(InferenceSessionGpu, OutOfMemoryInTilesMovesToTheCpuAndSaysWhy) {
    if (!cuda::available()) GTEST_SKIP() << "no CUDA GPU";
    test::TempDir dir;
    test::saveOutOfMemoryAboveModel(dir.file("oom.pt"), 64);  // the contract check runs at 64
    auto session = InferenceSession::load(entryFor("oom.pt", kInpaint), dir.file("oom.pt"),
                                          selectDevice(DevicePreference::Cuda));
    const cv::Mat image = noise(300, 300);  // tiles of 152: still over 64
    cv::Mat mask(300, 300, CV_8UC1, cv::Scalar(0));
    mask(cv::Rect(100, 100, 60, 80)).setTo(255);
    const cv::Mat out = session->inpaint(image, mask);
    EXPECT_LE(cv::norm(out, greyFilled(image, mask), cv::NORM_INF), 1.0);
    EXPECT_FALSE(session->device().cuda);
    EXPECT_NE(session->stats().fallbackNote.find("out of GPU memory"), std::string::npos)
        << session->stats().fallbackNote;
    // Later requests stay on the CPU and still work.
    EXPECT_LE(cv::norm(session->inpaint(image, mask), greyFilled(image, mask), cv::NORM_INF), 1.0);
}

// A second start of the same model file comes from the warm-up cache (no freezing, no fp16
// check) and paints the same pixels; a damaged cache entry is dropped and the file serves.
TEST(InferenceSessionGpu, SecondStartComesFromTheWarmUpCacheWithTheSamePixels) {
    if (!cuda::available()) GTEST_SKIP() << "no CUDA GPU";
    test::TempDir dir;
    SessionOptions options;
    options.warmCacheDir = dir.file("cache");
    test::saveGreyFillModel(dir.file("fill.pt"));
    const auto entry = entryFor(
        "fill.pt",
        R"({"kind": "inpaint", "sizeMultiple": 8, "halfSafe": true, "buckets": [32]})");
    const cv::Mat image = noise(30, 30);
    cv::Mat mask(30, 30, CV_8UC1, cv::Scalar(0));
    mask(cv::Rect(5, 6, 12, 9)).setTo(255);
    const auto device = selectDevice(DevicePreference::Cuda);

    auto first = InferenceSession::load(entry, dir.file("fill.pt"), device, options);
    first->warmUp();
    const cv::Mat firstOut = first->inpaint(image, mask);
    const double firstError = first->stats().halfRelativeError;
    first->afterReady();
    first.reset();

    auto second = InferenceSession::load(entry, dir.file("fill.pt"), device, options);
    ASSERT_TRUE(dynamic_cast<TorchSession&>(*second).fromWarmCache());
    second->warmUp();
    EXPECT_TRUE(second->stats().half);
    EXPECT_DOUBLE_EQ(second->stats().halfRelativeError, firstError);
    EXPECT_EQ(cv::norm(second->inpaint(image, mask), firstOut, cv::NORM_INF), 0.0);
    second->afterReady();  // nothing to save: the entry stays as it is
    second.reset();

    // Damage the cached module: the next start ignores it and serves from the file.
    for (const auto& file : std::filesystem::directory_iterator(dir.file("cache")))
        if (file.path().extension() == ".pt") std::ofstream(file.path()) << "not a module";
    auto third = InferenceSession::load(entry, dir.file("fill.pt"), device, options);
    EXPECT_FALSE(dynamic_cast<TorchSession&>(*third).fromWarmCache());
    third->warmUp();
    EXPECT_EQ(cv::norm(third->inpaint(image, mask), firstOut, cv::NORM_INF), 0.0);
}

}  // namespace
}  // namespace pm::engine
