// The codecs linked into the program (see codecs.h): the command line, tests and benchmarks, and
// inside libphotomend-codecs.so itself.
#include <opencv2/imgcodecs.hpp>

#include "core/image/codecs.h"

namespace pm::image {

cv::Mat decodeImage(const std::vector<uint8_t>& bytes, int flags) { return cv::imdecode(bytes, flags); }

bool encodeImage(const std::string& extension, const cv::Mat& pixels, std::vector<uint8_t>& out,
                 const std::vector<int>& params) {
    return cv::imencode(extension, pixels, out, params);
}

void preloadCodecs() {}

}  // namespace pm::image
