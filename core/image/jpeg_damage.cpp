#include "core/image/jpeg_damage.h"

#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE

#include <jerror.h>
#include <jpeglib.h>

namespace pm::image::detail {
namespace {

struct Handler {
    jpeg_error_mgr manager;  // first: libjpeg hands back a pointer to it
    std::jmp_buf jump;
    JpegDamage damage;
    bool lossReported = false;
};

std::string messageText(j_common_ptr cinfo) {
    char text[JMSG_LENGTH_MAX] = {};
    (*cinfo->err->format_message)(cinfo, text);
    return text;
}

// Warnings that mean pixels could not be decoded; the others (stray bytes between segments, an
// unknown JFIF revision, a bad ICC chunk) cost no pixel.
bool losesPixels(int code) {
    return code == JWRN_HIT_MARKER || code == JWRN_HUFF_BAD_CODE || code == JWRN_MUST_RESYNC ||
           code == JWRN_BOGUS_PROGRESSION ||
           code == JWRN_NOT_SEQUENTIAL;
}

// libjpeg's words for the common damage, in plain words; the rest as libjpeg says them.
std::string describe(j_common_ptr cinfo) {
    switch (cinfo->err->msg_code) {
    case JWRN_HIT_MARKER:
        return "a stray marker interrupts the image data";
    case JWRN_HUFF_BAD_CODE:
        return "the image data holds invalid codes";
    case JWRN_EXTRANEOUS_DATA:
        return "stray bytes between its parts";
    default:
        return messageText(cinfo);
    }
}

void onError(j_common_ptr cinfo) {
    auto* handler = reinterpret_cast<Handler*>(cinfo->err);
    handler->damage.unreadable = true;
    handler->damage.pixelsLost = true;
    handler->damage.problem = messageText(cinfo);
    std::longjmp(handler->jump, 1);
}

void onMessage(j_common_ptr cinfo, int level) {
    if (level >= 0) return;  // trace messages, not problems
    auto* handler = reinterpret_cast<Handler*>(cinfo->err);
    const int code = cinfo->err->msg_code;
    if (code == JWRN_JPEG_EOF) handler->damage.endsEarly = true;
    if (losesPixels(code) && !handler->lossReported) {
        handler->lossReported = true;
        handler->damage.pixelsLost = true;
        handler->damage.problem = describe(cinfo);
    } else if (handler->damage.problem.empty()) {
        handler->damage.problem = describe(cinfo);
    }
}

void decodeAll(jpeg_decompress_struct& cinfo, const std::vector<uint8_t>& bytes) {
    jpeg_mem_src(&cinfo, bytes.data(), static_cast<unsigned long>(bytes.size()));
    jpeg_read_header(&cinfo, TRUE);
    cinfo.scale_num = 1;  // the entropy-coded data is decoded in full either way
    cinfo.scale_denom = 8;
    cinfo.dct_method = JDCT_IFAST;
    jpeg_start_decompress(&cinfo);
    // From libjpeg's own pool: an error jumps out of here, past any C++ destructor.
    JSAMPARRAY rows = (*cinfo.mem->alloc_sarray)(reinterpret_cast<j_common_ptr>(&cinfo), JPOOL_IMAGE,
                                                 cinfo.output_width * cinfo.output_components, 1);
    while (cinfo.output_scanline < cinfo.output_height) jpeg_read_scanlines(&cinfo, rows, 1);
    jpeg_finish_decompress(&cinfo);
}

}  // namespace

JpegDamage diagnoseJpeg(const std::vector<uint8_t>& bytes) {
    jpeg_decompress_struct cinfo{};
    Handler handler{};
    cinfo.err = jpeg_std_error(&handler.manager);
    handler.manager.error_exit = onError;
    handler.manager.emit_message = onMessage;
    jpeg_create_decompress(&cinfo);
    if (setjmp(handler.jump) == 0) decodeAll(cinfo, bytes);
    // A progressive file that ends early lacks its last refinements even when no scan was cut.
    if (handler.damage.endsEarly && cinfo.progressive_mode) handler.damage.pixelsLost = true;
    jpeg_destroy_decompress(&cinfo);
    return handler.damage;
}

}  // namespace pm::image::detail
