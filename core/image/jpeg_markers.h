#pragma once
// Internal to core/image: a walk over a JPEG file's marker segments. OpenCV decodes the pixels;
// this only answers what OpenCV does not report: the quantization tables and whether the data is
// complete.
#include <array>
#include <cstdint>
#include <vector>

namespace pm::image::detail {

struct JpegStructure {
    bool isJpeg = false;    ///< starts with SOI and its segments are well formed up to the scan
    bool complete = false;  ///< an EOI marker follows the entropy-coded data
    /// The data ends inside the image data or inside a segment before it, as in a file cut short
    /// (not set when the walk stops at bytes that are not a marker, as in a damaged file).
    bool endsEarly = false;
    int lumaTable = 0;      ///< quantization table used by the first component
    std::array<bool, 4> tableDefined{};
    std::array<bool, 4> table16Bit{};
    /// Quantization tables in natural (row-major) order, as libjpeg stores them.
    std::array<std::array<uint16_t, 64>, 4> tables{};
};

JpegStructure scanJpeg(const std::vector<uint8_t>& bytes);

}  // namespace pm::image::detail
