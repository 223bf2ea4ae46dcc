#pragma once
// The benchmarks' photo lists: the files of a test data folder whose names start with a prefix
// ("faded_", "scratched_", "" for all), sorted so every run reads them in the same order.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace pm::bench {

inline std::vector<std::string> filesWithPrefix(const std::string& dir, const std::string& prefix) {
    namespace fs = std::filesystem;
    std::vector<std::string> out;
    if (!fs::is_directory(dir)) return out;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().rfind(prefix, 0) == 0) out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace pm::bench
