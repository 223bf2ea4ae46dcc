#pragma once
// Wall-clock time of the stages of Remove object, printed to stderr when the fill's params ask for
// it (RemoveParams::profile): the speed targets (12 MP in a second on 2 cores) are met or missed
// stage by stage.
#include <chrono>
#include <cstdio>

namespace pm::ops {

class StageTimer {
public:
    StageTimer(const char* scope, bool enabled) : scope_(scope), enabled_(enabled), last_(now()) {}

    bool enabled() const { return enabled_; }

    /// Time since the previous lap (or construction), labelled `stage`.
    void lap(const char* stage) {
        if (!enabled_) return;
        const auto t = now();
        std::fprintf(stderr, "  [%s] %-22s %8.2f ms\n", scope_, stage,
                     std::chrono::duration<double, std::milli>(t - last_).count());
        last_ = t;
    }

private:
    static std::chrono::steady_clock::time_point now() { return std::chrono::steady_clock::now(); }
    const char* scope_;
    bool enabled_;
    std::chrono::steady_clock::time_point last_;
};

}  // namespace pm::ops
