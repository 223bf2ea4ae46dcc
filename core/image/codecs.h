#pragma once
// Encoding and decoding image bytes. OpenCV's imgcodecs brings about a hundred libraries into the
// process (GDAL and what it needs: 105 of the window's 172), which costs the window's start more
// than anything else it loads; so the window opens them from libphotomend-codecs.so, loading it
// on a background thread while the window is built. Everything else (the command line, tests,
// benchmarks) links imgcodecs directly: which one a program gets is chosen in CMake
// (the PM_LAZY_CODECS target property, see core/image/CMakeLists.txt). Nothing else the window
// links may need imgcodecs: OpenCV's ximgproc does, which is why the cartoon uses only core and
// imgproc (tests/packaging: SingleInstance.TheWindowDecodesThroughTheCodecsModule).
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace pm::image {

/// cv::imdecode: an empty Mat when the bytes cannot be decoded; cv::Exception and std::bad_alloc
/// as OpenCV throws them. Throws std::runtime_error when the codecs cannot be loaded.
cv::Mat decodeImage(const std::vector<uint8_t>& bytes, int flags);

/// cv::imencode with the same contract.
bool encodeImage(const std::string& extension, const cv::Mat& pixels, std::vector<uint8_t>& out,
                 const std::vector<int>& params);

/// Starts loading the codecs on a background thread, so that the first photo does not wait for
/// them; does nothing where they are linked in.
void preloadCodecs();

}  // namespace pm::image
