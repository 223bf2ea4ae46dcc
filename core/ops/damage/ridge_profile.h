#pragma once
// Thin bright and dark ridges (scratch and crack candidates) with the profile across them.
//
// A scratch is a thin ridge lying on ONE surface: at a few pixels on either side of it the print
// has about the same tone, and the ridge stands out against both sides. An outline, a crease or the
// edge of a sleeve separates two different surfaces: one side differs from the other, and the line
// barely stands out against the side that is closest to it in tone. The profile below measures
// exactly that, along the normal given by the Hessian at the ridge's own scale.
#include <opencv2/core.hpp>

namespace pm::ops::damage {

struct Ridges {
    /// CV_8U, 255 on the centre line of a ridge (the Hessian ridge strength is a maximum across
    /// it).
    cv::Mat centre;
    /// CV_32F, grey levels, on centre pixels only: how far the ridge stands out from the side that
    /// is closer to it in tone (0 when it does not stand out from both).
    cv::Mat contrast;
    /// CV_32F, grey levels, on centre pixels only: how much the surface steps across the ridge or
    /// within either side: the largest of |side a - side b| and, per side, |near - a few px
    /// further|.
    cv::Mat asymmetry;
    /// CV_32F, grey levels, on centre pixels only: the step between the two sides a few pixels
    /// out (|far side a - far side b|): large where the ridge runs along a picture edge.
    cv::Mat step;
    /// CV_32F, grey levels, on centre pixels only: the tone of the ridge itself.
    cv::Mat tone;
    /// CV_8U, 255 where the centre pixel belongs to a bright ridge, 0 for a dark one.
    cv::Mat bright;
    /// CV_32F, the Gaussian scale (sigma, px) at which the ridge responds most: about width / 2.
    cv::Mat scale;
    /// CV_32F, the ridge strength at that scale (|across curvature| - |along curvature|,
    /// normalised).
    cv::Mat strength;
};

/// Ridges of luminance `luma` (CV_32FC1, 0..255) about 1-6 px wide.
Ridges findRidges(const cv::Mat& luma);

}  // namespace pm::ops::damage
