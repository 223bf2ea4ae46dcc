#pragma once
// Fill a crop with the LaMa inpainting model at the model's working scale.
#include <opencv2/core.hpp>

#include "core/engine/inference_session.h"

namespace pm::ops {

/// Runs `session` (inpaint contract, 8-bit BGR) on `image` (CV_8U or CV_16U, 1/3/4 channels) with
/// `hole` (CV_8UC1). A crop whose longer side exceeds maxSide is shrunk for the model and the
/// result enlarged again. Returns the model's picture of the whole crop in the input's type; alpha
/// is copied from the input (the model knows only colour). The caller keeps only the hole and its
/// seam band.
cv::Mat lamaFill(engine::InferenceSession& session, const cv::Mat& image, const cv::Mat& hole,
                 int maxSide);

}  // namespace pm::ops
