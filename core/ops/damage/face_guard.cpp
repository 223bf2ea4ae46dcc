#include "core/ops/damage/face_guard.h"

#include "core/common/error.h"
#include "core/ops/faces/restore_faces.h"

namespace pm::ops::damage {

namespace {
constexpr int kGrowDivisor = 5;  // a fifth of the box on every side
}

std::vector<cv::Rect> protectedFaceZones(const cv::Mat& image) {
    std::vector<FaceBox> faces;
    try {
        faces = detectFaces(image, {});
    } catch (const Error&) {
        return {};  // no face detector installed: nothing to spare
    }
    const cv::Rect all(0, 0, image.cols, image.rows);
    std::vector<cv::Rect> zones;
    for (const FaceBox& f : faces) {
        const cv::Size grow(f.box.width / kGrowDivisor, f.box.height / kGrowDivisor);
        const cv::Rect zone =
            cv::Rect(f.box.x - grow.width, f.box.y - grow.height, f.box.width + 2 * grow.width,
                     f.box.height + 2 * grow.height) &
            all;
        if (!zone.empty()) zones.push_back(zone);
    }
    return zones;
}

cv::Mat zoneMask(cv::Size size, const std::vector<cv::Rect>& zones) {
    cv::Mat mask = cv::Mat::zeros(size, CV_8UC1);
    for (const cv::Rect& z : zones) mask(z & cv::Rect({}, size)).setTo(255);
    return mask;
}

const cv::Rect* zoneHolding(const std::vector<cv::Rect>& zones, const cv::Rect& box) {
    for (const cv::Rect& z : zones)
        if (2 * (box & z).area() >= box.area()) return &z;
    return nullptr;
}

}  // namespace pm::ops::damage
