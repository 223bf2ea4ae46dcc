// Face detection and restoration on real photos, with a tiny fake face model standing in for GPEN.
#include <filesystem>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "core/common/error.h"
#include "core/engine/inference_session.h"
#include "core/image/image_io.h"
#include "core/ops/faces/restore_faces.h"
#include "tests/support/testdata.h"

namespace {

// Inverts the aligned crop: an output nothing like the input, so every pixel the paste-back touches
// changes visibly.
class InvertingFaceModel : public pm::engine::InferenceSession {
public:
    InvertingFaceModel() {
        entry_.id = "fake-face";
        entry_.task = "face";
        entry_.name = "FakeFace";
        entry_.file = "fake_face.pt";
        device_.name = "CPU";
    }
    const pm::engine::ModelEntry& entry() const override { return entry_; }
    const pm::engine::DeviceInfo& device() const override { return device_; }
    cv::Mat inpaint(const cv::Mat& bgr, const cv::Mat&) override { return bgr.clone(); }
    cv::Mat imageToImage(const cv::Mat& bgr) override {
        ++calls;
        lastInputSize = bgr.size();
        cv::Mat out;
        cv::bitwise_not(bgr, out);
        return out;
    }
    void warmUp() override {}
    pm::engine::SessionStats stats() const override { return {}; }

    int calls = 0;
    cv::Size lastInputSize;

private:
    pm::engine::ModelEntry entry_;
    pm::engine::DeviceInfo device_;
};

cv::Mat loadTestPhoto(const std::string& relative) {
    return pm::image::loadPhoto(pm::test::testdataDir() + "/" + relative).pixels;
}

cv::Mat unionOfFaceMasks(const cv::Mat& image, const std::vector<pm::ops::FaceBox>& faces) {
    cv::Mat all = cv::Mat::zeros(image.size(), CV_32FC1);
    for (const auto& f : faces) all = cv::max(all, pm::ops::faceBlendMask(image.size(), f));
    return all;
}

// Pixels where any channel differs.
cv::Mat changedPixels(const cv::Mat& a, const cv::Mat& b) {
    cv::Mat diff;
    cv::absdiff(a, b, diff);
    if (diff.channels() > 1) {
        cv::Mat flat = diff.reshape(1, static_cast<int>(diff.total()));
        cv::reduce(flat, flat, 1, cv::REDUCE_MAX);
        diff = flat.reshape(1, a.rows);
    }
    return diff > 0;
}

TEST(DetectFaces, FindsTheAstronautsFace) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat image = loadTestPhoto("photos/astronaut.png");
    const auto faces = pm::ops::detectFaces(image, {});
    ASSERT_GE(faces.size(), 1u);
    // Eileen Collins' face: centred near (222, 112) in the 512x512 photo, about 90 px wide.
    const cv::Point2f centre(faces[0].box.x + faces[0].box.width / 2.f,
                             faces[0].box.y + faces[0].box.height / 2.f);
    EXPECT_NEAR(centre.x, 222, 20);
    EXPECT_NEAR(centre.y, 112, 20);
    EXPECT_GT(faces[0].box.width, 60);
    EXPECT_LT(faces[0].box.width, 140);
    // Eyes above the nose, nose above the mouth, left eye left of the right eye.
    const auto& l = faces[0].landmarks;
    EXPECT_LT(l[0].x, l[1].x);
    EXPECT_LT(l[0].y, l[2].y);
    EXPECT_LT(l[2].y, l[3].y);
    EXPECT_TRUE(faces[0].box.contains(l[2]));
}

TEST(DetectFaces, ReportsFacesOnTheFadedOldPhotos) {
    const auto files = pm::test::testdataFiles("old-photos");
    if (files.empty()) GTEST_SKIP() << "testdata absent";
    int total = 0, photosWithFaces = 0, fadedPhotos = 0;
    for (const auto& path : files) {
        if (std::filesystem::path(path).filename().string().rfind("faded_", 0) != 0) continue;
        ++fadedPhotos;
        const cv::Mat image = pm::image::loadPhoto(path).pixels;
        const auto faces = pm::ops::detectFaces(image, {});
        std::cout << "[ faces    ] " << std::filesystem::path(path).filename().string() << ": "
                  << faces.size() << " face(s)\n";
        for (const auto& f : faces) {
            EXPECT_TRUE((cv::Rect(0, 0, image.cols, image.rows) & f.box) == f.box);
            EXPECT_GT(f.score, 0.f);
        }
        total += static_cast<int>(faces.size());
        photosWithFaces += faces.empty() ? 0 : 1;
    }
    std::cout << "[ faces    ] " << total << " face(s) in " << photosWithFaces << " of "
              << fadedPhotos << " faded photos\n";
    // The portraits among them (faded_a, faded_h) must be found.
    EXPECT_GE(photosWithFaces, 2);
}

