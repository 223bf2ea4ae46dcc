// Restore faces through a real TorchScript model with the face contract (fixed 512x512, -1..1, RGB),
// loaded by the engine exactly as an installed GPEN would be: a tiny "negative" model built in C++.
#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "core/engine/device.h"
#include "core/engine/inference_session.h"
#include "core/image/image_io.h"
#include "core/ops/faces/restore_faces.h"
#include "tests/engine/tiny_models.h"
#include "tests/support/testdata.h"

namespace {

TEST(RestoreFacesWithModel, TheInstalledModelRestoresOnlyInsideTheFaceAndIsNamed) {
    PM_REQUIRE_TESTDATA();
    pm::test::TempDir dir;
    const std::string path = dir.file("tiny-face.pt");
    pm::test::saveNegativeModel(path);  // forward(x) = -x: in 0..1 terms, the photographic negative

    pm::engine::ModelEntry entry;
    entry.id = "tiny-face";
    entry.task = "face";
    entry.name = "TinyFace";
    entry.file = "tiny-face.pt";
    entry.contract.kind = pm::engine::ModelKind::ImageToImage;
    entry.contract.range = pm::image::ValueRange::MinusOneOne;
    entry.contract.channelOrder = pm::image::ChannelOrder::Rgb;
    entry.contract.fixedSize = 512;
    const pm::engine::DeviceInfo cpu = pm::engine::selectDevice(pm::engine::DevicePreference::Cpu);
    std::unique_ptr<pm::engine::InferenceSession> model =
        pm::engine::InferenceSession::load(entry, path, cpu);

    const cv::Mat image = pm::image::loadPhoto(pm::test::testdataDir() + "/photos/astronaut.png").pixels;
    pm::engine::LocalJobContext context;
    context.session = model.get();
    pm::ops::FaceParams params;
    params.fidelity = 0.0;
    const pm::ops::FaceResult result = pm::ops::restoreFaces(image, params, context);
    ASSERT_EQ(result.facesRestored, 1);
    EXPECT_EQ(result.engineUsed.rfind("TinyFace on CPU", 0), 0u) << result.engineUsed;

    const std::vector<pm::ops::FaceBox> faces = pm::ops::detectFaces(image, {});
    ASSERT_EQ(faces.size(), 1u);
    const cv::Mat weight = pm::ops::faceBlendMask(image.size(), faces[0]);
    cv::Mat diff;
    cv::absdiff(image, result.image, diff);
    cv::Mat changed;
    cv::transform(diff, changed, cv::Matx13f(1, 1, 1));
    EXPECT_EQ(cv::countNonZero((changed > 0) & (weight == 0)), 0) << "pixels outside the face changed";
    // The negative, colour-matched back to the face's own statistics, still reshapes the face: in the
    // core of the mask the result follows the negative's structure, so it correlates negatively with
    // the original there.
    cv::Mat grayIn, grayOut;
    cv::cvtColor(image, grayIn, cv::COLOR_BGR2GRAY);
    cv::cvtColor(result.image, grayOut, cv::COLOR_BGR2GRAY);
    const cv::Mat core = weight > 0.9f;
    ASSERT_GT(cv::countNonZero(core), 2000);
    cv::Mat a, b;
    grayIn.convertTo(a, CV_32F);
    grayOut.convertTo(b, CV_32F);
    const cv::Scalar ma = cv::mean(a, core), mb = cv::mean(b, core);
    cv::Mat da = a - ma[0], db = b - mb[0];
    const double cov = cv::mean(da.mul(db), core)[0];
    EXPECT_LT(cov, 0) << "the model's output (a negative) is what was pasted in";
}

}  // namespace
