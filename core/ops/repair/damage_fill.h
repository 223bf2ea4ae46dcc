#pragma once
// The scratches step's fill. Outside faces detected damage goes to Remove object (PatchMatch, FSR
// for thin scratches, or LaMa). Inside a protected face zone (core/ops/damage/face_guard.h) it is
// filled by smooth diffusion (Telea) from that face's own pixels only: copied patches would put
// sweater knit or hair on a cheek, which no viewer forgives.
#include <vector>

#include <opencv2/core.hpp>

#include "core/engine/job_context.h"
#include "core/ops/remove/remove_object.h"

namespace pm::ops {

/// Same contract as removeObjectInPlace (image CV_8U/CV_16U, 1/3/4 channels, filled in place;
/// mask CV_8UC1, non-zero = damage). Outside face zones the hole first grows over the damage's
/// soft halo (damage_halo.h), so a few pixels beyond the mask may change. Pixels inside face zones
/// change only where the mask marks them. Beyond the photo it holds only copies of the face zones. `faceZones`:
/// the photo's protected face zones (damage::protectedFaceZones, image coordinates) when the caller
/// has them already (the scratches step detects faces once for detection and fill); nullptr:
/// detected here. `fillScale` < 1: outside faces the fill runs on a copy reduced by it and is
/// enlarged back into what it changed (for a large scan the detector found oversampled at that
/// size: it holds nothing finer at full size, and the fill's time grows with the hole's pixels).
RemoveResult fillDamageInPlace(cv::Mat& image, const cv::Mat& mask, const RemoveParams& params,
                               engine::JobContext& context,
                               const std::vector<cv::Rect>* faceZones = nullptr,
                               double fillScale = 1.0);

}  // namespace pm::ops
