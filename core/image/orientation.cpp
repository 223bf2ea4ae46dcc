// applyOrientation: the eight EXIF orientations (TIFF 6.0 / EXIF 2.3, tag 0x0112).
#include <opencv2/core.hpp>

#include "core/image/image_io.h"

namespace pm::image {

cv::Mat applyOrientation(const cv::Mat& pixels, int orientation) {
    cv::Mat out;
    switch (orientation) {
        case 2:  // stored mirrored left-right
            cv::flip(pixels, out, 1);
            return out;
        case 3:
            cv::rotate(pixels, out, cv::ROTATE_180);
            return out;
        case 4:  // stored mirrored top-bottom
            cv::flip(pixels, out, 0);
            return out;
        case 5:  // stored row 0 is the visual left column, column 0 the top row
            cv::transpose(pixels, out);
            return out;
        case 6:  // camera turned clockwise: stored row 0 is the visual right column
            cv::rotate(pixels, out, cv::ROTATE_90_CLOCKWISE);
            return out;
        case 7: {  // stored row 0 is the visual right column, column 0 the bottom row
            cv::Mat t;
            cv::transpose(pixels, t);
            cv::rotate(t, out, cv::ROTATE_180);
            return out;
        }
        case 8:  // camera turned counter-clockwise: stored row 0 is the visual left column
            cv::rotate(pixels, out, cv::ROTATE_90_COUNTERCLOCKWISE);
            return out;
        default:
            return pixels;
    }
}

}  // namespace pm::image
