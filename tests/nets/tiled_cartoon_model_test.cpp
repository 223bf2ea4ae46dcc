// The cartoon model's tiles on a real network: AnimeGANv2 with random weights run on a picture
// larger than a tile, whole and in overlapping tiles (as core/ops/cartoon runs a large photo). A
// network sees each tile on its own (its normalisation and the context at the tile's border
// differ), so the two differ a little; what must not happen is a visible seam at a tile border.
#include <algorithm>
#include <cstdio>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "core/engine/device.h"
#include "core/engine/inference_session.h"
#include "core/engine/model_registry.h"
#include "core/engine/nets/animegan2.h"
#include "core/engine/tiled_image_to_image.h"
#include "tests/nets/torch_save_format.h"
#include "tests/support/testdata.h"

namespace pm::engine::nets {
namespace {

/// A smooth picture with shapes (no files needed).
cv::Mat scene(int rows, int cols) {
    cv::Mat image(rows, cols, CV_8UC3);
    for (int y = 0; y < rows; ++y)
        for (int x = 0; x < cols; ++x)
            image.at<cv::Vec3b>(y, x) = cv::Vec3b(uchar(40 + x * 150 / cols), uchar(60 + y * 120 / rows), uchar(170));
    cv::circle(image, {cols / 3, rows / 2}, rows / 3, {30, 40, 200}, cv::FILLED);
    cv::rectangle(image, cv::Rect(cols / 2, rows / 5, cols / 3, rows / 2), {210, 190, 50}, cv::FILLED);
    cv::GaussianBlur(image, image, {0, 0}, 1.5);
    return image;
}

/// Per column x (and per row), the mean over the other axis of |d(x+1) - d(x)| with d = a - b in
/// 8-bit levels (channels averaged): how much a's neighbour-to-neighbour change differs from b's.
std::vector<double> excessSteps(const cv::Mat& a, const cv::Mat& b, bool alongX) {
    cv::Mat d;
    cv::subtract(a, b, d, cv::noArray(), CV_32FC3);
    cv::cvtColor(d, d, cv::COLOR_BGR2GRAY);  // a weighted mean of the channels
    if (!alongX) d = d.t();
    std::vector<double> steps(size_t(d.cols - 1), 0.0);
    for (int y = 0; y < d.rows; ++y)
        for (int x = 0; x + 1 < d.cols; ++x) steps[size_t(x)] += std::abs(d.at<float>(y, x + 1) - d.at<float>(y, x));
    for (double& s : steps) s /= d.rows;
    return steps;
}

TEST(TiledCartoonModel, ARandomAnimeGanInOverlappingTilesShowsNoSeam) {
    torch::manual_seed(17);
    AnimeGan2Generator source;
    test::TempDir dir;
    test::torchSaveStateDict(test::stateDictOf(*source), dir.file("face_paint_512_v2.pt"), test::TorchSaveFormat::Zip);
    const std::string json =
        R"({"models": [{"id": "cartoon", "task": "cartoon", "file": "face_paint_512_v2.pt", "format": "state_dict",)"
        R"( "architecture": "animeganv2", "contract": {"kind": "image2image", "range": "-1..1", "sizeMultiple": 8}}]})";
    const ModelEntry entry = ModelRegistry::parse(json, "/").entries().at(0);
    auto session = InferenceSession::load(entry, dir.file("face_paint_512_v2.pt"), selectDevice(DevicePreference::Cpu));

    const cv::Mat photo = scene(176, 256);
    const cv::Mat whole = session->imageToImage(photo);
    constexpr int kTile = 128, kOverlap = 48;
    const cv::Mat tiled = imageToImageInTiles(photo, kTile, kOverlap, [&](const cv::Mat& t) { return session->imageToImage(t); });
    ASSERT_EQ(tiled.size(), photo.size());

    // Close to the whole picture's result, in the overlaps too (where two tiles are mixed).
    cv::Mat difference;
    cv::absdiff(tiled, whole, difference);
    cv::Mat overlaps(photo.size(), CV_8U, cv::Scalar(0));
    for (int x : tileStarts(photo.cols, kTile, kOverlap))
        if (x > 0) overlaps(cv::Rect(x, 0, kOverlap, photo.rows)).setTo(255);
    for (int y : tileStarts(photo.rows, kTile, kOverlap))
        if (y > 0) overlaps(cv::Rect(0, y, photo.cols, kOverlap)).setTo(255);
    auto levels = [](const cv::Scalar& perChannel) { return (perChannel[0] + perChannel[1] + perChannel[2]) / 3; };
    const double meanInOverlaps = levels(cv::mean(difference, overlaps));
    cv::Mat change;
    cv::absdiff(whole, photo, change);
    const double typicalChange = levels(cv::mean(change));
    std::printf("tiled vs whole: mean |difference| %.2f levels in the overlaps, %.2f overall; the model "
                "changes the photo by %.1f on average\n",
                meanInOverlaps, levels(cv::mean(difference)), typicalChange);
    EXPECT_LT(meanInOverlaps, 4.0);

    // No step: nowhere does (tiled - whole) change from one column (or row) to the next much more
    // than it does elsewhere; a tile pasted up to its border would show its difference as a line.
    for (bool alongX : {true, false}) {
        const std::vector<double> steps = excessSteps(tiled, whole, alongX);
        std::vector<double> sorted = steps;
        std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
        const double median = sorted[sorted.size() / 2], largest = *std::max_element(steps.begin(), steps.end());
        std::printf("%s: largest step %.2f, median %.2f\n", alongX ? "columns" : "rows", largest, median);
        EXPECT_LT(largest, std::max(1.0, 4 * median)) << (alongX ? "a column" : "a row") << " with a seam";
    }
}

}  // namespace
}  // namespace pm::engine::nets
