#pragma once
// Internal to core/metadata: a PNG file seen as its chunks (length, type, data, CRC), so that
// ancillary chunks can be carried from one PNG into another without decoding the pixels. Exiv2
// 0.27 only knows the text and iCCP chunks (and writes the latter with an empty keyword, which
// libpng rejects), so the chunk work that PNG colour and resolution need is done here.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pm::metadata::detail {

/// One chunk of a PNG held elsewhere: where it starts and how long its data is. Views, not copies,
/// because the pixel data (IDAT) of a large photo runs to hundreds of megabytes.
struct PngChunkView {
    std::string type;   ///< four letters, e.g. "gAMA"; lower-case first letter = ancillary
    size_t offset = 0;  ///< of the chunk's length field in the file
    uint32_t size = 0;  ///< data bytes (without length, type and CRC)

    size_t end() const { return offset + 12 + size; }
    const uint8_t* data(const std::vector<uint8_t>& png) const { return png.data() + offset + 8; }
    bool ancillary() const { return !type.empty() && (type[0] & 0x20) != 0; }
};

/// A chunk of its own, e.g. one taken from the source photo to be written into the new file.
struct PngChunk {
    std::string type;
    std::vector<uint8_t> data;
};

bool isPng(const std::vector<uint8_t>& bytes);

/// The chunks of `png` up to and including IEND, in file order. A chunk that runs past the end of
/// the data ends the list (`complete` is then false), as it would end any reader.
std::vector<PngChunkView> pngChunks(const std::vector<uint8_t>& png, bool* complete = nullptr);

/// Whether the chunk's stored CRC matches its type and data. Checked only where needed: running
/// it over all the pixel data of a large photo would cost more than the rest of the work here.
bool crcMatches(const std::vector<uint8_t>& png, const PngChunkView& chunk);

/// Appends a whole chunk (length, type, data, CRC) to `out`.
void appendChunk(std::vector<uint8_t>& out, const std::string& type, const uint8_t* data,
                 size_t size);
inline void appendChunk(std::vector<uint8_t>& out, const PngChunk& chunk) {
    appendChunk(out, chunk.type, chunk.data.data(), chunk.data.size());
}

/// The keyword that starts tEXt, zTXt, iTXt and iCCP data (the bytes before the first NUL, at most
/// 79 of them); "" when there is no NUL within 80 bytes.
std::string chunkKeyword(const uint8_t* data, size_t size);

/// Whether `keyword` is valid for PNG: 1 to 79 printable Latin-1 characters, no leading, trailing
/// or repeated spaces (PNG specification, 11.3.4.2).
bool validKeyword(const std::string& keyword);

}  // namespace pm::metadata::detail
