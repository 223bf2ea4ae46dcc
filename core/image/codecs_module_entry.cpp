// libphotomend-codecs.so's entry points (see codecs.h and codecs_lazy.cpp). OpenCV's exceptions
// cross back to the caller as they are: their type lives in libopencv_core, which both share.
#include "core/image/codecs.h"

#define PM_CODECS_EXPORT extern "C" __attribute__((visibility("default")))

PM_CODECS_EXPORT const char* pm_codecs_version() { return PM_CODECS_MODULE_VERSION; }

PM_CODECS_EXPORT cv::Mat pm_codecs_decode(const std::vector<uint8_t>& bytes, int flags) {
    return pm::image::decodeImage(bytes, flags);
}

PM_CODECS_EXPORT bool pm_codecs_encode(const std::string& extension, const cv::Mat& pixels,
                                       std::vector<uint8_t>& out, const std::vector<int>& params) {
    return pm::image::encodeImage(extension, pixels, out, params);
}
