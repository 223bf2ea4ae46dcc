// The cartoon model's tiles on a real network: AnimeGANv2 with random weights run on a picture
// larger than a tile, whole and in overlapping tiles (as core/ops/cartoon runs a large photo). A
// network sees each tile on its own (its normalisation and the context at the tile's border
// differ), so the two differ a little; what must not happen is a visible seam at a tile border.
#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <opencv2/imgproc.hpp>

#include "core/engine/device.h"
#include "core/engine/inference_session.h"
#include "core/engine/model_registry.h"
#include "core/engine/nets/animegan2.h"
#include "core/engine/runtime/tiled_image_to_image.h"
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
    // Each tile's output is kept by its place, to paste the same outputs without blending below.
    std::vector<std::pair<cv::Point, cv::Mat>> tiles;
    const cv::Mat tiled = imageToImageInTiles(photo, kTile, kOverlap, [&](const cv::Mat& t) {
        cv::Size size;
        cv::Point at;
        t.locateROI(size, at);
        tiles.emplace_back(at, session->imageToImage(t));
        return tiles.back().second;
    });
    ASSERT_EQ(tiled.size(), photo.size());
    // The same tiles pasted edge to edge, each owning up to the middle of its overlaps: what a
    // seam looks like, to show that the measure below sees one.
    cv::Mat pasted = whole.clone();
    const std::vector<int> xs = tileStarts(photo.cols, kTile, kOverlap), ys = tileStarts(photo.rows, kTile, kOverlap);
    auto owned = [](const std::vector<int>& starts, size_t i, int length, int tile) {
        const int from = i == 0 ? 0 : (starts[i] + starts[i - 1] + tile) / 2;
        const int to = i + 1 == starts.size() ? length : (starts[i + 1] + starts[i] + tile) / 2;
        return std::make_pair(from, to);
    };
    for (const auto& [at, out] : tiles) {
        const size_t ix = size_t(std::find(xs.begin(), xs.end(), at.x) - xs.begin());
        const size_t iy = size_t(std::find(ys.begin(), ys.end(), at.y) - ys.begin());
        const auto [x0, x1] = owned(xs, ix, photo.cols, kTile);
        const auto [y0, y1] = owned(ys, iy, photo.rows, kTile);
        out(cv::Rect(x0 - at.x, y0 - at.y, x1 - x0, y1 - y0)).copyTo(pasted(cv::Rect(x0, y0, x1 - x0, y1 - y0)));
    }

    // Close to the whole picture's result, in the overlaps too (where two tiles are mixed).
    cv::Mat difference;
    cv::absdiff(tiled, whole, difference);
    cv::Mat overlaps(photo.size(), CV_8U, cv::Scalar(0));
    for (int x : xs)
        if (x > 0) overlaps(cv::Rect(x, 0, kOverlap, photo.rows)).setTo(255);
    for (int y : ys)
        if (y > 0) overlaps(cv::Rect(0, y, photo.cols, kOverlap)).setTo(255);
    auto levels = [](const cv::Scalar& perChannel) { return (perChannel[0] + perChannel[1] + perChannel[2]) / 3; };
    const double meanInOverlaps = levels(cv::mean(difference, overlaps));
    cv::Mat change;
    cv::absdiff(whole, photo, change);
    const double typicalChange = levels(cv::mean(change));
    std::printf("tiled vs whole: mean |difference| %.2f levels in the overlaps, %.2f overall; the model "
                "changes the photo by %.1f on average\n",
                meanInOverlaps, levels(cv::mean(difference)), typicalChange);
    EXPECT_LT(meanInOverlaps, typicalChange / 5);

    // No seam: nowhere does (tiled - whole) change from one column (or row) to the next by more
    // than a few levels, and, where the same tiles pasted edge to edge show a seam, far less.
    // (Measured: columns 2.3 levels blended against 10.1 pasted; rows 1.2 against 1.2, where
    // the tiles happen to agree.)
    double largestSeam = 0;
    for (bool alongX : {true, false}) {
        const std::vector<double> blendedSteps = excessSteps(tiled, whole, alongX);
        const std::vector<double> pastedSteps = excessSteps(pasted, whole, alongX);
        const auto worst = std::max_element(blendedSteps.begin(), blendedSteps.end());
        const double seam = *std::max_element(pastedSteps.begin(), pastedSteps.end());
        std::printf("%s: largest step %.2f levels (at %d); pasted edge to edge %.2f\n", alongX ? "columns" : "rows",
                    *worst, int(worst - blendedSteps.begin()), seam);
        EXPECT_LT(*worst, 4.0) << (alongX ? "a column" : "a row") << " with a seam";
        if (seam >= 4.0) EXPECT_LT(*worst, seam / 2) << "the blend is not much smoother than pasting the tiles";
        largestSeam = std::max(largestSeam, seam);
    }
    EXPECT_GE(largestSeam, 4.0) << "the tiles agree so well that pasting them shows no seam: this shows nothing";
}

}  // namespace
}  // namespace pm::engine::nets
