// FFHQ alignment: the five-point template, the similarity onto it, and the blend mask.
#include <opencv2/calib3d.hpp>
#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/ops/faces/face_parts.h"

namespace pm::ops {

std::array<cv::Point2f, 5> faceTemplate(int size) {
    // GFPGAN / facexlib template for 512x512 crops.
    const std::array<cv::Point2f, 5> t512 = {cv::Point2f(192.98f, 239.95f), {318.90f, 240.19f},
                                             {256.63f, 314.02f}, {201.26f, 371.41f},
                                             {313.09f, 371.15f}};
    std::array<cv::Point2f, 5> t;
    for (size_t i = 0; i < t.size(); ++i) t[i] = t512[i] * (size / 512.0f);
    return t;
}

cv::Mat alignmentMatrix(const std::array<cv::Point2f, 5>& landmarks, int size) {
    const std::array<cv::Point2f, 5> target = faceTemplate(size);
    const std::vector<cv::Point2f> from(landmarks.begin(), landmarks.end());
    const std::vector<cv::Point2f> to(target.begin(), target.end());
    // LMEDS like facexlib: robust to one badly placed (estimated) landmark.
    cv::Mat m = cv::estimateAffinePartial2D(from, to, cv::noArray(), cv::LMEDS);
    if (m.empty()) throw Error("Face alignment failed: the five landmarks are degenerate");
    return m;
}

cv::Mat faceBlendMask(cv::Size imageSize, const FaceBox& face) {
    const cv::Mat align = alignmentMatrix(face.landmarks, faces::kAlignedSize);
    cv::Mat full = cv::Mat::zeros(imageSize, CV_32FC1);
    const cv::Rect roi = faces::footprint(align, imageSize);
    if (!roi.empty())
        faces::warpBack(faces::alignedFaceMask(), align, roi, cv::INTER_LINEAR).copyTo(full(roi));
    return full;
}

namespace faces {

namespace {
// The ellipse covers brows to chin and cheek to cheek of the template face; the feather fades it
// over about 40 px of the 512 crop so no edge of the restored patch shows.
const cv::Point kCentre(256, 282);
const cv::Size kAxes(140, 175);
constexpr double kFeatherSigma = 14.0;
constexpr float kCutoff = 1.0f / 512.0f;
}  // namespace

const cv::Mat& alignedFaceMask() {
    static const cv::Mat mask = [] {
        cv::Mat m = cv::Mat::zeros(kAlignedSize, kAlignedSize, CV_32FC1);
        cv::ellipse(m, kCentre, kAxes, 0, 0, 360, cv::Scalar(1.0), cv::FILLED, cv::LINE_AA);
        cv::GaussianBlur(m, m, {0, 0}, kFeatherSigma);
        m.setTo(0, m < kCutoff);
        return m;
    }();
    return mask;
}

cv::Rect footprint(const cv::Mat& align, cv::Size imageSize) {
    cv::Mat inverse;
    cv::invertAffineTransform(align, inverse);
    const int grow = static_cast<int>(3 * kFeatherSigma);
    const cv::Rect aligned(kCentre.x - kAxes.width - grow, kCentre.y - kAxes.height - grow,
                           2 * (kAxes.width + grow), 2 * (kAxes.height + grow));
    std::vector<cv::Point2f> corners = {aligned.tl(), {float(aligned.br().x), float(aligned.y)},
                                        aligned.br(), {float(aligned.x), float(aligned.br().y)}};
    cv::transform(corners, corners, inverse);
    cv::Rect box = cv::boundingRect(corners) + cv::Size(4, 4) - cv::Point(2, 2);
    return box & cv::Rect(0, 0, imageSize.width, imageSize.height);
}

cv::Mat warpBack(const cv::Mat& aligned, const cv::Mat& align, const cv::Rect& roi,
                 int interpolation) {
    // dst(x, y) = aligned(align * (x + roi.x, y + roi.y)): the forward matrix with the ROI offset
    // folded into its translation, applied as an inverse map (no matrix inversion, exact).
    cv::Mat m = align.clone();
    m.at<double>(0, 2) += m.at<double>(0, 0) * roi.x + m.at<double>(0, 1) * roi.y;
    m.at<double>(1, 2) += m.at<double>(1, 0) * roi.x + m.at<double>(1, 1) * roi.y;
    cv::Mat out;
    cv::warpAffine(aligned, out, m, roi.size(), interpolation | cv::WARP_INVERSE_MAP,
                   cv::BORDER_CONSTANT, cv::Scalar::all(0));
    return out;
}

}  // namespace faces
}  // namespace pm::ops
