#pragma once
// Median wall time of a piece of work, for the benchmarks: the median of several runs shrugs off
// the odd slow run on a shared machine.
#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

namespace pm::bench {

inline double medianMs(int runs, const std::function<void()>& work) {
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        const auto start = std::chrono::steady_clock::now();
        work();
        ms.push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count());
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

}  // namespace pm::bench
