#include "core/metadata/print_resolution.h"

#include <cmath>
#include <cstring>
#include <exception>

namespace pm::metadata::detail {
namespace {

constexpr double kMetresPerInch = 0.0254;

// Pixels per metre from a density in `unit` (1 inch, 2 centimetre), 0 when out of pHYs's range.
uint32_t perMetre(double density, int unit) {
    const double ppm = unit == 1 ? density / kMetresPerInch : density * 100.0;
    if (!(ppm >= 1.0) || ppm > 2147483647.0) return 0;
    return static_cast<uint32_t>(std::lround(ppm));
}

std::optional<PrintResolution> resolution(double x, double y, int unit) {
    if (!(x > 0) || !(y > 0)) return std::nullopt;
    PrintResolution r;
    if (unit == 0) {
        // Only an aspect ratio: worth keeping when the pixels are not square.
        if (x == y || x > 2147483647.0 || y > 2147483647.0) return std::nullopt;
        r.x = static_cast<uint32_t>(std::lround(x));
        r.y = static_cast<uint32_t>(std::lround(y));
    } else {
        r.x = perMetre(x, unit);
        r.y = perMetre(y, unit);
        r.perMetre = true;
    }
    if (r.x == 0 || r.y == 0) return std::nullopt;
    return r;
}

}  // namespace

std::vector<uint8_t> PrintResolution::physData() const {
    std::vector<uint8_t> data;
    for (uint32_t v : {x, y})
        for (int shift = 24; shift >= 0; shift -= 8) data.push_back(uint8_t(v >> shift));
    data.push_back(perMetre ? 1 : 0);
    return data;
}

std::optional<PrintResolution> jfifResolution(const std::vector<uint8_t>& jpeg) {
    // SOI, APP0 marker, length, "JFIF\0", version (2), units, Xdensity (2), Ydensity (2).
    if (jpeg.size() < 18 || jpeg[0] != 0xFF || jpeg[1] != 0xD8 || jpeg[2] != 0xFF ||
        jpeg[3] != 0xE0 || std::memcmp(jpeg.data() + 6, "JFIF\0", 5) != 0)
        return std::nullopt;
    const int units = jpeg[13];  // 0 aspect ratio only, 1 dots per inch, 2 dots per cm
    if (units > 2) return std::nullopt;
    const double x = (jpeg[14] << 8) | jpeg[15];
    const double y = (jpeg[16] << 8) | jpeg[17];
    return resolution(x, y, units);
}

std::optional<PrintResolution> exifResolution(const Exiv2::ExifData& exif) {
    try {
        const auto xs = exif.findKey(Exiv2::ExifKey("Exif.Image.XResolution"));
        const auto ys = exif.findKey(Exiv2::ExifKey("Exif.Image.YResolution"));
        if (xs == exif.end() || ys == exif.end() || xs->count() == 0 || ys->count() == 0)
            return std::nullopt;
        int unit = 1;  // EXIF's default ResolutionUnit is 2 = inch
        const auto us = exif.findKey(Exiv2::ExifKey("Exif.Image.ResolutionUnit"));
        if (us != exif.end() && us->count() > 0) {
            const long u = us->toLong(0);
            if (u == 1)
                unit = 0;
            else if (u == 3)
                unit = 2;
            else if (u != 2)
                return std::nullopt;
        }
        return resolution(xs->toFloat(0), ys->toFloat(0), unit);
    } catch (const std::exception&) {
        return std::nullopt;  // a malformed value is no resolution worth writing
    }
}

}  // namespace pm::metadata::detail