TEST(RestoreFaces, ModelOutputChangesOnlyPixelsInsideTheFaceMask) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat image = loadTestPhoto("photos/astronaut.png");
    InvertingFaceModel model;
    pm::engine::LocalJobContext ctx;
    ctx.session = &model;
    pm::ops::FaceParams params;
    params.fidelity = 0.0;
    const auto result = pm::ops::restoreFaces(image, params, ctx);
    ASSERT_EQ(result.image.type(), image.type());
    ASSERT_EQ(result.image.size(), image.size());
    EXPECT_EQ(result.facesRestored, 1);
    EXPECT_EQ(model.calls, 1);
    EXPECT_EQ(model.lastInputSize, cv::Size(512, 512));
    EXPECT_EQ(result.engineUsed, "FakeFace on CPU");

    const cv::Mat mask = unionOfFaceMasks(image, pm::ops::detectFaces(image, {}));
    const cv::Mat changed = changedPixels(image, result.image);
    EXPECT_EQ(cv::countNonZero(changed & (mask == 0)), 0) << "pixels outside the face mask changed";
    // The inverted, colour-matched face replaces the core of the mask: most of it must change.
    const cv::Mat core = mask > 0.9f;
    ASSERT_GT(cv::countNonZero(core), 2000);
    EXPECT_GT(cv::countNonZero(changed & core), 0.9 * cv::countNonZero(core));
    // The mask is an ellipse around the face, not the whole photo.
    EXPECT_LT(cv::countNonZero(mask > 0), image.total() / 8);
    // `changed` bounds every changed pixel.
    const cv::Rect bounds = cv::boundingRect(changed);
    EXPECT_EQ(bounds & result.changed, bounds);
}

TEST(RestoreFaces, FullFidelityReturnsTheOriginalBitIdentical) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat image = loadTestPhoto("photos/astronaut.png");
    InvertingFaceModel model;
    pm::engine::LocalJobContext ctx;
    ctx.session = &model;
    pm::ops::FaceParams params;
    params.fidelity = 1.0;
    const auto result = pm::ops::restoreFaces(image, params, ctx);
    EXPECT_EQ(cv::countNonZero(changedPixels(image, result.image)), 0);
    EXPECT_TRUE(result.changed.empty());
}

TEST(RestoreFaces, HalfFidelityLiesBetweenOriginalAndModel) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat image = loadTestPhoto("photos/astronaut.png");
    InvertingFaceModel model;
    pm::engine::LocalJobContext ctx;
    ctx.session = &model;
    pm::ops::FaceParams params;
    params.fidelity = 0.0;
    const cv::Mat full = pm::ops::restoreFaces(image, params, ctx).image;
    params.fidelity = 0.5;
    const cv::Mat half = pm::ops::restoreFaces(image, params, ctx).image;
    cv::Mat a, b;
    cv::absdiff(full, image, a);
    cv::absdiff(half, image, b);
    const double fullChange = cv::sum(a)[0] + cv::sum(a)[1] + cv::sum(a)[2];
    const double halfChange = cv::sum(b)[0] + cv::sum(b)[1] + cv::sum(b)[2];
    EXPECT_NEAR(halfChange / fullChange, 0.5, 0.05);
}

TEST(RestoreFaces, BuiltInEnhancementKeepsLayoutAndOutsidePixels) {
    PM_REQUIRE_TESTDATA();
    // BGRA, 16 bit: the layouts old scans come in.
    cv::Mat image = loadTestPhoto("photos/astronaut.png");
    cv::cvtColor(image, image, cv::COLOR_BGR2BGRA);
    image.convertTo(image, CV_16U, 257.0);
    pm::engine::LocalJobContext ctx;
    const auto result = pm::ops::restoreFaces(image, {}, ctx);
    EXPECT_EQ(result.engineUsed, "built-in face enhancement");
    EXPECT_EQ(result.facesRestored, 1);
    ASSERT_EQ(result.image.type(), CV_16UC4);
    const cv::Mat mask = unionOfFaceMasks(image, pm::ops::detectFaces(image, {}));
    const cv::Mat changed = changedPixels(image, result.image);
    EXPECT_GT(cv::countNonZero(changed), 1000);
    EXPECT_EQ(cv::countNonZero(changed & (mask == 0)), 0);
    std::vector<cv::Mat> before, after;
    cv::split(image, before);
    cv::split(result.image, after);
    EXPECT_EQ(cv::countNonZero(before[3] != after[3]), 0) << "alpha changed";
}

TEST(RestoreFaces, StopsWhenCancelled) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat image = loadTestPhoto("photos/astronaut.png");
    InvertingFaceModel model;
    pm::engine::LocalJobContext ctx;
    ctx.session = &model;
    ctx.onProgress = [&](double, const std::string&) { ctx.cancel = true; };
    EXPECT_THROW(pm::ops::restoreFaces(image, {}, ctx), pm::Cancelled);
    EXPECT_EQ(model.calls, 0);
}

TEST(DetectFaces, ReportsAMissingYuNetModelByFallingBackToHaar) {
    PM_REQUIRE_TESTDATA();
    const cv::Mat image = loadTestPhoto("photos/astronaut.png");
    pm::ops::FaceParams params;
    params.detectorModelPath = "/nonexistent/face_detection_yunet.onnx";
    EXPECT_GE(pm::ops::detectFaces(image, params).size(), 1u);
}

TEST(DetectFaces, RejectsAnEmptyImage) {
    EXPECT_THROW(pm::ops::detectFaces(cv::Mat(), {}), pm::Error);
}

}  // namespace
