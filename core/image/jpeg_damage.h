#pragma once
// Internal to core/image: what is wrong with a JPEG whose marker walk (jpeg_markers.h) did not reach
// a clean end. libjpeg itself decodes the data once (at 1/8 scale, so only its entropy decoding
// costs time) with a message handler that collects its warnings instead of printing them, so the
// user learns the real problem: a truncated file, damaged image data, or only a missing end marker
// or stray bytes that cost no pixel.
#include <cstdint>
#include <string>
#include <vector>

namespace pm::image::detail {

struct JpegDamage {
    bool unreadable = false;  ///< libjpeg gave up: nothing of the picture can be shown
    bool pixelsLost = false;  ///< part of the picture could not be decoded (libjpeg fills it grey)
    bool endsEarly = false;   ///< the file ends before its image data does
    std::string problem;      ///< libjpeg's words for the worst problem found ("" when none)
};

JpegDamage diagnoseJpeg(const std::vector<uint8_t>& bytes);

}  // namespace pm::image::detail
