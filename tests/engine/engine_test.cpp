#include "core/engine/engine.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>

#include "core/common/error.h"
#include "core/engine/inference_session.h"
#include "tests/engine/tiny_models.h"
#include "tests/support/testdata.h"

namespace pm::engine {
namespace {

using namespace std::chrono_literals;

// Records everything the engine reports, from its worker thread.
struct Recorder {
    std::mutex mutex;
    std::vector<std::pair<EngineState, std::string>> states;
    std::map<uint64_t, std::pair<JobOutcome, std::string>> finished;
    std::vector<uint64_t> finishOrder;
    std::vector<std::pair<uint64_t, double>> progress;

    EngineCallbacks callbacks() {
        EngineCallbacks c;
        c.onState = [this](EngineState s, const std::string& m) {
            std::lock_guard<std::mutex> lock(mutex);
            states.emplace_back(s, m);
        };
        c.onProgress = [this](uint64_t id, double f, const std::string&) {
            std::lock_guard<std::mutex> lock(mutex);
            progress.emplace_back(id, f);
        };
        c.onFinished = [this](uint64_t id, JobOutcome o, const std::string& m) {
            std::lock_guard<std::mutex> lock(mutex);
            finished[id] = {o, m};
            finishOrder.push_back(id);
        };
        return c;
    }
    JobOutcome outcome(uint64_t id) {
        std::lock_guard<std::mutex> lock(mutex);
        return finished.at(id).first;
    }
};

const char* kInpaint =
    R"({"kind": "inpaint", "range": "0..1", "sizeMultiple": 8, "buckets": [16, 32]})";

// A models folder with the grey-fill inpaint model installed, a broken face model and a missing
// cartoon model.
struct ModelsFolder {
    test::TempDir dir;
    std::string manifest;
    ModelsFolder() {
        test::saveGreyFillModel(dir.file("fill.pt"));
        test::writeBytes(dir.file("face.pt"), "definitely not a model");
        manifest = test::writeManifest(
            dir.path(), test::manifestEntry("fill", "inpaint", "fill.pt", kInpaint) + "," +
                            test::manifestEntry("face", "face", "face.pt",
                                                R"({"kind": "image2image", "fixedSize": 32})") +
                            "," +
                            test::manifestEntry("toon", "cartoon", "toon.pt",
                                                R"({"kind": "image2image", "range": "-1..1"})"));
    }
    EngineOptions options(DevicePreference device = DevicePreference::Cpu) const {
        EngineOptions o;
        o.device = device;
        o.modelsDir = dir.path();
        o.manifestPath = manifest;
        return o;
    }
};

TEST(Engine, StartsUpWarmsAndReportsEveryModel) {
    ModelsFolder folder;
    Recorder recorder;
    Engine engine(folder.options(), recorder.callbacks());
    engine.waitReady();
    EXPECT_EQ(engine.state(), EngineState::Ready);
    EXPECT_FALSE(engine.device().cuda);

    const auto models = engine.models();
    ASSERT_EQ(models.size(), 3u);
    EXPECT_EQ(models[0].state, ModelState::Verified);
    EXPECT_EQ(models[1].state, ModelState::Broken);
    EXPECT_NE(models[1].problem.find("face.pt: not a TorchScript model"), std::string::npos)
        << models[1].problem;
    EXPECT_EQ(models[2].state, ModelState::NotInstalled);  // missing is not an error

    std::lock_guard<std::mutex> lock(recorder.mutex);
    ASSERT_GE(recorder.states.size(), 3u);
    EXPECT_EQ(recorder.states.front().first, EngineState::WarmingUp);
    EXPECT_EQ(recorder.states.front().second.rfind("warming up on CPU, ", 0), 0u)
        << recorder.states.front().second;
    bool brokenReported = false;
    for (const auto& [state, message] : recorder.states)
        brokenReported |= message.find("face.pt") != std::string::npos;
    EXPECT_TRUE(brokenReported);
    EXPECT_EQ(recorder.states.back(), std::make_pair(EngineState::Ready, std::string("ready")));
}

TEST(Engine, JobsGetLoadedModelsOrNullptrForMissingOnes) {
    ModelsFolder folder;
    Recorder recorder;
    Engine engine(folder.options(), recorder.callbacks());
    auto result = std::make_shared<cv::Mat>();
    auto cartoonMissing = std::make_shared<bool>(false);
    const uint64_t id = engine.submit("fill", [result, cartoonMissing](JobContext& ctx) {
        InferenceSession* session = ctx.model("inpaint");
        if (!session) throw Error("no inpaint model");
        *cartoonMissing = ctx.model("cartoon") == nullptr && ctx.model("face") == nullptr;
        *result = session->inpaint(cv::Mat(16, 16, CV_8UC3, cv::Scalar(1, 2, 3)),
                                   cv::Mat(16, 16, CV_8UC1, cv::Scalar(255)));
    });
    engine.waitIdle();
    EXPECT_EQ(recorder.outcome(id), JobOutcome::Done);
    EXPECT_TRUE(*cartoonMissing);
    ASSERT_FALSE(result->empty());
    EXPECT_EQ(result->at<cv::Vec3b>(7, 7), cv::Vec3b(128, 128, 128));
}

TEST(Engine, ReloadModelsPicksUpAnInstalledAndDropsARemovedModel) {
    ModelsFolder folder;
    std::filesystem::remove(folder.dir.file("fill.pt"));  // not installed at start
    Recorder recorder;
    Engine engine(folder.options(), recorder.callbacks());
    engine.waitReady();
    EXPECT_FALSE(engine.sessionStats("inpaint", nullptr));

    test::saveGreyFillModel(folder.dir.file("fill.pt"));  // installed while the engine runs
    const uint64_t reload = engine.reloadModels();
    auto seen = std::make_shared<bool>(false);
    const uint64_t probe = engine.submit("probe", [seen](JobContext& ctx) { *seen = ctx.model("inpaint"); });
    engine.waitIdle();
    EXPECT_EQ(recorder.outcome(reload), JobOutcome::Done);
    EXPECT_EQ(recorder.outcome(probe), JobOutcome::Done);
    EXPECT_TRUE(*seen) << "a job after the reload gets the new model";
    EXPECT_EQ(engine.models()[0].state, ModelState::Verified);

    std::filesystem::remove(folder.dir.file("fill.pt"));
    engine.reloadModels();
    engine.waitIdle();
    EXPECT_FALSE(engine.sessionStats("inpaint", nullptr)) << "a removed model is unloaded";
    EXPECT_EQ(engine.models()[0].state, ModelState::NotInstalled);
    EXPECT_EQ(engine.state(), EngineState::Ready);
}

TEST(Engine, WarmUpLeavesNoFirstCallPenalty) {
    ModelsFolder folder;
    Recorder recorder;
    Engine engine(folder.options(), recorder.callbacks());
    engine.waitReady();
    SessionStats before;
    ASSERT_TRUE(engine.sessionStats("inpaint", &before));
    EXPECT_GT(before.warmupCalls, 0);
    EXPECT_FALSE(engine.sessionStats("cartoon", nullptr));

    engine.submit("bucket request", [](JobContext& ctx) {
        ctx.model("inpaint")->inpaint(cv::Mat(32, 32, CV_8UC3, cv::Scalar(9, 9, 9)),
                                      cv::Mat(32, 32, CV_8UC1, cv::Scalar(255)));
    });
    engine.waitIdle();
    SessionStats after;
    ASSERT_TRUE(engine.sessionStats("inpaint", &after));
    EXPECT_EQ(after.calls, before.calls + 1);
    EXPECT_EQ(after.coldCalls, before.coldCalls);
}

TEST(Engine, CancellingARunningJobStopsItAndLaterJobsStillRun) {
    ModelsFolder folder;
    Recorder recorder;
    Engine engine(folder.options(), recorder.callbacks());
    std::atomic<bool> started{false};
    const uint64_t looping = engine.submit("loop", [&started](JobContext& ctx) {
        started = true;
        for (;;) {
            ctx.throwIfCancelled();
            std::this_thread::sleep_for(1ms);
        }
    });
    auto ran = std::make_shared<std::atomic<bool>>(false);
    const uint64_t later = engine.submit("later", [ran](JobContext&) { *ran = true; });
    while (!started) std::this_thread::sleep_for(1ms);
    engine.cancel(looping);
    engine.waitIdle();
    EXPECT_EQ(recorder.outcome(looping), JobOutcome::Cancelled);
    EXPECT_EQ(recorder.outcome(later), JobOutcome::Done);
    EXPECT_TRUE(*ran);
}

TEST(Engine, CancelledQueuedJobsNeverRun) {
    ModelsFolder folder;
    Recorder recorder;
    Engine engine(folder.options(), recorder.callbacks());
    std::atomic<bool> release{false};
    engine.submit("blocker", [&release](JobContext&) {
        while (!release) std::this_thread::sleep_for(1ms);
    });
    auto ran = std::make_shared<std::atomic<bool>>(false);
    const uint64_t queued = engine.submit("queued", [ran](JobContext&) { *ran = true; });
    engine.cancel(queued);
    release = true;
    engine.waitIdle();
    EXPECT_EQ(recorder.outcome(queued), JobOutcome::Cancelled);
    EXPECT_FALSE(*ran);
}

TEST(Engine, RequestIdsIncreaseAndResultsMapToThem) {
    ModelsFolder folder;
    Recorder recorder;
    Engine engine(folder.options(), recorder.callbacks());
    auto results = std::make_shared<std::map<uint64_t, int>>();
    auto resultsMutex = std::make_shared<std::mutex>();
    std::map<uint64_t, int> expected;
    uint64_t previous = 0;
    for (int i = 1; i <= 6; ++i) {
        auto idSlot = std::make_shared<uint64_t>(0);
        const uint64_t id = engine.submit("square", [i, results, resultsMutex](JobContext& ctx) {
            ctx.progress(0.5, "half way");
            std::lock_guard<std::mutex> lock(*resultsMutex);
            (*results)[static_cast<uint64_t>(i)] = i * i;
        });
        EXPECT_GT(id, previous);
        previous = id;
        expected[id] = i * i;
    }
    const uint64_t failing =
        engine.submit("fails", [](JobContext&) { throw Error("photo.jpg: broken"); });
    engine.waitIdle();
    std::lock_guard<std::mutex> lock(recorder.mutex);
    // Jobs run in submission order, so the i-th finished id carries the i-th result.
    ASSERT_EQ(recorder.finishOrder.size(), 7u);
    int index = 1;
    for (const auto& [id, square] : expected) {
        EXPECT_EQ(recorder.finishOrder[index - 1], id);
        EXPECT_EQ(results->at(static_cast<uint64_t>(index)), square);
        EXPECT_EQ(recorder.finished[id].first, JobOutcome::Done);
        ++index;
    }
    EXPECT_EQ(recorder.finished[failing].first, JobOutcome::Failed);
    EXPECT_EQ(recorder.finished[failing].second, "photo.jpg: broken");
    ASSERT_EQ(recorder.progress.size(), 6u);
    EXPECT_EQ(recorder.progress[0].first, expected.begin()->first);
    EXPECT_DOUBLE_EQ(recorder.progress[0].second, 0.5);
}

TEST(Engine, DestructorWithQueuedJobsReturnsPromptly) {
    ModelsFolder folder;
    Recorder recorder;
    auto bodiesRun = std::make_shared<std::atomic<int>>(0);
    std::atomic<bool> started{false};
    std::vector<uint64_t> ids;
    std::chrono::steady_clock::time_point destroyStart;
    {
        Engine engine(folder.options(), recorder.callbacks());
        ids.push_back(engine.submit("running", [&started](JobContext& ctx) {
            started = true;
            for (;;) {
                ctx.throwIfCancelled();
                std::this_thread::sleep_for(1ms);
            }
        }));
        for (int i = 0; i < 50; ++i)
            ids.push_back(engine.submit("slow", [bodiesRun](JobContext&) {
                ++*bodiesRun;
                std::this_thread::sleep_for(100ms);
            }));
        while (!started) std::this_thread::sleep_for(1ms);
        destroyStart = std::chrono::steady_clock::now();
    }
    const auto elapsed = std::chrono::steady_clock::now() - destroyStart;
    EXPECT_LT(elapsed, 1s);
    EXPECT_EQ(*bodiesRun, 0);
    std::lock_guard<std::mutex> lock(recorder.mutex);
    for (uint64_t id : ids) EXPECT_EQ(recorder.finished.at(id).first, JobOutcome::Cancelled);
    EXPECT_EQ(recorder.states.back().first, EngineState::Stopped);
}

TEST(Engine, MissingManifestStillGetsReady) {
    test::TempDir dir;
    Recorder recorder;
    EngineOptions options;
    options.device = DevicePreference::Cpu;
    options.modelsDir = dir.path();
    options.manifestPath = dir.file("absent.json");
    Engine engine(options, recorder.callbacks());
    engine.waitReady();
    EXPECT_TRUE(engine.models().empty());
    std::lock_guard<std::mutex> lock(recorder.mutex);
    bool reported = false;
    for (const auto& [state, message] : recorder.states)
        reported |= message.find("absent.json") != std::string::npos;
    EXPECT_TRUE(reported);
}

}  // namespace
}  // namespace pm::engine
