#include "core/metadata/png_carry.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <stdexcept>

#include <zlib.h>

namespace pm::metadata::detail {
namespace {

const char* const kIccDefaultName = "ICC Profile";

bool isTextChunk(const std::string& type) {
    return type == "tEXt" || type == "zTXt" || type == "iTXt";
}

// Text chunks that hold EXIF, IPTC or XMP: Exiv2 reads them into its model and writes them anew
// (the XMP gains the edit history), so the source's copies would be stale duplicates.
bool rewrittenByExiv2(const std::string& keyword) {
    static const std::set<std::string> keywords = {"Raw profile type exif", "Raw profile type APP1",
                                                   "Raw profile type iptc", "Raw profile type xmp",
                                                   "XML:com.adobe.xmp"};
    return keywords.count(keyword) > 0;
}

// Chunks that describe how the source's pixels were encoded (transparency, significant bits,
// palette statistics): the new file's encoder writes its own pixels, so they do not apply to it
// and dropping them loses nothing a user would miss.
bool encodingDetail(const std::string& type) {
    return type == "tRNS" || type == "sBIT" || type == "hIST" || type == "sPLT";
}

std::string describeDropped(const std::string& type) {
    if (type == "acTL" || type == "fcTL" || type == "fdAT")
        return "animation (only the first frame is kept)";
    if (type == "oFFs") return "image offset (oFFs)";
    if (type == "sCAL") return "physical scale (sCAL)";
    if (type == "pCAL") return "pixel calibration (pCAL)";
    return type;
}

std::string joined(const std::vector<std::string>& items) {
    std::string s;
    for (const auto& item : items) s += (s.empty() ? "" : ", ") + item;
    return s;
}

// libpng accepts a profile in a PNG only when it describes the image's kind of colour: a gray
// profile on a colour image (or RGB on gray, or CMYK on either) is refused with a warning and the
// colours would be wrong anyway, so no iCCP is written then.
bool profileFits(const std::vector<uint8_t>& icc, uint8_t colorType) {
    if (icc.size() < 132) return false;
    const bool gray = colorType == 0 || colorType == 4;
    return std::memcmp(icc.data() + 16, gray ? "GRAY" : "RGB ", 4) == 0;
}

std::optional<PngChunk> iccpChunk(const std::vector<uint8_t>& icc, const std::string& sourceName) {
    // The source's own profile name when it was a valid one; a fixed name otherwise, because
    // the keyword may not be empty (Exiv2 0.27 writes an empty one when it makes the chunk).
    const std::string name = validKeyword(sourceName) ? sourceName : kIccDefaultName;
    for (const int level : {Z_BEST_COMPRESSION, Z_NO_COMPRESSION}) {
        uLongf size = compressBound(static_cast<uLong>(icc.size()));
        std::vector<uint8_t> compressed(size);
        if (compress2(compressed.data(), &size, icc.data(), static_cast<uLong>(icc.size()),
                      level) != Z_OK)
            return std::nullopt;
        PngChunk chunk{"iCCP", std::vector<uint8_t>(name.begin(), name.end())};
        chunk.data.push_back(0);  // end of the keyword
        chunk.data.push_back(0);  // compression method: zlib
        chunk.data.insert(chunk.data.end(), compressed.begin(), compressed.begin() + size);
        // libpng reads the first 81 bytes of an iCCP chunk before the rest and rejects a chunk
        // with fewer than 11 after them as "too short"; only a tiny profile compresses that
        // well, and stored uncompressed it is long enough.
        if (chunk.data.size() >= 92) return chunk;
    }
    return std::nullopt;
}

// libpng knows two HP/Microsoft sRGB profiles from 1998 whose white point tag is wrong; it reads
// them as sRGB but warns "known incorrect sRGB profile" on every read (and refuses to write them).
// Such a profile means sRGB, so an sRGB chunk with the profile's rendering intent says the same
// without the warning, as ImageMagick does. Returns the intent, or -1 for any other profile.
int knownIncorrectSrgbIntent(const std::vector<uint8_t>& icc) {
    if (icc.size() != 3144) return -1;
    const uLong crc = crc32(crc32(0L, Z_NULL, 0), icc.data(), static_cast<uInt>(icc.size()));
    if (crc == 0x182ea552UL) return 0;  // perceptual (the table in libpng's png.c)
    if (crc == 0xf29e526dUL) return 1;  // media-relative colorimetric
    return -1;
}

PngChunk timeChunk(std::time_t now) {
    std::tm utc{};
    gmtime_r(&now, &utc);  // tIME is always UTC
    const int year = utc.tm_year + 1900;
    return {"tIME",
            {uint8_t(year >> 8), uint8_t(year), uint8_t(utc.tm_mon + 1), uint8_t(utc.tm_mday),
             uint8_t(utc.tm_hour), uint8_t(utc.tm_min), uint8_t(std::min(utc.tm_sec, 60))}};
}

const PngChunk* findChunk(const std::vector<PngChunk>& chunks, const char* type) {
    for (const auto& c : chunks)
        if (c.type == type) return &c;
    return nullptr;
}

}  // namespace

PngExtras readPngExtras(const std::vector<uint8_t>& png) {
    PngExtras extras;
    if (!isPng(png)) return extras;
    extras.fromPng = true;
    std::vector<std::string> damaged, dropped;
    auto note = [](std::vector<std::string>& list, const std::string& item) {
        if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
    };
    for (const PngChunkView& view : pngChunks(png)) {
        const uint8_t* data = view.data(png);
        // A damaged critical chunk is the decoder's business; a damaged ancillary one is not
        // trusted, as libpng does not trust it either.
        if (view.ancillary() && !crcMatches(png, view)) {
            note(damaged, view.type);
            continue;
        }
        if (view.type == "IHDR" && view.size >= 13) {
            extras.bitDepth = data[8];
            extras.colorType = data[9];
        } else if (view.type == "iCCP") {
            extras.iccName = chunkKeyword(data, view.size);
        } else if (view.type == "cHRM" || view.type == "gAMA" || view.type == "sRGB" ||
                   view.type == "pHYs" || view.type == "bKGD" ||
                   (isTextChunk(view.type) && !rewrittenByExiv2(chunkKeyword(data, view.size)))) {
            extras.chunks.push_back({view.type, std::vector<uint8_t>(data, data + view.size)});
        } else if (view.type == "tIME") {
            extras.hadTime = true;
        } else if (view.type == "eXIf") {
            extras.exif.assign(data, data + view.size);
        } else if (view.ancillary() && !isTextChunk(view.type) && !encodingDetail(view.type)) {
            note(dropped, describeDropped(view.type));
        }
    }
    std::string& w = extras.warning;
    if (!damaged.empty())
        w = "damaged PNG chunks (checksum mismatch) are not carried over: " + joined(damaged);
    if (!dropped.empty())
        w += (w.empty() ? "" : "; ") + std::string("PNG chunks PhotoMend does not carry over: ") +
             joined(dropped);
    return extras;
}

std::optional<std::vector<uint8_t>> pngHead(const std::vector<uint8_t>& png) {
    bool complete = false;
    const std::vector<PngChunkView> chunks = pngChunks(png, &complete);
    if (!complete || chunks.empty() || chunks.front().type != "IHDR" || chunks.front().size < 13)
        return std::nullopt;
    std::vector<uint8_t> head(png.begin(), png.begin() + chunks.front().end());
    appendChunk(head, "IEND", nullptr, 0);
    return head;
}

std::vector<uint8_t> withPngExtras(const std::vector<uint8_t>& png,
                                   const std::vector<uint8_t>& exiv2Head, const PngSave& save) {
    bool complete = false, headComplete = false;
    const std::vector<PngChunkView> target = pngChunks(png, &complete);
    const std::vector<PngChunkView> head = pngChunks(exiv2Head, &headComplete);
    if (!complete || target.empty() || target.front().type != "IHDR" || target.front().size < 13 ||
        !headComplete)
        throw std::runtime_error("the PNG chunks could not be put together");
    const uint8_t bitDepth = target.front().data(png)[8];
    const uint8_t colorType = target.front().data(png)[9];
    const std::vector<PngChunk> none;
    const std::vector<PngChunk>& carried = save.source ? save.source->chunks : none;

    // Colour space chunks go right after IHDR: the specification wants them before PLTE and IDAT.
    std::vector<PngChunk> colour;
    for (const char* type : {"cHRM", "gAMA"})
        if (const PngChunk* c = findChunk(carried, type)) colour.push_back(*c);
    std::optional<PngChunk> profile;
    if (save.icc && !save.icc->empty() && profileFits(*save.icc, colorType)) {
        const int srgbIntent = knownIncorrectSrgbIntent(*save.icc);
        if (srgbIntent >= 0)
            profile = PngChunk{"sRGB", {static_cast<uint8_t>(srgbIntent)}};
        else
            profile = iccpChunk(*save.icc, save.source ? save.source->iccName : std::string());
    }
    if (profile)
        colour.push_back(*profile);  // one profile only: iCCP and sRGB are "too many profiles"
    else if (const PngChunk* c = findChunk(carried, "sRGB"))
        colour.push_back(*c);

    // The rest goes before the first IDAT (bKGD must follow PLTE, pHYs precede IDAT).
    std::vector<PngChunk> beforeData;
    if (const PngChunk* c = findChunk(carried, "pHYs"))
        beforeData.push_back(*c);
    else if (save.resolution)
        beforeData.push_back({"pHYs", save.resolution->physData()});
    if (const PngChunk* c = findChunk(carried, "bKGD"))
        if (save.source->bitDepth == bitDepth && save.source->colorType == colorType)
            beforeData.push_back(*c);
    // tIME is "the time of the last image modification" (PNG specification 11.3.6.1): the edit
    // being saved is that modification, so the source's time would be wrong. EXIF DateTime and
    // XMP ModifyDate are set to the same moment.
    if (save.source && save.source->hadTime) beforeData.push_back(timeChunk(save.now));
    for (const auto& c : carried)
        if (isTextChunk(c.type)) beforeData.push_back(c);

    std::set<std::string> replaced;
    for (const auto* group : {&colour, &beforeData})
        for (const auto& c : *group)
            if (!isTextChunk(c.type)) replaced.insert(c.type);
    if (replaced.count("iCCP") || replaced.count("sRGB")) replaced.insert({"iCCP", "sRGB"});

    size_t extra = exiv2Head.size();
    for (const auto* group : {&colour, &beforeData})
        for (const auto& c : *group) extra += 12 + c.data.size();
    std::vector<uint8_t> out(png.begin(), png.begin() + 8);  // the signature
    out.reserve(png.size() + extra);
    bool dataReached = false;
    for (const PngChunkView& view : target) {
        if (replaced.count(view.type)) continue;
        // Exiv2 wrote these anew from the metadata being carried (as it strips them when it
        // writes a whole file).
        if (isTextChunk(view.type) && rewrittenByExiv2(chunkKeyword(view.data(png), view.size)))
            continue;
        if (view.type == "IDAT" && !dataReached) {
            dataReached = true;
            for (const auto& c : beforeData) appendChunk(out, c);
        }
        out.insert(out.end(), png.begin() + view.offset, png.begin() + view.end());
        if (view.type != "IHDR") continue;
        for (const auto& c : colour) appendChunk(out, c);
        for (const PngChunkView& written : head)
            if (written.type != "IHDR" && written.type != "IEND")
                out.insert(out.end(), exiv2Head.begin() + written.offset,
                           exiv2Head.begin() + written.end());
    }
    return out;
}

}  // namespace pm::metadata::detail
