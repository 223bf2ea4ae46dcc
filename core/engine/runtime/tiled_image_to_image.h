#pragma once
// An image-to-image model on a photo larger than it should run on at once (memory, or the size it
// was trained at), in overlapping tiles blended so that no seam shows. Torch-free: each tile goes
// through the caller's one-shot run.
#include <functional>
#include <vector>

#include <opencv2/core.hpp>

namespace pm::engine {

using ImageToImageOnce = std::function<cv::Mat(const cv::Mat& bgr)>;

/// Runs `once` on tiles of at most `tile` x `tile` pixels of `bgr` (CV_8UC3) that overlap their
/// neighbours by `overlap` pixels, and blends them: across each overlap the weight of one tile
/// falls linearly as the next one's rises, so a tile's border pixels (which a network sees with
/// less context) count little and a difference between tiles fades in instead of stepping. A
/// photo within one tile is run whole. `once` must return CV_8UC3 of its input's size.
cv::Mat imageToImageInTiles(const cv::Mat& bgr, int tile, int overlap, const ImageToImageOnce& once);

/// The tiles' first pixels along a side of `length`: 0, then every tile - overlap, the last one
/// moved back to end at `length` (so it overlaps its neighbour by at least `overlap`).
std::vector<int> tileStarts(int length, int tile, int overlap);

}  // namespace pm::engine
