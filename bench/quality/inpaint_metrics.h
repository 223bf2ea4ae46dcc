#pragma once
// Inpainting quality against ground truth (DESIGN.md, "Quality metrics"): everything is measured
// over the hole only, where the method had to invent pixels.
#include <opencv2/core.hpp>

namespace pm::bench {

/// PSNR in dB of all colour channels over the non-zero pixels of `hole` (8-bit scale).
double holePsnr(const cv::Mat& result, const cv::Mat& truth, const cv::Mat& hole);
/// Mean SSIM of the luma (11x11 Gaussian window, sigma 1.5) over the hole.
double holeSsim(const cv::Mat& result, const cv::Mat& truth, const cv::Mat& hole);
/// RMS of the luma Laplacian in the hole, result over truth: 1 = as detailed as the truth,
/// diffusion fills sit far below 1 (blur), values above 1 mean invented noise.
double hfRatio(const cv::Mat& result, const cv::Mat& truth, const cv::Mat& hole);
/// Largest absolute change of any channel at the zero pixels of `allowed` (8-bit scale).
double maxChangeOutside(const cv::Mat& result, const cv::Mat& original, const cv::Mat& allowed);

}  // namespace pm::bench
