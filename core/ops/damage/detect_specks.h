#pragma once
// Dust and specks, step 6 of the damage detector (detect_damage.h): small compact blobs that stand
// out from a median background and sit alone on a flat ring (a catch-light, a button or a letter
// has other structure right next to it), with the damage tone. Inside a detected face only bright
// (paper-white) specks that stand out twice as much, whose ring holds nothing above 0.4 x their
// own contrast (skin grain does not count, an eye, a lip or a nostril does).
// Thread-safety: pure function.
#include <vector>

#include <opencv2/core.hpp>

namespace pm::ops::damage {

/// The detector's per-pixel measures a speck is judged on, all at its working size (CV_32FC1).
struct SpeckInputs {
    cv::Mat luma;          ///< damage_maps.h luminance, 0..255
    cv::Mat strongLevel;   ///< contrast a strong pixel clears at the caller's sensitivity
    cv::Mat segmentLevel;  ///< the same at the fixed segment sensitivity (how pixels group)
    cv::Mat busy;          ///< share of picture-edge pixels in a window round each pixel
    double maxBusy = 0.3;  ///< in a window busier than this (gravel, spokes, fabric) nothing is dust
    // The damage tone (detect_damage.h, step 3): paper showing through is at least brightFloor
    // light, dirt at most darkCeiling dark, and neither more colourful than chromaLimit; on a toned
    // print bright dust may instead carry no colour beyond the toning (beyondToning <= neutralChroma).
    cv::Mat chroma;        ///< damage_maps.h chroma
    cv::Mat beyondToning;  ///< damage_maps.h chromaBeyondToning
    float brightFloor = 0, darkCeiling = 0, chromaLimit = 0, neutralChroma = 0;
};

/// CV_8UC1 mask of `inputs.luma`'s size, 255 = a speck of dust. `faces`: protected face zones
/// (face_guard.h) at the same size.
cv::Mat findSpecks(const SpeckInputs& inputs, const std::vector<cv::Rect>& faces);

}  // namespace pm::ops::damage
