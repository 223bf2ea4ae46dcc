#pragma once
// Internal to core/metadata: a photo's print resolution (DPI) from wherever the source file keeps
// it, so that a PNG saved from a JPEG, TIFF or WebP gets the same size on paper (its pHYs chunk).
#include <cstdint>
#include <optional>
#include <vector>

#include <exiv2/exif.hpp>

namespace pm::metadata::detail {

/// Pixels per unit along x and y, as PNG's pHYs chunk holds them.
struct PrintResolution {
    uint32_t x = 0;
    uint32_t y = 0;
    bool perMetre = false;  ///< false: only the pixels' aspect ratio is known, no physical size

    /// The 9 bytes of a pHYs chunk.
    std::vector<uint8_t> physData() const;
};

/// From the JFIF header (the APP0 segment right after SOI); nothing when there is none, when its
/// densities are zero, or when it only says "square pixels" (libjpeg's default 1:1 without units).
std::optional<PrintResolution> jfifResolution(const std::vector<uint8_t>& jpeg);

/// From Exif.Image.XResolution, YResolution and ResolutionUnit (inch when absent, as EXIF says).
std::optional<PrintResolution> exifResolution(const Exiv2::ExifData& exif);

}  // namespace pm::metadata::detail
