#pragma once
// Internal to core/metadata: the one place that sets Exiv2 up (XMP toolkit, logging) and opens
// images from memory. Not installed for other modules; they use metadata.h.
#include <cstdint>
#include <string>
#include <vector>

#include <exiv2/exiv2.hpp>

namespace pm::metadata::detail {

/// Initialises the XMP toolkit with a lock (so later XMP use is thread-safe) and routes Exiv2's log
/// to collectors instead of stderr. Idempotent and thread-safe; every entry point calls it first.
void ensureExiv2Ready();

/// While alive, Exiv2 warnings and errors raised on this thread are appended to `sink`, because
/// Exiv2 reports many malformed-metadata cases only through its log, not by throwing.
class LogCapture {
public:
    explicit LogCapture(std::string& sink);
    ~LogCapture();
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;

private:
    std::string* previous_;
};

/// Opens an encoded image held in memory (Exiv2 copies it into its own MemIo).
Exiv2::Image::AutoPtr openImage(const std::vector<uint8_t>& encoded);

/// The current bytes of an image's MemIo, e.g. after writeMetadata().
std::vector<uint8_t> imageBytes(Exiv2::Image& image);

}  // namespace pm::metadata::detail
