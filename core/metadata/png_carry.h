#pragma once
// Internal to core/metadata: the PNG chunks that say how a photo's colours and size on paper are
// meant (iCCP, gAMA, cHRM, sRGB, pHYs), its text and its time, read from a PNG source and written
// into a PNG saved from it. Exiv2 0.27 handles EXIF, IPTC and XMP in PNG but drops these chunks and
// writes the ICC profile with an empty keyword that libpng rejects ("iCCP: bad keyword"), so the
// colour profile was lost; this is the part Exiv2 does not do.
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "core/metadata/png_chunks.h"
#include "core/metadata/print_resolution.h"

namespace pm::metadata::detail {

/// What a PNG source holds besides the EXIF, IPTC, XMP and ICC profile bytes that Exiv2 reads.
struct PngExtras {
    bool fromPng = false;
    std::string iccName;           ///< keyword of the source's iCCP chunk ("" when none)
    std::vector<PngChunk> chunks;  ///< cHRM gAMA sRGB pHYs bKGD tEXt zTXt iTXt, byte for byte
    bool hadTime = false;          ///< had tIME: the saved file gets one with the time of the save
    uint8_t bitDepth = 0;          ///< from IHDR: bKGD is only meaningful for the same layout
    uint8_t colorType = 0;
    std::vector<uint8_t> exif;  ///< the eXIf chunk (TIFF-structured EXIF; Exiv2 0.27 ignores it)
    std::string warning;        ///< what is damaged or will not be carried, "" when all is well
};

/// Reads the chunks to carry from a PNG file; a PNG-less or empty result for other data.
PngExtras readPngExtras(const std::vector<uint8_t>& png);

/// What to write into a PNG being saved.
struct PngSave {
    const PngExtras* source = nullptr;          ///< the source's chunks when it was a PNG
    const std::vector<uint8_t>* icc = nullptr;  ///< the colour profile to embed, if any
    std::optional<PrintResolution>
        resolution;       ///< from EXIF/JFIF, used when the source has no pHYs
    std::time_t now = 0;  ///< for tIME, the time of the last modification
};

/// The signature, IHDR and IEND of `png`: what Exiv2 needs to write EXIF, IPTC and XMP chunks.
/// Handing it the whole file instead costs seconds and several copies of a large photo, because
/// Exiv2 0.27 copies every chunk one by one into a growing buffer. Nothing for an incomplete PNG.
std::optional<std::vector<uint8_t>> pngHead(const std::vector<uint8_t>& png);

/// `png` with, after IHDR, the colour chunks (iCCP with a valid keyword, or sRGB; gAMA, cHRM) and
/// the metadata chunks Exiv2 wrote into `exiv2Head` (see pngHead), and pHYs, bKGD, tIME and the
/// source's text chunks before the first IDAT. Chunks of `png` of the same kinds are replaced,
/// including its EXIF, IPTC and XMP text chunks. Throws std::runtime_error when either is not a
/// complete PNG.
std::vector<uint8_t> withPngExtras(const std::vector<uint8_t>& png,
                                   const std::vector<uint8_t>& exiv2Head, const PngSave& save);

}  // namespace pm::metadata::detail
