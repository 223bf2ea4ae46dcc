#pragma once
// "Crop and Straighten Photos": finds the photos lying on a flatbed scan and cuts each one out
// upright. Pure processing, no GUI; any thread may call it (nothing is shared between calls).
#include <vector>

#include <opencv2/core.hpp>

#include "core/engine/job_context.h"

namespace pm::ops {

struct DetectedPhoto {
    /// In scan pixel coordinates (pixel centres at integers). box.size.width runs along the photo's
    /// edge at box.angle; box.angle is in (-45, 45], clockwise positive as seen on screen (OpenCV's
    /// convention), so extracting never turns a photo sideways.
    cv::RotatedRect box;
    double angleDegrees = 0.0;  ///< == box.angle: how far the photo lies skewed on the bed
    double confidence = 0.0;    ///< 0..1: share of the four edges found as straight, sharp lines
};

struct SplitParams {
    /// Smaller regions are dust, labels or shadows, not photos.
    double minAreaFraction = 0.02;
    /// How far (8-bit levels) a pixel must differ from the bed to be photo; 0 = from the bed's
    /// noise.
    int backgroundThreshold = 0;
    /// Grows (> 0) or shrinks (< 0) every box on each side, in scan pixels, e.g. to trim a ragged
    /// edge.
    int marginPixels = 0;
};

/// scan: CV_8U or CV_16U, 1/3/4 channels. The bed is what the scan's border mostly shows; it should
/// be lighter or differently coloured than the photos' edges. Returns one box per photo, ordered in
/// rows top to bottom, left to right within a row; empty when the bed holds no photo. Throws
/// pm::Cancelled.
std::vector<DetectedPhoto> detectPhotos(const cv::Mat& scan, const SplitParams& params,
                                        engine::JobContext& context);

/// The pixels under box, rotated upright: round(box.size) pixels, same depth and channels as scan.
/// Parts of the box outside the scan repeat the nearest scan pixels.
cv::Mat extractPhoto(const cv::Mat& scan, const cv::RotatedRect& box);

}  // namespace pm::ops
