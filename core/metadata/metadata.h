#pragma once
// Photo metadata (EXIF, IPTC, XMP, ICC) read from a source file and carried over onto a newly
// encoded image. This module is the only place in PhotoMend that includes Exiv2; callers see plain
// C++ types. Thread-safety: a Metadata value is immutable after reading and may be shared between
// threads.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace pm::metadata {

/// What to record when metadata is written onto an edited image.
struct WriteOptions {
    int width = 0;                       ///< pixel width of the encoded image
    int height = 0;                      ///< pixel height of the encoded image
    std::string software = "PhotoMend";  ///< goes to Exif.Image.Software and the XMP history
    std::string action = "edited";       ///< what was done, for the XMP history entry
};

class Metadata {
public:
    Metadata();  ///< empty: nothing to carry over

    /// Reads metadata from an encoded image in memory. Malformed metadata never throws: the result
    /// is empty (or holds what Exiv2 could salvage) and warning() says what was wrong, because the
    /// pixels may still be fine. Safe to call from several threads at once.
    static Metadata read(const std::vector<uint8_t>& encoded);

    bool empty() const;
    /// EXIF orientation 1..8 (1 when absent or invalid).
    int orientation() const;
    /// Non-empty when the file's metadata could not be read, or only in part (Exiv2 reported
    /// damage); the photo then opens without it, or with what could be read.
    const std::string& warning() const;

    std::vector<std::string> exifKeys() const;
    std::vector<std::string> iptcKeys() const;
    std::vector<std::string> xmpKeys() const;
    /// The value of one EXIF/IPTC/XMP key as text ("" when absent), e.g. "Exif.Image.Model".
    std::string value(const std::string& key) const;
    const std::vector<uint8_t>& iccProfile() const;
    /// Pixel size as the file's header states it (before orientation), 0 when unknown. Lets the
    /// loader refuse huge images before decoding them.
    int pixelWidth() const;
    int pixelHeight() const;

    /// Returns `encoded` (an image in any format Exiv2 can write) with this metadata written into
    /// it: Orientation becomes 1 because the pixels are upright, the pixel dimensions are updated
    /// and an XMP history entry records the edit (Xmp.xmpMM.History gains a stEvt entry;
    /// Xmp.xmp.ModifyDate, MetadataDate and CreatorTool are set). EXIF, IPTC, XMP and the ICC
    /// profile are copied; the EXIF thumbnail is dropped because it shows the photo before the
    /// edit. Into a PNG also go a valid iCCP (the source PNG's profile name, else "ICC Profile"),
    /// a PNG source's gAMA, cHRM, sRGB, pHYs, bKGD and text chunks, tIME set to the time of the
    /// save when the source had one, and pHYs from EXIF or JFIF resolution when the source was no
    /// PNG. Formats Exiv2 cannot write (BMP) are returned unchanged. Throws pm::Error when Exiv2
    /// fails on a format it claims to support.
    std::vector<uint8_t> writeInto(const std::vector<uint8_t>& encoded,
                                   const WriteOptions& options) const;

    struct Data;  // Exiv2 containers, defined in metadata_data.h (internal to core/metadata)

private:
    std::shared_ptr<const Data> d_;
    std::string warning_;
};

/// Returns `encoded` with only Exif.Image.Orientation changed to `orientation` (1..8), everything
/// else kept. For tools and tests that need a photo in a given orientation; saving an edited photo
/// goes through Metadata::writeInto. Throws pm::Error when Exiv2 cannot write the format.
std::vector<uint8_t> withOrientationTag(const std::vector<uint8_t>& encoded, int orientation);

}  // namespace pm::metadata
