#pragma once
// Test images with content that changes under every flip and rotation, so an orientation or channel
// mistake cannot go unnoticed, plus small helpers shared by the image and metadata tests.
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace pm::test {

/// A `rows` x `cols` image of the given type: smooth horizontal and vertical ramps in different
/// channels plus a bright block near the top-left corner. Smooth, so JPEG keeps it close.
inline cv::Mat asymmetricPattern(int rows, int cols, int type) {
    cv::Mat m(rows, cols, type);
    const int channels = CV_MAT_CN(type);
    const double maxValue = CV_MAT_DEPTH(type) == CV_16U ? 65535.0 : 255.0;
    for (int y = 0; y < rows; ++y) {
        for (int x = 0; x < cols; ++x) {
            const bool block = y < rows / 4 && x < cols / 3;
            const double v[4] = {
                block ? 1.0 : 0.1 + 0.8 * x / cols, block ? 1.0 : 0.1 + 0.8 * y / rows,
                block ? 0.9 : 0.5 + 0.3 * (x + y) / (rows + cols), 1.0 - 0.5 * x / cols};
            for (int c = 0; c < channels; ++c) {
                const double value = v[channels == 1 ? 0 : c] * maxValue;
                if (CV_MAT_DEPTH(type) == CV_16U)
                    m.ptr<uint16_t>(y)[x * channels + c] = cv::saturate_cast<uint16_t>(value);
                else
                    m.ptr<uint8_t>(y)[x * channels + c] = cv::saturate_cast<uint8_t>(value);
            }
        }
    }
    return m;
}

/// Uniform noise of the given type from a fixed seed: worst case for lossless codecs.
inline cv::Mat noiseImage(int rows, int cols, int type, uint64_t seed = 7) {
    cv::Mat m(rows, cols, type);
    cv::RNG rng(seed);
    const double maxValue = CV_MAT_DEPTH(type) == CV_16U ? 65536.0 : 256.0;
    rng.fill(m, cv::RNG::UNIFORM, 0.0, maxValue);
    return m;
}

inline double maxAbsDiff(const cv::Mat& a, const cv::Mat& b) {
    if (a.size() != b.size() || a.type() != b.type()) return 1e9;
    return cv::norm(a, b, cv::NORM_INF);
}

inline double meanAbsDiff(const cv::Mat& a, const cv::Mat& b) {
    if (a.size() != b.size() || a.type() != b.type()) return 1e9;
    return cv::norm(a, b, cv::NORM_L1) / (a.total() * a.channels());
}

inline std::string baseName(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// Files in testdata/metadata made to break metadata parsers (fuzzer finds, CVE proofs of concept),
/// and one with no metadata at all; the others are real camera files.
inline bool isMalformedMetadataSample(const std::string& path) {
    const std::string name = baseName(path);
    return name.rfind("issue_", 0) == 0 || name.rfind("crash-", 0) == 0 ||
           name == "exiv2-empty.jpg";
}

}  // namespace pm::test
