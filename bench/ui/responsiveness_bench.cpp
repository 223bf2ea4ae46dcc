// Is the window still responsive while the engine runs a model on the CPU? The GUI thread runs a
// 10 ms timer (a stand-in for repaints and input) while one inpaint request runs on the engine's
// worker, which uses every core; the gaps between ticks are what a user would feel as stutter.
// The same timer measured while the engine is idle is the reference.
//
//   QT_QPA_PLATFORM=offscreen responsiveness_bench --manifest M --models DIR [--size 512]
//                                                  [--device cpu|auto|cuda]
#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>
#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <stdexcept>
#include <vector>

#include <opencv2/core.hpp>

#include "core/engine/inference_session.h"
#include "ui/engine_bridge.h"

namespace {

struct Gaps {
    double max = 0, p99 = 0, median = 0;
    int ticks = 0;
};

// Runs the event loop, ticking every 10 ms, until `done` is true; returns the gaps between ticks.
Gaps tickUntil(const std::function<bool()>& done) {
    std::vector<double> gaps;
    QElapsedTimer clock;
    clock.start();
    qint64 last = clock.nsecsElapsed();
    QTimer timer;
    timer.setTimerType(Qt::PreciseTimer);
    QEventLoop loop;
    QObject::connect(&timer, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        gaps.push_back(static_cast<double>(now - last) / 1e6);
        last = now;
        if (done()) loop.quit();
    });
    timer.start(10);
    loop.exec();
    Gaps g;
    if (gaps.empty()) return g;
    std::sort(gaps.begin(), gaps.end());
    g.ticks = static_cast<int>(gaps.size());
    g.max = gaps.back();
    g.p99 = gaps[std::min(gaps.size() - 1, gaps.size() * 99 / 100)];
    g.median = gaps[gaps.size() / 2];
    return g;
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    pm::engine::EngineOptions options;
    options.device = pm::engine::DevicePreference::Cpu;
    int size = 512;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == "--manifest") options.manifestPath = args[i + 1].toStdString();
        if (args[i] == "--models") options.modelsDir = args[i + 1].toStdString();
        if (args[i] == "--size") size = args[i + 1].toInt();
        if (args[i] == "--device")
            options.device = pm::engine::parseDevicePreference(args[i + 1].toStdString());
    }
    pm::ui::EngineBridge bridge(options);
    QElapsedTimer startup;
    startup.start();
    const Gaps warming = tickUntil([&] { return bridge.isReady(); });
    std::printf("engine ready after %.2f s on %s; GUI timer while warming: median %.1f ms, "
                "p99 %.1f, max %.1f (%d ticks)\n",
                startup.elapsed() / 1000.0, qPrintable(bridge.deviceDescription()),
                warming.median, warming.p99, warming.max, warming.ticks);

    QElapsedTimer idleClock;
    idleClock.start();
    const Gaps idle = tickUntil([&] { return idleClock.elapsed() > 1000; });

    cv::Mat image(size, size, CV_8UC3), mask(size, size, CV_8UC1, cv::Scalar(0));
    cv::randu(image, 0, 256);
    mask(cv::Rect(size / 4, size / 4, size / 2, size / 2)).setTo(255);
    bool finished = false;
    QString failure;
    QElapsedTimer job;
    job.start();
    pm::ui::EngineJob* request = bridge.submit("inpaint", [&](pm::engine::JobContext& context) {
        pm::engine::InferenceSession* model = context.model("inpaint");
        if (!model) throw std::runtime_error("no inpainting model is installed");
        model->inpaint(image, mask);
    });
    QObject::connect(request, &pm::ui::EngineJob::finished,
                     [&](pm::engine::JobOutcome outcome, const QString& message) {
                         finished = true;
                         if (outcome != pm::engine::JobOutcome::Done)
                             failure = message.isEmpty() ? "cancelled" : message;
                     });
    const Gaps busy = tickUntil([&] { return finished; });
    const double jobMs = static_cast<double>(job.elapsed());
    if (!failure.isEmpty()) {
        std::fprintf(stderr, "the request failed: %s\n", qPrintable(failure));
        return 1;
    }
    std::printf("%dx%d inpaint on the worker: %.0f ms\n", size, size, jobMs);
    std::printf("GUI timer (10 ms)      median ms   p99 ms   max ms   ticks\n");
    std::printf("engine idle            %9.1f %8.1f %8.1f %7d\n", idle.median, idle.p99, idle.max,
                idle.ticks);
    std::printf("during the request    %9.1f %8.1f %8.1f %7d\n", busy.median, busy.p99, busy.max,
                busy.ticks);
    std::printf("max gap %s the 50 ms at which a pause is felt\n",
                busy.max <= 50.0 ? "within" : "OVER");
    return 0;
}
