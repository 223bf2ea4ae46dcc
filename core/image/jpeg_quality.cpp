// estimateJpegQuality: which IJG quality setting produced this file's luminance table.
#include <algorithm>
#include <cstdlib>
#include <limits>

#include "core/image/image_io.h"
#include "core/image/jpeg_markers.h"

namespace pm::image {
namespace {

// The IJG standard luminance table (JPEG spec K.1) in natural order, which libjpeg scales by
// quality.
constexpr std::array<int, 64> kStdLuminance = {
    16, 11, 10, 16, 24,  40,  51,  61,  12, 12, 14, 19, 26,  58,  60,  55,
    14, 13, 16, 24, 40,  57,  69,  56,  14, 17, 22, 29, 51,  87,  80,  62,
    18, 22, 37, 56, 68,  109, 103, 77,  24, 35, 55, 64, 81,  104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99};

// libjpeg's jpeg_quality_scaling + jpeg_add_quant_table.
int scaledEntry(int base, int quality, int maxValue) {
    const int scale = quality < 50 ? 5000 / quality : 200 - quality * 2;
    const long value = (static_cast<long>(base) * scale + 50) / 100;
    return static_cast<int>(std::clamp<long>(value, 1, maxValue));
}

}  // namespace

int estimateJpegQuality(const std::vector<uint8_t>& jpegBytes) {
    const detail::JpegStructure s = detail::scanJpeg(jpegBytes);
    if (!s.isJpeg || !s.tableDefined[s.lumaTable]) return -1;
    const auto& table = s.tables[s.lumaTable];
    const int maxValue = s.table16Bit[s.lumaTable] ? 32767 : 255;
    // Try every setting and keep the closest table: exact for IJG encoders (OpenCV, most cameras'
    // software, GIMP), and the nearest equivalent for encoders with their own tables.
    int best = -1;
    long bestError = std::numeric_limits<long>::max();
    for (int q = 1; q <= 100; ++q) {
        long error = 0;
        for (int i = 0; i < 64; ++i)
            error +=
                std::labs(static_cast<long>(table[i]) - scaledEntry(kStdLuminance[i], q, maxValue));
        if (error <= bestError) {  // on ties prefer the higher quality, so re-saving loses nothing
            bestError = error;
            best = q;
        }
    }
    return best;
}

}  // namespace pm::image
