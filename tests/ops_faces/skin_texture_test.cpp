// The built-in face enhancement on real old scans: the print's surface crackle and grain in the skin
// must not be sharpened, while eyes, brows and lips keep their edges.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "core/image/image_io.h"
#include "core/image/pixel_convert.h"
#include "core/ops/faces/restore_faces.h"
#include "tests/support/testdata.h"

namespace {

struct FaceRegions {
    cv::Mat skin;      ///< flat skin: forehead, cheeks, chin (no eyes, brows, mouth, nostrils)
    cv::Mat features;  ///< eyes with their brows, and the lips
};

// Sobel gradient magnitude, CV_32F.
cv::Mat gradientOf(const cv::Mat& gray) {
    cv::Mat gx, gy, grad;
    cv::Sobel(gray, gx, CV_32F, 1, 0);
    cv::Sobel(gray, gy, CV_32F, 0, 1);
    cv::magnitude(gx, gy, grad);
    return grad;
}

double eyeDistance(const pm::ops::FaceBox& face) {
    return cv::norm(face.landmarks[1] - face.landmarks[0]);
}

// Regions placed from the face's own landmarks, so they follow the face the step restores.
FaceRegions regionsOf(const cv::Mat& gray, const pm::ops::FaceBox& face) {
    const auto& l = face.landmarks;
    const double d = eyeDistance(face);
    const cv::Point2f up(0.f, static_cast<float>(-0.15 * d));
    FaceRegions r;
    r.features = cv::Mat::zeros(gray.size(), CV_8U);
    for (int eye = 0; eye < 2; ++eye)  // the eye and the brow above it
        cv::ellipse(r.features, cv::RotatedRect(l[eye] + up, cv::Size2f(0.8 * d, 0.75 * d), 0),
                    255, cv::FILLED);
    const cv::Point2f mouth = (l[3] + l[4]) * 0.5f;
    const double mouthWidth = cv::norm(l[4] - l[3]);
    cv::ellipse(r.features, cv::RotatedRect(mouth, cv::Size2f(1.4 * mouthWidth, 0.45 * d), 0), 255,
                cv::FILLED);

    // Skin: the inner face, away from the features and the nose tip, where the coarse picture is
    // flat (a blur wider than the crackle leaves no edge: no hair strand, no face outline).
    cv::Mat near;
    cv::dilate(r.features, near, cv::getStructuringElement(cv::MORPH_ELLIPSE, {9, 9}));
    cv::circle(near, l[2], static_cast<int>(0.3 * d), 255, cv::FILLED);
    cv::Mat coarse;
    cv::GaussianBlur(gray, coarse, {0, 0}, std::max(1.5, d / 25.0));
    // Away from any edge by more than the measured band's reach, so hair and glasses rims that
    // cross the face, which may be sharpened, do not count as skin.
    cv::Mat flat = gradientOf(coarse) < 40.f;
    cv::erode(flat, flat, cv::getStructuringElement(cv::MORPH_ELLIPSE, {7, 7}));
    r.skin = (pm::ops::faceBlendMask(gray.size(), face) > 0.9f) & (near == 0) & flat;
    return r;
}

cv::Mat grayOf(const cv::Mat& image) {
    cv::Mat g;
    cv::cvtColor(pm::image::toBgr8(image), g, cv::COLOR_BGR2GRAY);
    return g;
}

// Mean square of the 1-6 px band (a difference of Gaussians): the print's crackle and grain. A
// finer high-pass alone misses it: the step's round trip through the aligned crop softens the finest
// pixel noise while it lifts the crackle's few-pixel cells.
double fineTexture(const cv::Mat& gray, const cv::Mat& where) {
    cv::Mat f, fine, coarse;
    gray.convertTo(f, CV_32F);
    cv::GaussianBlur(f, fine, {0, 0}, 0.7);
    cv::GaussianBlur(f, coarse, {0, 0}, 3.0);
    const cv::Mat band = fine - coarse;
    return cv::mean(band.mul(band), where)[0];
}

// The edges of the eyes, brows and lips: the quarter of the feature pixels with the steepest
// gradient in the original (the skin between them does not count).
cv::Mat steepestQuarter(const cv::Mat& gray, const cv::Mat& features) {
    const cv::Mat grad = gradientOf(gray);
    std::vector<float> values;
    for (int y = 0; y < grad.rows; ++y)
        for (int x = 0; x < grad.cols; ++x)
            if (features.at<uchar>(y, x)) values.push_back(grad.at<float>(y, x));
    if (values.empty()) return cv::Mat::zeros(gray.size(), CV_8U);
    auto q = values.begin() + values.size() * 3 / 4;
    std::nth_element(values.begin(), q, values.end());
    return features & (grad >= *q);
}

// How crisp those edges are: their mean gradient.
double edgeStrength(const cv::Mat& gray, const cv::Mat& edges) {
    return cv::mean(gradientOf(gray), edges)[0];
}

TEST(BuiltInFaceEnhancement, DoesNotSharpenSkinCrackleOnRealScans) {
    const auto files = pm::test::testdataFiles("old-photos");
    if (files.empty()) GTEST_SKIP() << "testdata absent";
    int measured = 0;
    for (const auto& path : files) {
        const std::string name = std::filesystem::path(path).filename().string();
        const cv::Mat image = pm::image::loadPhoto(path).pixels;
        const auto faces = pm::ops::detectFaces(image, {});
        if (faces.empty()) continue;
        pm::engine::LocalJobContext ctx;  // no face model: the built-in enhancement
        const cv::Mat after = pm::ops::restoreFaces(image, {}, ctx).image;
        const cv::Mat g0 = grayOf(image), g1 = grayOf(after);
        for (const auto& face : faces) {
            // Faces whose eyes are a few pixels apart have no skin texture to speak of.
            if (eyeDistance(face) < 24) continue;
            const FaceRegions r = regionsOf(g0, face);
            if (cv::countNonZero(r.skin) < 200) continue;
            const double t0 = fineTexture(g0, r.skin), t1 = fineTexture(g1, r.skin);
            const cv::Mat edges = steepestQuarter(g0, r.features);
            const double e0 = edgeStrength(g0, edges), e1 = edgeStrength(g1, edges);
            std::cout << "[ skin     ] " << name << " face " << face.box << ": fine texture " << t0
                      << " -> " << t1 << " (x" << t1 / t0 << "), eye/lip edges " << e0 << " -> "
                      << e1 << " (x" << e1 / e0 << "), skin px " << cv::countNonZero(r.skin)
                      << "\n";
            EXPECT_LE(t1, t0) << name << ": the skin's crackle and grain were sharpened";
            EXPECT_GE(e1, e0) << name << ": eyes, brows or lips lost their edges";
            ++measured;
        }
    }
    std::cout << "[ skin     ] " << measured << " face(s) measured\n";
    // scratched_a's woman and the faded portraits at least.
    EXPECT_GE(measured, 2);
}

}  // namespace
