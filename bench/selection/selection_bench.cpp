// Click-to-select quality and speed.
//   selection_bench              IoU per reference object (1..3 clicks, and a box) and latency per
//                                click at 1 MP and 12 MP
//   selection_bench --iou-only   the IoU table alone (no plain grabCut, no latency)
//   selection_bench --latency-only  the 12 MP latency row alone (for repeated runs)
//   selection_bench --look DIR   also writes each selection over its photo to DIR as PNG (reference
//                                outline green, selection tinted red)
// Reference, measured in the same run: a plain cv::grabCut (5 iterations, the object's box) on the
// whole photo at full resolution, which is what the built-in selection replaces. The test photos
// are small, so 1 MP and 12 MP are kodim03 enlarged (1224 x 816 and 4242 x 2828).
#include <cstdio>
#include <functional>
#include <ctime>
#include <memory>
#include <filesystem>
#include <string>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "bench/common/median_time.h"
#include "core/ops/selection/click_select.h"
#include "core/ops/selection/mask_tools.h"
#include "core/ops/selection/outline_trace.h"
#include "tests/ops_selection/reference_objects.h"

namespace fs = std::filesystem;
namespace sel = pm::ops::selection;

namespace {

cv::Mat plainGrabCut(const cv::Mat& bgr, cv::Rect box) {
    cv::Mat mask, bgd, fgd;
    cv::grabCut(bgr, mask, box, bgd, fgd, 5, cv::GC_INIT_WITH_RECT);
    return (mask == cv::GC_FGD) | (mask == cv::GC_PR_FGD);
}

void writeLook(const std::string& dir, const std::string& name, const cv::Mat& bgr,
               const cv::Mat& selection, const pm::testing::ReferenceObject& object,
               const std::vector<cv::Point>& clicks) {
    cv::Mat look = bgr.clone();
    cv::Mat red(bgr.size(), CV_8UC3, cv::Scalar(0, 0, 255));
    cv::Mat tinted;
    cv::addWeighted(bgr, 0.5, red, 0.5, 0, tinted);
    tinted.copyTo(look, selection);
    std::vector<std::vector<cv::Point>> contours;
    cv::findContours(object.mask(bgr.size()), contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
    cv::drawContours(look, contours, -1, cv::Scalar(0, 255, 0), 1);
    for (const cv::Point& c : clicks) cv::circle(look, c, 3, cv::Scalar(255, 255, 0), cv::FILLED);
    cv::imwrite(dir + "/" + name + ".png", look);
}

// Median wall ms and mean process CPU ms (every thread) per run: on a machine shared with other
// work the wall time is mostly waiting, the CPU time is what the work costs.
struct Cost {
    double wallMs = 0, cpuMs = 0;
};
Cost measure(int runs, const std::function<void()>& work) {
    const std::clock_t start = std::clock();
    const double wall = pm::bench::medianMs(runs, work);
    return {wall, 1000.0 * double(std::clock() - start) / CLOCKS_PER_SEC / runs};
}

void printIoUTable(const fs::path& photos, const std::string& look, bool iouOnly) {
    std::printf("IoU against the hand-drawn reference (photo at its own size)\n");
    std::printf("%-14s %8s %8s %8s %8s %12s %10s %10s\n", "object", "1 click", "2 clicks", "3 clicks",
                "box", "grabCut box", "ms/click", "ms grabCut");
    for (const auto& object : pm::testing::referenceObjects()) {
        const cv::Mat bgr = cv::imread((photos / object.photo).string(), cv::IMREAD_COLOR);
        const cv::Mat reference = object.mask(bgr.size());
        const cv::Rect box = cv::boundingRect(reference);
        const sel::ClickSelector selector(bgr);
        std::string row;
        double clickMs = 0;
        for (size_t k = 1; k <= 3; ++k) {
            if (k > object.clicks.size()) {
                row += "        -";
                continue;
            }
            sel::SelectionPrompt prompt;
            prompt.positive.assign(object.clicks.begin(), object.clicks.begin() + long(k));
            cv::Mat selection;
            clickMs = pm::bench::medianMs(iouOnly ? 1 : 3, [&] { selection = selector.select(prompt); });
            char cell[16];
            std::snprintf(cell, sizeof cell, " %8.3f", sel::maskIoU(selection, reference));
            row += cell;
            if (!look.empty())
                writeLook(look, object.name + "-" + std::to_string(k), bgr, selection, object, prompt.positive);
        }
        sel::SelectionPrompt boxPrompt;
        boxPrompt.box = box;
        const cv::Mat boxSelection = selector.select(boxPrompt);
        cv::Mat plain = reference;
        const double plainMs = iouOnly ? 0 : pm::bench::medianMs(1, [&] { plain = plainGrabCut(bgr, box); });
        if (!look.empty()) writeLook(look, object.name + "-box", bgr, boxSelection, object, {});
        std::printf("%-14s%s %8.3f %12.3f %10.1f %10.1f\n", object.name.c_str(), row.c_str(),
                    sel::maskIoU(boxSelection, reference), sel::maskIoU(plain, reference), clickMs, plainMs);
    }

}

void printScissorsTable(const fs::path& photos, const std::string& look) {
    // Intelligent Scissors as a user traces: N points spread evenly along the reference outline (each
    // snapped path between them follows the photo's edges); the closed outline's inside against the
    // reference. The reference itself is only a hand-drawn polygon (1-2 px), so 1.0 is not reachable.
    std::printf("\nIntelligent Scissors: IoU with N points on the reference outline\n%-14s %8s %8s %8s\n", "object",
                "6 pts", "10 pts", "16 pts");
    for (const auto& object : pm::testing::referenceObjects()) {
        const cv::Mat bgr = cv::imread((photos / object.photo).string(), cv::IMREAD_COLOR);
        const cv::Mat reference = object.mask(bgr.size());
        std::vector<std::vector<cv::Point>> contours;
        cv::findContours(reference.clone(), contours, cv::RETR_EXTERNAL, cv::CHAIN_APPROX_NONE);
        const std::vector<cv::Point>& along = contours.front();
        sel::OutlineTracer tracer(bgr);
        std::printf("%-14s", object.name.c_str());
        for (const size_t n : {6, 10, 16}) {
            std::vector<cv::Point> outline{along.front()};
            tracer.setAnchor(along.front());
            for (size_t i = 1; i <= n; ++i) {
                const cv::Point next = along[(i * along.size() / n) % along.size()];
                const std::vector<cv::Point> path = tracer.pathTo(next);
                outline.insert(outline.end(), path.begin() + (path.empty() ? 0 : 1), path.end());
                tracer.setAnchor(next);
            }
            const cv::Mat traced = sel::OutlineTracer::fillOutline(outline, bgr.size());
            std::printf(" %8.3f", sel::maskIoU(traced, reference));
            if (!look.empty() && n == 10) writeLook(look, object.name + "-scissors10", bgr, traced, object, {});
        }
        std::printf("\n");
    }

}

}  // namespace

int main(int argc, char** argv) {
    std::string look;
    bool iouOnly = false;
    bool latencyOnly = false;  // the 12 MP latency row alone, for repeated runs
    for (int i = 1; i < argc; ++i) {
        if (std::string(argv[i]) == "--look" && i + 1 < argc) look = argv[++i];
        if (std::string(argv[i]) == "--iou-only") iouOnly = true;
        if (std::string(argv[i]) == "--latency-only") latencyOnly = true;
    }
    const fs::path photos = fs::path(PM_TESTDATA_DIR) / "photos";
    if (!fs::is_directory(photos)) {
        std::printf("testdata not found at %s\n", photos.c_str());
        return 1;
    }

    if (!latencyOnly) {
        printIoUTable(photos, look, iouOnly);
        printScissorsTable(photos, look);
    }
    if (iouOnly) return 0;
    std::printf("\nLatency per click: median wall ms / mean CPU ms of all threads (5 runs; the selector's copy\n"
                "is made once per photo)\n");
    std::printf("%-6s %13s %13s %13s %13s %13s %13s %13s %13s %13s\n", "size", "prepare", "click", "2 clicks",
                "2nd click", "+ not-this", "box", "scissors map", "scissors pt", "feather 8px");
    const cv::Mat kodim = cv::imread((photos / "kodim03.png").string(), cv::IMREAD_COLOR);
    const auto yellow = pm::testing::referenceObjects().front();
    const auto both = [](Cost c) {
        char text[32];
        std::snprintf(text, sizeof text, "%.0f/%.0f", c.wallMs, c.cpuMs);
        return std::string(text);
    };
    for (const double factor : {1224.0 / 768, 4242.0 / 768}) {
        if (latencyOnly && factor < 2) continue;
        cv::Mat big;
        cv::resize(kodim, big, cv::Size(), factor, factor, cv::INTER_CUBIC);
        auto scaled = [&](cv::Point p) { return cv::Point(int(p.x * factor), int(p.y * factor)); };
        std::unique_ptr<sel::ClickSelector> selector;
        const Cost prepare = measure(3, [&] { selector = std::make_unique<sel::ClickSelector>(big); });
        sel::SelectionPrompt one, two, box;
        one.positive = {scaled(yellow.clicks[0])};
        two.positive = {scaled(yellow.clicks[0]), scaled(yellow.clicks[1])};
        const cv::Rect small = cv::boundingRect(yellow.mask(kodim.size()));
        box.box = cv::Rect(scaled(small.tl()), scaled(small.br()));
        const Cost oneCost = measure(5, [&] { selector->select(one); });
        const Cost twoCost = measure(5, [&] { selector->select(two); });
        // The second click as the Select tool asks for it: with the first click's answer.
        sel::SelectionState afterOne;
        selector->select(one, {}, &afterOne);
        const Cost secondCost = measure(5, [&] { selector->select(two, afterOne, nullptr); });
        // A negative click after the two (on the photo's corner region left of the hat), reusing the
        // two clicks' answer as the Select tool does.
        sel::SelectionState afterTwo;
        selector->select(two, {}, &afterTwo);
        sel::SelectionPrompt notThis = two;
        notThis.negative = {scaled({60, 300})};
        const Cost notThisCost = measure(5, [&] { selector->select(notThis, afterTwo, nullptr); });
        const Cost boxCost = measure(5, [&] { selector->select(box); });
        // Intelligent Scissors: the edge map once per photo (the first point), then each point's
        // shortest-path map and the path to it.
        std::unique_ptr<sel::OutlineTracer> tracer;
        const Cost map = measure(3, [&] { tracer = std::make_unique<sel::OutlineTracer>(big); });
        const cv::Point a = box.box.tl(), b(box.box.br().x, box.box.y);
        const Cost point = measure(5, [&] {
            tracer->setAnchor(a);
            tracer->pathTo(b);
        });
        const cv::Mat selection = selector->select(box);
        const Cost feather = measure(5, [&] { sel::featherMask(selection, 8); });
        std::printf("%4.0fMP %13s %13s %13s %13s %13s %13s %13s %13s %13s\n", big.total() / 1e6,
                    both(prepare).c_str(), both(oneCost).c_str(), both(twoCost).c_str(), both(secondCost).c_str(),
                    both(notThisCost).c_str(), both(boxCost).c_str(),
                    both(map).c_str(),
                    both(point).c_str(), both(feather).c_str());
        // The plain grabCut takes minutes at 12 MP (227 s once on this machine): only at 1 MP.
        if (big.total() < 2e6) {
            const double plainMs = pm::bench::medianMs(1, [&] { plainGrabCut(big, box.box); });
            std::printf("       plain grabCut with the box: %.0f ms wall (x%.0f the box's)\n", plainMs,
                        plainMs / boxCost.wallMs);
        }
    }
    return 0;
}
