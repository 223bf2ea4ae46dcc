// The built-in face enhancement (no model) and the colour matching applied to every restored face.
#include <algorithm>

#include <opencv2/imgproc.hpp>

#include "core/ops/faces/face_parts.h"

namespace pm::ops::faces {

cv::Mat enhanceFace(const cv::Mat& aligned) {
    // Edge-aware denoise first so CLAHE and sharpening do not amplify film grain.
    cv::Mat smooth;
    cv::bilateralFilter(aligned, smooth, 9, 30, 5);
    cv::Mat lab;
    cv::cvtColor(smooth, lab, cv::COLOR_BGR2Lab);
    std::vector<cv::Mat> ch;
    cv::split(lab, ch);
    cv::createCLAHE(1.5, cv::Size(8, 8))->apply(ch[0], ch[0]);
    cv::Mat blurred;
    cv::GaussianBlur(ch[0], blurred, {0, 0}, 2.0);
    cv::addWeighted(ch[0], 1.3, blurred, -0.3, 0, ch[0]);
    cv::merge(ch, lab);
    cv::Mat out;
    cv::cvtColor(lab, out, cv::COLOR_Lab2BGR);
    return out;
}

cv::Mat matchColours(const cv::Mat& restored, const cv::Mat& reference, const cv::Mat& weight) {
    const cv::Mat inside = weight > 0.5f;
    cv::Mat r32, f32, rLab, fLab;
    restored.convertTo(r32, CV_32F, 1.0 / 255.0);
    reference.convertTo(f32, CV_32F, 1.0 / 255.0);
    cv::cvtColor(r32, rLab, cv::COLOR_BGR2Lab);
    cv::cvtColor(f32, fLab, cv::COLOR_BGR2Lab);
    cv::Scalar rMean, rStd, fMean, fStd;
    cv::meanStdDev(rLab, rMean, rStd, inside);
    cv::meanStdDev(fLab, fMean, fStd, inside);
    std::vector<cv::Mat> ch;
    cv::split(rLab, ch);
    for (int c = 0; c < 3; ++c) {
        // A flat model output has no spread to rescale; clamping keeps noise from being blown up.
        const double gain = rStd[c] > 1e-3 ? std::clamp(fStd[c] / rStd[c], 0.25, 4.0) : 1.0;
        ch[c] = (ch[c] - rMean[c]) * gain + fMean[c];
    }
    cv::merge(ch, rLab);
    cv::Mat bgr, out;
    cv::cvtColor(rLab, bgr, cv::COLOR_Lab2BGR);
    bgr.convertTo(out, CV_8U, 255.0);
    return out;
}

}  // namespace pm::ops::faces
