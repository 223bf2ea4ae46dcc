#pragma once
// Whole-file reads and writes for tests that make broken or truncated files on purpose.
#include <fstream>
#include <iterator>
#include <string>

namespace pm::test {

inline void writeBytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

inline std::string readBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace pm::test
