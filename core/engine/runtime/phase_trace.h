#pragma once
// Where start-up and each request spend their time: one stderr line per phase while
// SessionOptions::trace is on (it synchronizes the GPU at every mark, so only for measuring).
// Off, a mark costs one branch.
#include <chrono>
#include <string>

namespace pm::engine {

class PhaseTrace {
public:
    PhaseTrace(bool on, std::string scope);
    /// Prints the time since the last mark (or since construction) under `phase`.
    void mark(const std::string& phase);

private:
    bool on_;
    std::string scope_;
    std::chrono::steady_clock::time_point last_;
};

}  // namespace pm::engine
