// The built-in face enhancement (no model) and the colour matching applied to every restored face.
#include <algorithm>
#include <array>

#include <opencv2/imgproc.hpp>

#include "core/ops/faces/face_parts.h"

namespace pm::ops::faces {

namespace {

// In the aligned 512 crop a face is 2-4x its size in an old scan: the print's crackle and grain are
// cells a few pixels wide and a few levels deep, while eyes, brows, lips and nostrils are edges of
// tens of levels that stay after a blur wider than those cells.
constexpr double kStructureBlurSigma = 3.0;
// Levels per pixel after that blur where an edge starts to count and where it fully counts as
// structure: lower where the alignment puts the eyes, brows and lips (a downcast eye or a pale
// brow is a faint edge), higher elsewhere, where only hair, nostrils and outlines are that steep.
constexpr float kFeatureFrom = 2.f, kFeatureFull = 5.f;
constexpr float kOtherFrom = 4.5f, kOtherFull = 10.f;
// Skin keeps this share of its fine texture: a light smoothing, never a boost.
constexpr float kSkinDetail = 0.6f;
// CLAHE's brightening reaches skin only at scales above this (aligned pixels), never its texture.
constexpr double kToneShiftSigma = 32.0;

// 0 up to `from`, 1 from `full` on, linear in between.
cv::Mat ramp(const cv::Mat& values, float from, float full) {
    cv::Mat r;
    values.convertTo(r, CV_32F, 1.0 / (full - from), -from / (full - from));
    cv::threshold(r, r, 1.0, 1.0, cv::THRESH_TRUNC);
    cv::threshold(r, r, 0.0, 0.0, cv::THRESH_TOZERO);
    return r;
}

// Where the FFHQ alignment puts both eyes with their brows, and the lips: 1 inside, soft edges.
const cv::Mat& featureZones() {
    static const cv::Mat zones = [] {
        const std::array<cv::Point2f, 5> t = faceTemplate(kAlignedSize);
        const float eyes = t[1].x - t[0].x;  // 126 px in the 512 crop
        cv::Mat m = cv::Mat::zeros(kAlignedSize, kAlignedSize, CV_32FC1);
        for (int eye = 0; eye < 2; ++eye)  // the eye, up to its brow about a third of `eyes` above
            cv::ellipse(m, cv::RotatedRect(t[eye] - cv::Point2f(0.f, 0.15f * eyes),
                                           cv::Size2f(0.85f * eyes, 0.8f * eyes), 0),
                        cv::Scalar(1.0), cv::FILLED);
        const cv::Point2f mouth = (t[3] + t[4]) * 0.5f;
        cv::ellipse(m, cv::RotatedRect(mouth, cv::Size2f(1.5f * (t[4].x - t[3].x), 0.5f * eyes), 0),
                    cv::Scalar(1.0), cv::FILLED);
        cv::GaussianBlur(m, m, {0, 0}, 8.0);
        return m;
    }();
    return zones;
}

// A Gaussian blur of a field that is smooth at that scale anyway, done at 1/8 size: the same
// result for sigmas this wide at a hundredth of the cost.
cv::Mat wideBlur(const cv::Mat& field, double sigma) {
    constexpr int kShrink = 8;
    cv::Mat small, out;
    cv::resize(field, small, field.size() / kShrink, 0, 0, cv::INTER_AREA);
    cv::GaussianBlur(small, small, {0, 0}, sigma / kShrink);
    cv::resize(small, out, field.size(), 0, 0, cv::INTER_LINEAR);
    return out;
}

// 0 on skin, 1 on real structure, smooth in between so no seam shows where the two recipes meet.
cv::Mat structureWeight(const cv::Mat& lightness) {
    cv::Mat coarse, gx, gy, grad;
    cv::GaussianBlur(lightness, coarse, {0, 0}, kStructureBlurSigma);
    cv::Sobel(coarse, gx, CV_32F, 1, 0, 3, 1.0 / 8.0);
    cv::Sobel(coarse, gy, CV_32F, 0, 1, 3, 1.0 / 8.0);
    cv::magnitude(gx, gy, grad);
    const cv::Mat& zones = featureZones();
    const cv::Mat inZones = ramp(grad, kFeatureFrom, kFeatureFull);
    const cv::Mat elsewhere = ramp(grad, kOtherFrom, kOtherFull);
    cv::Mat w = elsewhere + (inZones - elsewhere).mul(zones);
    // Widen it by the sharpening's reach, so an edge's whole halo is sharpened, not its middle only.
    cv::dilate(w, w, cv::getStructuringElement(cv::MORPH_ELLIPSE, {7, 7}));
    cv::GaussianBlur(w, w, {0, 0}, 2.0);
    return w;
}

}  // namespace

cv::Mat enhanceFace(const cv::Mat& aligned) {
    // Edge-aware denoise first so CLAHE and sharpening do not amplify film grain.
    cv::Mat smooth;
    cv::bilateralFilter(aligned, smooth, 9, 30, 5);
    cv::Mat lab;
    cv::cvtColor(smooth, lab, cv::COLOR_BGR2Lab);
    std::vector<cv::Mat> ch;
    cv::split(lab, ch);
    const cv::Ptr<cv::CLAHE> clahe = cv::createCLAHE(1.5, cv::Size(8, 8));

    // Structure (eyes, brows, lips): local contrast, then a mild unsharp mask, as a restorer would.
    cv::Mat structure, blurred;
    clahe->apply(ch[0], structure);
    cv::GaussianBlur(structure, blurred, {0, 0}, 2.0);
    cv::addWeighted(structure, 1.3, blurred, -0.3, 0, structure);

    // Skin: CLAHE steepens the tone curve most in flat, low-contrast tiles (up to its clip limit,
    // 1.5x), which is exactly where the print's crackle lies, and the unsharp mask lifts it again.
    // So skin gets CLAHE's brightening only as a smooth shift, wider than any crackle cell, and its
    // fine texture (what an edge-aware smoothing takes away) is added back weakened, never boosted.
    cv::Mat base, lifted;
    cv::bilateralFilter(ch[0], base, 9, 16, 6);
    clahe->apply(base, lifted);
    cv::Mat l32, base32, skin;
    ch[0].convertTo(l32, CV_32F);
    base.convertTo(base32, CV_32F);
    lifted.convertTo(skin, CV_32F);
    skin = base32 + wideBlur(skin - base32, kToneShiftSigma) + kSkinDetail * (l32 - base32);

    const cv::Mat w = structureWeight(l32);
    cv::Mat structure32;
    structure.convertTo(structure32, CV_32F);
    cv::Mat mixed = skin + (structure32 - skin).mul(w);
    mixed.convertTo(ch[0], CV_8U);
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
