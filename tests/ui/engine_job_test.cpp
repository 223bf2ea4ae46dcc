// Each request to the engine is its own EngineJob: its progress and its end reach only whoever
// holds that job, Cancel stops that job alone, and the job is gone once it has ended.
#include <gtest/gtest.h>
#include <QCoreApplication>
#include <QPointer>
#include <QSignalSpy>
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "tests/support/engine_options.h"
#include "ui/engine_bridge.h"

namespace {

using pm::engine::JobOutcome;
using pm::ui::EngineJob;

JobOutcome outcomeOf(const QSignalSpy& finished) {
    return finished.at(0).at(0).value<JobOutcome>();
}

TEST(EngineJob, EachRequestHearsOnlyItsOwnProgressAndEnd) {
    pm::test::TempDir dir;
    pm::ui::EngineBridge bridge(pm::test::cpuWithoutModels(dir));
    QPointer<EngineJob> working =
        bridge.submit(QStringLiteral("works"),
                      [](pm::engine::JobContext& context) { context.progress(0.5, "half way"); });
    QPointer<EngineJob> failing = bridge.submit(
        QStringLiteral("fails"),
        [](pm::engine::JobContext&) { throw std::runtime_error("the photo is unreadable"); });
    ASSERT_NE(working->id(), failing->id());
    QSignalSpy workingProgress(working.data(), &EngineJob::progress);
    QSignalSpy workingFinished(working.data(), &EngineJob::finished);
    QSignalSpy failingProgress(failing.data(), &EngineJob::progress);
    QSignalSpy failingFinished(failing.data(), &EngineJob::finished);

    ASSERT_TRUE(failingFinished.wait(60000));
    if (workingFinished.isEmpty()) ASSERT_TRUE(workingFinished.wait(60000));
    ASSERT_EQ(workingProgress.size(), 1);
    EXPECT_DOUBLE_EQ(workingProgress.at(0).at(0).toDouble(), 0.5);
    EXPECT_EQ(workingProgress.at(0).at(1).toString(), QStringLiteral("half way"));
    ASSERT_EQ(workingFinished.size(), 1);
    EXPECT_EQ(outcomeOf(workingFinished), JobOutcome::Done);
    EXPECT_TRUE(failingProgress.isEmpty()) << "the other job's progress is not this job's";
    ASSERT_EQ(failingFinished.size(), 1);
    EXPECT_EQ(outcomeOf(failingFinished), JobOutcome::Failed);
    EXPECT_TRUE(failingFinished.at(0).at(1).toString().contains("unreadable"));

    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    EXPECT_TRUE(working.isNull()) << "a finished job is deleted";
    EXPECT_TRUE(failing.isNull());
}

TEST(EngineJob, CancelStopsThatJobAlone) {
    pm::test::TempDir dir;
    pm::ui::EngineBridge bridge(pm::test::cpuWithoutModels(dir));
    std::atomic<bool> started{false}, queuedRan{false};
    // Runs until cancelled, so the second job waits in the queue behind it.
    EngineJob* running =
        bridge.submit(QStringLiteral("long"), [&](pm::engine::JobContext& context) {
            started = true;
            for (;;) {
                context.throwIfCancelled();
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
            }
        });
    EngineJob* queued =
        bridge.submit(QStringLiteral("queued"), [&](pm::engine::JobContext&) { queuedRan = true; });
    EngineJob* kept = bridge.submit(QStringLiteral("kept"), [](pm::engine::JobContext&) {});
    QSignalSpy runningFinished(running, &EngineJob::finished);
    QSignalSpy queuedFinished(queued, &EngineJob::finished);
    QSignalSpy keptFinished(kept, &EngineJob::finished);

    queued->cancel();
    while (!started) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    running->cancel();
    ASSERT_TRUE(keptFinished.wait(60000));
    ASSERT_EQ(runningFinished.size(), 1);
    EXPECT_EQ(outcomeOf(runningFinished), JobOutcome::Cancelled);
    ASSERT_EQ(queuedFinished.size(), 1);
    EXPECT_EQ(outcomeOf(queuedFinished), JobOutcome::Cancelled);
    EXPECT_FALSE(queuedRan) << "a cancelled queued job never runs";
    EXPECT_EQ(outcomeOf(keptFinished), JobOutcome::Done)
        << "cancelling one job leaves the others alone";
}

}  // namespace
