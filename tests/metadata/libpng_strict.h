#pragma once
// PNG files as libpng itself sees them, for tests: every warning libpng raises while reading is
// collected (a test fails on any), so a chunk that libpng rejects or ignores, such as an iCCP with
// an empty keyword ("iCCP: bad keyword"), cannot pass unnoticed. Also writes PNG fixtures with
// libpng, so that the test files are valid by libpng's own rules.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <png.h>

#include <opencv2/core.hpp>

namespace pm::test {

struct PngText {
    std::string key;
    std::string text;
    int compression = PNG_TEXT_COMPRESSION_NONE;  ///< tEXt -1, zTXt 0, iTXt 1 (plain) or 2
    std::string lang;                             ///< iTXt only
    std::string langKey;                          ///< iTXt only: the translated keyword
    bool afterImage = false;                      ///< written after IDAT (only when writing)
};

/// The chunks a test cares about, read from or written to a PNG.
struct PngChunks {
    std::vector<std::string> warnings;  ///< everything libpng warned about while reading
    std::string error;                  ///< libpng's error when it gave up, "" otherwise
    bool hasIcc = false;
    std::string iccName;
    std::vector<uint8_t> icc;
    bool hasGamma = false;
    png_fixed_point gamma = 0;
    bool hasChrm = false;
    std::array<png_fixed_point, 8> chrm{};  ///< white x y, red x y, green x y, blue x y
    bool hasSrgb = false;
    int srgbIntent = -1;
    bool hasPhys = false;
    png_uint_32 physX = 0, physY = 0;
    int physUnit = -1;
    bool hasBkgd = false;
    png_color_16 bkgd{};
    bool hasTime = false;
    png_time time{};
    bool hasOffs = false;  ///< only written, to have a chunk PhotoMend does not carry
    std::vector<PngText> texts;
};

/// Decodes the whole file (header, pixels, chunks after the pixels) with libpng.
PngChunks readWithLibpng(const std::vector<uint8_t>& png);

/// An 8-bit RGB PNG of `bgr` (CV_8UC3) with the given chunks, written by libpng.
std::vector<uint8_t> writeWithLibpng(const cv::Mat& bgr, const PngChunks& chunks);

/// A small ICC v2 display profile header for `colorSpace` ("RGB " or "GRAY") that libpng accepts:
/// right length, 'acsp' signature, D50 illuminant, no tags. `seed` makes its bytes distinct.
std::vector<uint8_t> minimalIccProfile(const char* colorSpace, uint8_t seed);

}  // namespace pm::test
