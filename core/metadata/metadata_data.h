#pragma once
// Internal to core/metadata: what a Metadata value holds, shared by reading and writing.
#include <cstdint>
#include <vector>

#include <exiv2/exiv2.hpp>

#include "core/metadata/metadata.h"

namespace pm::metadata {

struct Metadata::Data {
    Exiv2::ExifData exif;
    Exiv2::IptcData iptc;
    Exiv2::XmpData xmp;
    std::vector<uint8_t> icc;
    int pixelWidth = 0;
    int pixelHeight = 0;
};

}  // namespace pm::metadata
