// alignmentMatrix must undo any similarity that moved the face: landmarks made by rotating, scaling
// and shifting the template map back onto the template.
#include <cmath>

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "core/ops/faces/restore_faces.h"

namespace {

struct Similarity {
    double degrees, scale, dx, dy;
};

class AlignmentTest : public ::testing::TestWithParam<Similarity> {};

TEST_P(AlignmentTest, RecoversTheInverseOfAKnownSimilarity) {
    const Similarity s = GetParam();
    const double a = s.degrees * CV_PI / 180.0;
    const cv::Matx23d forward(s.scale * std::cos(a), -s.scale * std::sin(a), s.dx,
                              s.scale * std::sin(a), s.scale * std::cos(a), s.dy);
    std::array<cv::Point2f, 5> landmarks;
    const std::array<cv::Point2f, 5> t = pm::ops::faceTemplate(512);
    for (size_t i = 0; i < t.size(); ++i) {
        const cv::Vec3d p(t[i].x, t[i].y, 1.0);
        const cv::Vec2d q = forward * p;
        landmarks[i] = cv::Point2f(static_cast<float>(q[0]), static_cast<float>(q[1]));
    }
    cv::Mat expected;
    cv::invertAffineTransform(cv::Mat(forward), expected);

    const cv::Mat m = pm::ops::alignmentMatrix(landmarks, 512);
    ASSERT_EQ(m.rows, 2);
    ASSERT_EQ(m.cols, 3);
    for (int r = 0; r < 2; ++r)
        for (int c = 0; c < 2; ++c)
            EXPECT_NEAR(m.at<double>(r, c), expected.at<double>(r, c), 1e-3) << r << "," << c;
    // Translations are in template pixels; float landmarks limit them to ~1e-3 relative.
    for (int r = 0; r < 2; ++r)
        EXPECT_NEAR(m.at<double>(r, 2), expected.at<double>(r, 2),
                    1e-3 * std::max(1.0, std::abs(expected.at<double>(r, 2)) / 100.0))
            << "translation " << r;
}

INSTANTIATE_TEST_SUITE_P(Similarities, AlignmentTest,
                         ::testing::Values(Similarity{0, 1, 0, 0}, Similarity{20, 0.6, 100, 50},
                                           Similarity{-35, 0.25, 800, 1200},
                                           Similarity{90, 2.0, -40, 300},
                                           Similarity{170, 0.1, 300, 20}));

TEST(FaceTemplate, ScalesWithTheCropSize) {
    const auto t512 = pm::ops::faceTemplate(512);
    const auto t256 = pm::ops::faceTemplate(256);
    EXPECT_NEAR(t512[0].x, 192.98f, 1e-3);
    EXPECT_NEAR(t512[4].y, 371.15f, 1e-3);
    for (size_t i = 0; i < t512.size(); ++i) {
        EXPECT_NEAR(t256[i].x * 2, t512[i].x, 1e-3);
        EXPECT_NEAR(t256[i].y * 2, t512[i].y, 1e-3);
    }
}

}  // namespace
