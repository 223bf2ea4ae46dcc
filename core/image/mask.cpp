#include "core/image/mask.h"

#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/image/image_io.h"

namespace pm::image {

cv::Mat toMask(const cv::Mat& pixels) {
    std::vector<cv::Mat> planes;
    cv::split(pixels, planes);
    if (planes.size() == 4) {
        double minAlpha = 0, maxAlpha = 0;
        cv::minMaxLoc(planes[3], &minAlpha, &maxAlpha);
        const double opaque = pixels.depth() == CV_16U ? 65535.0 : 255.0;
        if (minAlpha < opaque) return cv::Mat(planes[3] != 0);
        planes.pop_back();  // opaque everywhere: the alpha says nothing about what is marked
    }
    cv::Mat any = cv::Mat::zeros(pixels.size(), CV_8UC1);
    for (const cv::Mat& plane : planes) any |= (plane != 0);
    return any;
}

cv::Mat loadMask(const std::string& path, cv::Size expected) {
    const LoadedPhoto photo = loadPhoto(path);
    if (photo.pixels.size() != expected) {
        throw Error("The mask " + path + " is " + std::to_string(photo.pixels.cols) + "x" +
                    std::to_string(photo.pixels.rows) + " but the photo is " +
                    std::to_string(expected.width) + "x" + std::to_string(expected.height) +
                    "; a mask must have the photo's size");
    }
    return toMask(photo.pixels);
}

}  // namespace pm::image
