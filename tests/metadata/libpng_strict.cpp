#include "tests/metadata/libpng_strict.h"

#include <csetjmp>
#include <cstring>

namespace pm::test {
namespace {

struct ReadState {
    const std::vector<uint8_t>* png = nullptr;
    size_t pos = 0;
    PngChunks* out = nullptr;
    char error[512] = {};
};

void readBytes(png_structp png, png_bytep into, png_size_t size) {
    auto* state = static_cast<ReadState*>(png_get_io_ptr(png));
    if (state->pos + size > state->png->size()) png_error(png, "read past the end of the data");
    std::memcpy(into, state->png->data() + state->pos, size);
    state->pos += size;
}

void collectWarning(png_structp png, png_const_charp message) {
    static_cast<ReadState*>(png_get_error_ptr(png))->out->warnings.push_back(message);
}

void stopOnError(png_structp png, png_const_charp message) {
    auto* state = static_cast<ReadState*>(png_get_error_ptr(png));
    std::strncpy(state->error, message, sizeof state->error - 1);
    png_longjmp(png, 1);
}

void gatherChunks(png_structp png, png_infop info, PngChunks& out) {
    png_charp name = nullptr;
    int compression = 0;
    png_bytep profile = nullptr;
    png_uint_32 length = 0;
    if (png_get_iCCP(png, info, &name, &compression, &profile, &length)) {
        out.hasIcc = true;
        out.iccName = name;
        out.icc.assign(profile, profile + length);
    }
    out.hasGamma = png_get_gAMA_fixed(png, info, &out.gamma) != 0;
    auto& c = out.chrm;
    out.hasChrm =
        png_get_cHRM_fixed(png, info, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7]) != 0;
    out.hasSrgb = png_get_sRGB(png, info, &out.srgbIntent) != 0;
    out.hasPhys = png_get_pHYs(png, info, &out.physX, &out.physY, &out.physUnit) != 0;
    png_color_16p background = nullptr;
    if (png_get_bKGD(png, info, &background)) {
        out.hasBkgd = true;
        out.bkgd = *background;
    }
    png_timep time = nullptr;
    if (png_get_tIME(png, info, &time)) {
        out.hasTime = true;
        out.time = *time;
    }
    png_textp texts = nullptr;
    int count = 0;
    png_get_text(png, info, &texts, &count);
    out.texts.clear();
    for (int i = 0; i < count; ++i) {
        PngText t;
        t.key = texts[i].key;
        t.compression = texts[i].compression;
        const size_t size = t.compression >= PNG_ITXT_COMPRESSION_NONE ? texts[i].itxt_length
                                                                       : texts[i].text_length;
        t.text.assign(texts[i].text, size);
        if (texts[i].lang) t.lang = texts[i].lang;
        if (texts[i].lang_key) t.langKey = texts[i].lang_key;
        out.texts.push_back(t);
    }
}

// Only trivially destructible locals between setjmp and the libpng calls that may longjmp.
void readInto(const std::vector<uint8_t>& bytes, PngChunks& out) {
    ReadState state;
    state.png = &bytes;
    state.out = &out;
    png_structp png =
        png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, stopOnError, collectWarning);
    png_infop info = png_create_info_struct(png);
    png_bytep pixels = nullptr;
    png_bytepp rows = nullptr;
    if (setjmp(png_jmpbuf(png))) {
        out.error = state.error;
    } else {
        png_set_read_fn(png, &state, readBytes);
        png_read_info(png, info);
        png_set_expand(png);
        png_set_strip_16(png);
        png_read_update_info(png, info);
        const png_uint_32 height = png_get_image_height(png, info);
        const png_size_t rowBytes = png_get_rowbytes(png, info);
        pixels = static_cast<png_bytep>(png_malloc(png, rowBytes * height));
        rows = static_cast<png_bytepp>(png_malloc(png, sizeof(png_bytep) * height));
        for (png_uint_32 y = 0; y < height; ++y) rows[y] = pixels + y * rowBytes;
        png_read_image(png, rows);
        png_read_end(png, info);  // text and time after the pixels land in the same info
        gatherChunks(png, info, out);
    }
    if (rows) png_free(png, rows);
    if (pixels) png_free(png, pixels);
    png_destroy_read_struct(&png, &info, nullptr);
}

void appendBytes(png_structp png, png_bytep data, png_size_t size) {
    auto* out = static_cast<std::vector<uint8_t>*>(png_get_io_ptr(png));
    out->insert(out->end(), data, data + size);
}

void flushNothing(png_structp) {}

