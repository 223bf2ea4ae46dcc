#pragma once
// Band-by-band processing of a whole photo in place, so a 500 MP photo never needs a second
// full-size copy, let alone the float planes the tone functions compute in (12+ bytes per pixel).
#include <cstdint>
#include <functional>

#include <opencv2/core.hpp>

namespace pm::ops::tone {

/// Pixels per band by default: a few tens of MB of float planes per band, and any photo of up to
/// this size is processed as one band (bit for bit what whole-image processing gives).
constexpr std::int64_t kBandPixels = 4'000'000;

/// Replaces `image` band of rows by band of rows with `process(input, core)`: `input` holds the
/// band's rows plus up to `margin` rows of the ORIGINAL pixels above and below, `core` the band's
/// rows within `input`; `process` returns those core rows (same type and width). Band tops are
/// even (filters at half resolution line up with the whole image's). Every band has at least
/// `margin` rows, so a band never reads rows an earlier band already replaced. Returns the
/// bounding box of the pixels that changed.
cv::Rect transformInRowBands(
    cv::Mat& image, int margin, std::int64_t bandPixels,
    const std::function<cv::Mat(const cv::Mat& input, cv::Range core)>& process);

}  // namespace pm::ops::tone
