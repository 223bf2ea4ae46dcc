#pragma once
// Internal to core/metadata: what a Metadata value holds, shared by reading and writing.
#include <cstdint>
#include <optional>
#include <vector>

#include <exiv2/exiv2.hpp>

#include "core/metadata/metadata.h"
#include "core/metadata/png_carry.h"
#include "core/metadata/print_resolution.h"

namespace pm::metadata {

struct Metadata::Data {
    Exiv2::ExifData exif;
    Exiv2::IptcData iptc;
    Exiv2::XmpData xmp;
    std::vector<uint8_t> icc;
    detail::PngExtras png;  ///< colour, resolution, text and time chunks of a PNG source
    std::optional<detail::PrintResolution> jfifResolution;  ///< a JPEG source's JFIF density
    int pixelWidth = 0;
    int pixelHeight = 0;
};

}  // namespace pm::metadata
