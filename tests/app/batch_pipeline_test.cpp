// The CLI's batch pipeline on its own: the next photos are decoded while the model works and the
// finished ones are saved at the same time, never more than `inFlight` photos at once, the model
// sees the photos in order on one engine, and a failed photo does not stop the others.
#include "app/cli/batch_pipeline.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "core/common/error.h"

namespace pm::cli {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<FileTask> tasks(int n) {
    std::vector<FileTask> list;
    for (int i = 0; i < n; ++i)
        list.push_back({QStringLiteral("in/%1.png").arg(i), QString(), QStringLiteral("out/%1.png").arg(i)});
    return list;
}

engine::EngineOptions noModels() {
    engine::EngineOptions options;
    options.preload = false;
    options.device = engine::DevicePreference::Cpu;
    return options;
}

int indexOf(const BatchPhoto& p) {
    return p.task.input.section('/', 1).section('.', 0, 0).toInt();
}

struct Trace {
    std::mutex mutex;
    std::vector<int> modelOrder;
    std::vector<int> saved;
    std::atomic<int> held{0}, mostHeld{0};
    std::atomic<bool> decodedWhileModelRan{false}, savedWhileModelRan{false};
    std::atomic<bool> modelRunning{false};
    std::set<std::thread::id> modelThreads;
};

BatchSteps tracedSteps(Trace& trace, int failAt) {
    BatchSteps steps;
    steps.label = "test";
    steps.load = [&trace, failAt](BatchPhoto& p) {
        const int now = ++trace.held;
        for (int most = trace.mostHeld; now > most && !trace.mostHeld.compare_exchange_weak(most, now);) {}
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        if (trace.modelRunning) trace.decodedWhileModelRan = true;
        if (indexOf(p) == failAt) {
            --trace.held;  // a photo that fails to decode is never saved
            throw Error("corrupt photo");
        }
        p.result = cv::Mat(4, 4, CV_8UC1, cv::Scalar(indexOf(p)));
    };
    steps.process = [&trace](BatchPhoto& p, engine::JobContext&) {
        trace.modelRunning = true;
        {
            std::lock_guard<std::mutex> lock(trace.mutex);
            trace.modelOrder.push_back(indexOf(p));
            trace.modelThreads.insert(std::this_thread::get_id());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        p.summary = "done";
        trace.modelRunning = false;
    };
    steps.save = [&trace](BatchPhoto& p) {
        // Asked after the work: the model takes the next photo a moment after handing this one on.
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        if (trace.modelRunning) trace.savedWhileModelRan = true;
        {
            std::lock_guard<std::mutex> lock(trace.mutex);
            trace.saved.push_back(indexOf(p));
        }
        --trace.held;
    };
    return steps;
}

TEST(BatchPipeline, OverlapsDecodingAndSavingWithTheModelWithinTheBound) {
    Trace trace;
    BatchOptions options;
    options.inFlight = 3;
    options.decodeThreads = 2;
    options.encodeThreads = 2;
    options.closingLine = false;
    BatchStats stats;
    testing::internal::CaptureStdout();
    const int code = runBatch(noModels(), tasks(12), tracedSteps(trace, -1), options, &stats);
    const std::string out = testing::internal::GetCapturedStdout();
    EXPECT_EQ(code, 0);
    EXPECT_EQ(stats.photos, 12);
    EXPECT_EQ(stats.failed, 0);
    EXPECT_LE(stats.maxInFlight, 3);
    EXPECT_LE(trace.mostHeld.load(), 3);
    EXPECT_GE(stats.maxInFlight, 2);  // it did overlap
    EXPECT_TRUE(trace.decodedWhileModelRan);
    EXPECT_TRUE(trace.savedWhileModelRan);
    std::vector<int> inOrder(12);
    for (int i = 0; i < 12; ++i) inOrder[i] = i;
    EXPECT_EQ(trace.modelOrder, inOrder);
    EXPECT_EQ(trace.modelThreads.size(), 1u);  // one engine worker: the model stays warm
    // The lines come in the photos' order.
    size_t at = 0;
    for (int i = 0; i < 12; ++i) {
        const std::string line = "in/" + std::to_string(i) + ".png -> out/" + std::to_string(i) + ".png (done)\n";
        const size_t found = out.find(line, at);
        ASSERT_NE(found, std::string::npos) << line << out;
        at = found + line.size();
    }
    // Faster than one photo after the other (12 x 40 ms): the stages overlap.
    EXPECT_LT(stats.seconds, 12 * 0.040) << stats.seconds;
}

TEST(BatchPipeline, OneInFlightRunsOnePhotoAtATime) {
    Trace trace;
    BatchOptions options;
    options.inFlight = 1;
    options.decodeThreads = 2;
    options.encodeThreads = 2;
    options.closingLine = false;
    BatchStats stats;
    testing::internal::CaptureStdout();
    EXPECT_EQ(runBatch(noModels(), tasks(5), tracedSteps(trace, -1), options, &stats), 0);
    testing::internal::GetCapturedStdout();
    EXPECT_EQ(stats.maxInFlight, 1);
    EXPECT_EQ(trace.mostHeld.load(), 1);
    EXPECT_FALSE(trace.decodedWhileModelRan);
}

TEST(BatchPipeline, AFailedPhotoIsReportedAndTheOthersGoOn) {
    Trace trace;
    BatchOptions options = defaultBatchOptions(2);
    options.closingLine = false;
    BatchStats stats;
    testing::internal::CaptureStdout();
    testing::internal::CaptureStderr();
    const int code = runBatch(noModels(), tasks(6), tracedSteps(trace, 2), options, &stats);
    const std::string out = testing::internal::GetCapturedStdout();
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(code, 1);
    EXPECT_EQ(stats.failed, 1);
    EXPECT_NE(err.find("in/2.png: corrupt photo"), std::string::npos) << err;
    EXPECT_NE(err.find("1 of 6 photos failed"), std::string::npos) << err;
    EXPECT_EQ(trace.modelOrder, (std::vector<int>{0, 1, 3, 4, 5}));
    EXPECT_EQ(out.find("in/2.png ->"), std::string::npos) << out;
    EXPECT_NE(out.find("in/5.png -> out/5.png"), std::string::npos) << out;
}

}  // namespace
}  // namespace pm::cli
