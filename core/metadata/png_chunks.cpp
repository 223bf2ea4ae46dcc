#include "core/metadata/png_chunks.h"

#include <algorithm>
#include <cstring>

#include <zlib.h>

namespace pm::metadata::detail {
namespace {

constexpr uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

uint32_t bigEndian32(const uint8_t* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

void putBigEndian32(std::vector<uint8_t>& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

}  // namespace

bool isPng(const std::vector<uint8_t>& bytes) {
    return bytes.size() >= sizeof kSignature &&
           std::memcmp(bytes.data(), kSignature, sizeof kSignature) == 0;
}

std::vector<PngChunkView> pngChunks(const std::vector<uint8_t>& png, bool* complete) {
    std::vector<PngChunkView> chunks;
    if (complete) *complete = false;
    if (!isPng(png)) return chunks;
    size_t pos = sizeof kSignature;
    while (pos + 12 <= png.size()) {
        PngChunkView chunk;
        chunk.offset = pos;
        chunk.size = bigEndian32(png.data() + pos);
        // The specification caps a chunk at 2^31-1 bytes; larger means a damaged length field.
        if (chunk.size > 0x7FFFFFFFu || chunk.size > png.size() - pos - 12) break;
        chunk.type.assign(reinterpret_cast<const char*>(png.data() + pos + 4), 4);
        chunks.push_back(chunk);
        pos = chunk.end();
        if (chunk.type == "IEND") {
            if (complete) *complete = true;
            break;
        }
    }
    return chunks;
}

bool crcMatches(const std::vector<uint8_t>& png, const PngChunkView& chunk) {
    const uLong crc = crc32(crc32(0L, Z_NULL, 0), png.data() + chunk.offset + 4, chunk.size + 4);
    return crc == bigEndian32(png.data() + chunk.offset + 8 + chunk.size);
}

void appendChunk(std::vector<uint8_t>& out, const std::string& type, const uint8_t* data,
                 size_t size) {
    putBigEndian32(out, static_cast<uint32_t>(size));
    const size_t typeAt = out.size();
    out.insert(out.end(), type.begin(), type.begin() + 4);
    if (size) out.insert(out.end(), data, data + size);
    putBigEndian32(
        out, static_cast<uint32_t>(crc32(crc32(0L, Z_NULL, 0), out.data() + typeAt, 4 + size)));
}

std::string chunkKeyword(const uint8_t* data, size_t size) {
    const size_t limit = std::min<size_t>(size, 80);
    const void* nul = std::memchr(data, 0, limit);
    if (!nul) return {};
    return std::string(reinterpret_cast<const char*>(data),
                       static_cast<const uint8_t*>(nul) - data);
}

bool validKeyword(const std::string& keyword) {
    if (keyword.empty() || keyword.size() > 79) return false;
    if (keyword.front() == ' ' || keyword.back() == ' ') return false;
    for (size_t i = 0; i < keyword.size(); ++i) {
        const auto c = static_cast<unsigned char>(keyword[i]);
        if (!((c >= 32 && c <= 126) || c >= 161)) return false;
        if (c == ' ' && i > 0 && keyword[i - 1] == ' ') return false;
    }
    return true;
}

}  // namespace pm::metadata::detail