std::vector<png_text> textsFor(const PngChunks& chunks, bool afterImage) {
    std::vector<png_text> texts;
    for (const PngText& t : chunks.texts) {
        if (t.afterImage != afterImage) continue;
        png_text text{};
        text.compression = t.compression;
        text.key = const_cast<char*>(t.key.c_str());
        text.text = const_cast<char*>(t.text.c_str());
        text.text_length = t.text.size();
        text.lang = const_cast<char*>(t.lang.c_str());
        text.lang_key = const_cast<char*>(t.langKey.c_str());
        texts.push_back(text);
    }
    return texts;
}

}  // namespace

PngChunks readWithLibpng(const std::vector<uint8_t>& png) {
    PngChunks out;
    readInto(png, out);
    return out;
}

std::vector<uint8_t> writeWithLibpng(const cv::Mat& bgr, const PngChunks& c) {
    CV_Assert(bgr.type() == CV_8UC3);
    std::vector<uint8_t> out;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png_create_info_struct(png);
    png_infop endInfo = png_create_info_struct(png);
    std::vector<png_text> before = textsFor(c, false), after = textsFor(c, true);
    std::vector<png_bytep> rows(bgr.rows);
    for (int y = 0; y < bgr.rows; ++y) rows[y] = const_cast<png_bytep>(bgr.ptr<uint8_t>(y));
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return {};
    }
    png_set_write_fn(png, &out, appendBytes, flushNothing);
    png_set_IHDR(png, info, bgr.cols, bgr.rows, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (c.hasIcc)
        png_set_iCCP(png, info, c.iccName.c_str(), PNG_COMPRESSION_TYPE_BASE, c.icc.data(),
                     static_cast<png_uint_32>(c.icc.size()));
    if (c.hasGamma) png_set_gAMA_fixed(png, info, c.gamma);
    if (c.hasChrm)
        png_set_cHRM_fixed(png, info, c.chrm[0], c.chrm[1], c.chrm[2], c.chrm[3], c.chrm[4],
                           c.chrm[5], c.chrm[6], c.chrm[7]);
    if (c.hasSrgb) png_set_sRGB(png, info, c.srgbIntent);
    if (c.hasPhys) png_set_pHYs(png, info, c.physX, c.physY, c.physUnit);
    png_color_16 background = c.bkgd;
    if (c.hasBkgd) png_set_bKGD(png, info, &background);
    png_time time = c.time;
    if (c.hasTime) png_set_tIME(png, info, &time);
    if (c.hasOffs) png_set_oFFs(png, info, 120, -40, PNG_OFFSET_PIXEL);
    if (!before.empty()) png_set_text(png, info, before.data(), static_cast<int>(before.size()));
    if (!after.empty()) png_set_text(png, endInfo, after.data(), static_cast<int>(after.size()));
    png_write_info(png, info);
    png_set_bgr(png);
    png_write_image(png, rows.data());
    png_write_end(png, endInfo);
    png_destroy_info_struct(png, &endInfo);
    png_destroy_write_struct(&png, &info);
    return out;
}

std::vector<uint8_t> minimalIccProfile(const char* colorSpace, uint8_t seed) {
    // Header (128 bytes), a tag table with one tag, and that tag's data: a copyright text. libpng
    // reads a profile that ends right after its header as "too short".
    std::vector<uint8_t> p(128 + 4 + 12 + 12, 0);
    auto put32 = [&](size_t at, uint32_t v) {
        for (int i = 0; i < 4; ++i) p[at + i] = uint8_t(v >> (24 - 8 * i));
    };
    put32(0, static_cast<uint32_t>(p.size()));  // profile size
    std::memcpy(&p[4], "none", 4);              // preferred CMM
    put32(8, 0x02100000);                       // version 2.1
    std::memcpy(&p[12], "mntr", 4);             // display device profile
    std::memcpy(&p[16], colorSpace, 4);
    std::memcpy(&p[20], "XYZ ", 4);  // profile connection space
    std::memcpy(&p[36], "acsp", 4);
    put32(68, 0x0000F6D6);  // D50 illuminant X, Y, Z (s15Fixed16)
    put32(72, 0x00010000);
    put32(76, 0x0000D32D);
    std::memcpy(&p[80], "PMt", 3);  // profile creator, with `seed` to make profiles distinct
    p[83] = seed;
    put32(128, 1);                    // tag count
    std::memcpy(&p[132], "cprt", 4);  // tag: signature, offset, size
    put32(136, 144);
    put32(140, 12);
    std::memcpy(&p[144], "text", 4);  // textType: signature, 4 reserved bytes, ASCII text
    std::memcpy(&p[152], "PM", 2);
    p[154] = seed;
    return p;
}

}  // namespace pm::test
