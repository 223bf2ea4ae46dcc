#include "core/metadata/webp_icc_fixup.h"

#include <cstring>

namespace pm::metadata::detail {

void fixWebpIccChunk(std::vector<uint8_t>& webp) {
    if (webp.size() < 12 || std::memcmp(webp.data(), "RIFF", 4) != 0 ||
        std::memcmp(webp.data() + 8, "WEBP", 4) != 0)
        return;
    constexpr uint32_t kVp8xPayload = 10;  // the real VP8X chunk always has exactly 10 bytes
    bool first = true;
    size_t pos = 12;
    while (pos + 8 <= webp.size()) {
        uint8_t* chunk = webp.data() + pos;
        const uint32_t size =
            chunk[4] | (chunk[5] << 8) | (chunk[6] << 16) | (static_cast<uint32_t>(chunk[7]) << 24);
        if (!first && std::memcmp(chunk, "VP8X", 4) == 0 && size != kVp8xPayload)
            std::memcpy(chunk, "ICCP", 4);
        first = false;
        pos += 8 + static_cast<size_t>(size) + (size & 1);  // chunks are padded to even sizes
    }
}

}  // namespace pm::metadata::detail
