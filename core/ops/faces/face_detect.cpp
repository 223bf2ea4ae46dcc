// Face detection: YuNet (cv::FaceDetectorYN) when its ONNX model is installed, otherwise OpenCV's
// Haar cascades from Debian's opencv-data package, with the eye cascade to place the eyes.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

#include "core/common/error.h"
#include "core/image/pixel_convert.h"
#include "core/ops/faces/restore_faces.h"

namespace pm::ops {

namespace {

// Haar boxes are not FFHQ-aligned: where the eyes of a frontal face sit inside a
// haarcascade_frontalface_default box, as fractions of its width and height (measured on
// astronaut.png and the old photos with the eye cascade).
constexpr float kEyeX = 0.30f, kEyeY = 0.38f;
constexpr int kDetectMaxSide = 1024;  // Haar runs on a copy no larger than this (speed)

std::string findCascade(const std::string& name) {
    for (const char* dir : {"/usr/share/opencv4/haarcascades", "/usr/local/share/opencv4/haarcascades",
                            "/usr/share/opencv/haarcascades"}) {
        const std::string path = std::string(dir) + "/" + name;
        if (std::filesystem::exists(path)) return path;
    }
    return {};
}

cv::CascadeClassifier& cascade(const std::string& name) {
    // One per thread: detectMultiScale is not safe to share, and loading costs ~50 ms.
    thread_local std::map<std::string, cv::CascadeClassifier> cache;
    cv::CascadeClassifier& c = cache[name];
    if (c.empty()) {
        const std::string path = findCascade(name);
        if (path.empty() || !c.load(path))
            throw Error("Face detection needs OpenCV's Haar cascade " + name +
                        " (Debian package opencv-data) or a YuNet model; neither was found");
    }
    return c;
}

// The FFHQ template mapped by the similarity that takes its eyes onto `left`/`right` gives nose and
// mouth positions consistent with the eyes.
std::array<cv::Point2f, 5> landmarksFromEyes(cv::Point2f left, cv::Point2f right) {
    const std::array<cv::Point2f, 5> t = faceTemplate(512);
    const cv::Point2f tv = t[1] - t[0], iv = right - left;
    const double scale = std::hypot(iv.x, iv.y) / std::hypot(tv.x, tv.y);
    const double angle = std::atan2(iv.y, iv.x) - std::atan2(tv.y, tv.x);
    const double c = scale * std::cos(angle), s = scale * std::sin(angle);
    std::array<cv::Point2f, 5> out;
    for (size_t i = 0; i < t.size(); ++i) {
        const cv::Point2f d = t[i] - t[0];
        out[i] = left + cv::Point2f(static_cast<float>(c * d.x - s * d.y),
                                    static_cast<float>(s * d.x + c * d.y));
    }
    return out;
}

// Both eyes from the eye cascade in the upper part of the face box, or false.
bool findEyes(const cv::Mat& gray, const cv::Rect& face, cv::Point2f& left, cv::Point2f& right) {
    const cv::Rect upper(face.x, face.y + face.height / 6, face.width, face.height / 2);
    std::vector<cv::Rect> eyes;
    cascade("haarcascade_eye.xml")
        .detectMultiScale(gray(upper & cv::Rect(0, 0, gray.cols, gray.rows)), eyes, 1.1, 4, 0,
                          cv::Size(face.width / 8, face.width / 8),
                          cv::Size(face.width / 3, face.width / 3));
    bool haveLeft = false, haveRight = false;
    float bestLeft = 0, bestRight = 0;
    for (const cv::Rect& e : eyes) {
        const cv::Point2f c(upper.x + e.x + e.width / 2.f, upper.y + e.y + e.height / 2.f);
        const float size = static_cast<float>(e.area());
        if (c.x < face.x + face.width / 2.f) {
            if (size > bestLeft) bestLeft = size, left = c, haveLeft = true;
        } else if (size > bestRight) {
            bestRight = size, right = c, haveRight = true;
        }
    }
    if (!haveLeft || !haveRight) return false;
    // Eyes on wildly different heights or too close are a misdetection (nostrils, eyebrows).
    const float dist = right.x - left.x;
    return dist > 0.25f * face.width && std::abs(right.y - left.y) < 0.25f * face.width;
}

std::vector<FaceBox> detectHaar(const cv::Mat& image) {
    const cv::Mat gray = image::toGray8(image);
    const double scale =
        std::min(1.0, static_cast<double>(kDetectMaxSide) / std::max(gray.cols, gray.rows));
    cv::Mat small;
    if (scale < 1.0)
        cv::resize(gray, small, {}, scale, scale, cv::INTER_AREA);
    else
        small = gray;
    cv::Mat equalized;
    cv::equalizeHist(small, equalized);
    std::vector<cv::Rect> boxes;
    std::vector<int> neighbours;
    const int minSide = std::max(24, std::min(small.cols, small.rows) / 20);
    cascade("haarcascade_frontalface_default.xml")
        .detectMultiScale(equalized, boxes, neighbours, 1.1, 6, 0, cv::Size(minSide, minSide));

    // The eyes are looked for in the equalised full-size grey; a grey copy of the photo (never the
    // photo itself) is equalised in place, so a large photo needs one byte per pixel here, not two.
    cv::Mat eyeGray = gray;
    if (eyeGray.data == image.data) eyeGray = gray.clone();
    cv::equalizeHist(eyeGray, eyeGray);
    std::vector<FaceBox> faces;
    for (size_t i = 0; i < boxes.size(); ++i) {
        FaceBox f;
        const cv::Rect& b = boxes[i];
        f.box = cv::Rect(cvRound(b.x / scale), cvRound(b.y / scale), cvRound(b.width / scale),
                         cvRound(b.height / scale)) &
                cv::Rect(0, 0, gray.cols, gray.rows);
        f.score = std::min(1.0f, neighbours[i] / 30.0f);
        cv::Point2f left, right;
        f.hasLandmarks = findEyes(eyeGray, f.box, left, right);
        if (!f.hasLandmarks) {
            left = {f.box.x + kEyeX * f.box.width, f.box.y + kEyeY * f.box.height};
            right = {f.box.x + (1 - kEyeX) * f.box.width, f.box.y + kEyeY * f.box.height};
        }
        f.landmarks = landmarksFromEyes(left, right);
        faces.push_back(f);
    }
    return faces;
}

std::vector<FaceBox> detectYuNet(const cv::Mat& image, const std::string& modelPath) {
    const cv::Mat bgr = image::toBgr8(image);
    cv::Mat rows;
    try {
        cv::Ptr<cv::FaceDetectorYN> yunet =
            cv::FaceDetectorYN::create(modelPath, "", bgr.size(), 0.7f, 0.3f, 5000);
        yunet->detect(bgr, rows);
    } catch (const cv::Exception& e) {
        throw Error("The face detector model " + modelPath + " could not be used: " + e.what());
    }
    std::vector<FaceBox> faces;
    for (int r = 0; r < rows.rows; ++r) {
        const float* v = rows.ptr<float>(r);
        FaceBox f;
        f.box = cv::Rect(cvRound(v[0]), cvRound(v[1]), cvRound(v[2]), cvRound(v[3])) &
                cv::Rect(0, 0, bgr.cols, bgr.rows);
        for (int i = 0; i < 5; ++i) f.landmarks[i] = {v[4 + 2 * i], v[5 + 2 * i]};
        // The template lists the image-left eye and mouth corner first.
        if (f.landmarks[0].x > f.landmarks[1].x) std::swap(f.landmarks[0], f.landmarks[1]);
        if (f.landmarks[3].x > f.landmarks[4].x) std::swap(f.landmarks[3], f.landmarks[4]);
        f.hasLandmarks = true;
        f.score = v[14];
        faces.push_back(f);
    }
    return faces;
}

}  // namespace

std::vector<FaceBox> detectFaces(const cv::Mat& image, const FaceParams& params) {
    if (image.empty()) throw Error("Face detection: the image is empty");
    if ((image.depth() != CV_8U && image.depth() != CV_16U) ||
        (image.channels() != 1 && image.channels() != 3 && image.channels() != 4))
        throw Error("Face detection: unsupported pixel format (expected 8 or 16 bit grey, BGR or BGRA)");
    std::vector<FaceBox> faces = !params.detectorModelPath.empty() &&
                                         std::filesystem::exists(params.detectorModelPath)
                                     ? detectYuNet(image, params.detectorModelPath)
                                     : detectHaar(image);
    std::sort(faces.begin(), faces.end(),
              [](const FaceBox& a, const FaceBox& b) { return a.box.area() > b.box.area(); });
    return faces;
}

}  // namespace pm::ops
