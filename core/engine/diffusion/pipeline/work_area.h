#pragma once
// Where in a photo the model works and how its result goes back: the work crop around the mask
// (with context, never the whole big photo), the working size (short side 640 as PowerPaint, 512 for
// outpainting; sides multiples of 8), the outpainting canvas, and the feathered paste-back that
// leaves every pixel beyond the seam bit-identical. OpenCV only, no torch.
#include <opencv2/core.hpp>

#include "core/engine/prompt_fill_request.h"

namespace pm::engine::diffusion {

struct WorkArea {
    cv::Rect crop;     ///< in the photo (or the extended canvas)
    cv::Size working;  ///< the crop's size as the model sees it; both sides multiples of 8
};

/// The crop: the mask's bounding box grown by the seam's reach, then to at least twice the box
/// (context for the model) and at least `shortSide` photo pixels a side where the photo allows,
/// moved inside the photo. The working size scales the crop's short side to `shortSide`, its long
/// side to at most `maxLongSide`. Throws pm::Error when the mask marks nothing.
WorkArea planWorkArea(const cv::Mat& mask, int shortSide, int maxLongSide);

/// The photo with `extension` pixels added around it (the new pixels repeat the edge; the model
/// never sees them, they are masked) and the mask of what to fill: the new area plus `mask`'s
/// non-zero pixels when it is given.
struct ExtendedCanvas {
    cv::Mat bgr;
    cv::Mat mask;
};
ExtendedCanvas extendCanvas(const cv::Mat& bgr, const cv::Mat& mask, const CanvasExtension& extension);

/// The seam's feather: the mask blurred with sigma 4 px (PowerPaint's GaussianBlur(radius=4)),
/// never below the mask itself, so that every masked pixel takes the generated one in full and the
/// blend fades out over ~12 px outside it. CV_8UC1 of the mask's size.
cv::Mat featherMask(const cv::Mat& mask);

/// `photo` with the crop's pixels blended towards `generated` (any size; resized to the crop)
/// through featherMask(mask) of the crop. Pixels where the feather is 0 are copied, not computed.
cv::Mat pasteBack(const cv::Mat& photo, const cv::Mat& mask, const cv::Rect& crop, const cv::Mat& generated);

/// The crop resized to the working size: the image with area averaging when it shrinks and cubic
/// when it grows, the mask so that any covered pixel stays marked (0 or 255).
cv::Mat toWorkingImage(const cv::Mat& bgr, const WorkArea& area);
cv::Mat toWorkingMask(const cv::Mat& mask, const WorkArea& area);

}  // namespace pm::engine::diffusion
