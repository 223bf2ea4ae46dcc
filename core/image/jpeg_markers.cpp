#include "core/image/jpeg_markers.h"

#include <cstddef>

namespace pm::image::detail {
namespace {

// Position in natural order of the k-th coefficient in zigzag (file) order; libjpeg's
// jpeg_natural_order.
constexpr std::array<int, 64> kNaturalOrder = {
    0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26, 33, 40, 48,
    41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23,
    30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63};

bool isStandaloneMarker(uint8_t m) {
    return m == 0x01 || (m >= 0xD0 && m <= 0xD8);
}
bool isStartOfFrame(uint8_t m) {
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

void readQuantTables(const uint8_t* p, size_t size, JpegStructure& s) {
    size_t i = 0;
    while (i < size) {
        const int precision = p[i] >> 4;
        const int id = p[i] & 0x0F;
        const size_t entryBytes = precision ? 2 : 1;
        ++i;
        if (id > 3 || i + 64 * entryBytes > size) return;
        for (int k = 0; k < 64; ++k) {
            const uint16_t v =
                entryBytes == 2 ? static_cast<uint16_t>((p[i] << 8) | p[i + 1]) : p[i];
            s.tables[id][kNaturalOrder[k]] = v;
            i += entryBytes;
        }
        s.tableDefined[id] = true;
        s.table16Bit[id] = precision != 0;
    }
}

// Returns the position of the next marker after entropy-coded data starting at `pos`, or the size
// when the data ends first. Inside entropy-coded data 0xFF is followed only by a stuffed 0x00 or a
// restart marker, so the first other marker is real.
size_t skipEntropyData(const std::vector<uint8_t>& b, size_t pos) {
    for (size_t i = pos; i + 1 < b.size(); ++i) {
        if (b[i] != 0xFF) continue;
        const uint8_t next = b[i + 1];
        if (next == 0x00 || next == 0xFF || (next >= 0xD0 && next <= 0xD7)) continue;
        return i;
    }
    return b.size();
}

}  // namespace

JpegStructure scanJpeg(const std::vector<uint8_t>& b) {
    JpegStructure s;
    if (b.size() < 4 || b[0] != 0xFF || b[1] != 0xD8) return s;
    s.isJpeg = true;
    size_t pos = 2;
    bool sawScan = false;
    while (pos + 1 < b.size()) {
        if (b[pos] != 0xFF) return s;  // garbage where a marker must be: not complete
        while (pos + 1 < b.size() && b[pos + 1] == 0xFF) ++pos;  // fill bytes
        if (pos + 1 >= b.size()) break;
        const uint8_t marker = b[pos + 1];
        pos += 2;
        if (marker == 0xD9) {
            s.complete = sawScan;
            return s;
        }
        if (isStandaloneMarker(marker)) continue;
        if (pos + 2 > b.size()) break;
        const size_t length = (static_cast<size_t>(b[pos]) << 8) | b[pos + 1];
        if (length < 2) return s;
        // Past the end: cut short, unless a scan came before (then this "segment" is a stray
        // marker inside damaged image data with a made-up length).
        if (pos + length > b.size()) {
            s.endsEarly = !sawScan;
            return s;
        }
        const uint8_t* payload = b.data() + pos + 2;
        const size_t payloadSize = length - 2;
        if (marker == 0xDB) readQuantTables(payload, payloadSize, s);
        if (isStartOfFrame(marker) && payloadSize >= 9) s.lumaTable = payload[8] & 0x03;
        pos += length;
        if (marker == 0xDA) {
            sawScan = true;
            pos = skipEntropyData(b, pos);
        }
    }
    s.endsEarly = true;  // the data ran out where a marker or more image data must follow
    return s;
}

}  // namespace pm::image::detail
