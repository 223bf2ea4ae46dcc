#pragma once
// Dust and specks, step 6 of the damage detector (detect_damage.h). Candidates are small compact
// blobs (<= 60 px, <= 10 px a side at the working size, so specks scale with the scan) standing
// out from an 11 px median background, outside windows busy with picture edges. A candidate is dust
// when one of three rules takes it:
//  - Paper or dirt (any photo): paper-white or black and colourless (on a toned print: light and
//    colourless beyond the toning), above 1.3 x the strong level, on a ring in which nothing stands
//    out half the segment level. Inside a detected face only bright specks above 2 x the strong
//    level, whose ring holds nothing above 0.4 x their own contrast (skin grain does not count, an
//    eye, a lip or a nostril does). On an enlarged small scan (SpeckInputs::enlarged) not this
//    rule but the old-print rule below takes light dust in a face, where no dark feature of the
//    face (eye, brow, nostril, lips) lies within 15 working px (detect_specks.cpp kFaceFeature*).
//    On a black-and-white print every point is colourless, so this rule too asks that the speck
//    be sharp and alone on a quiet surface, as the old-print rule does there (a glint on a saucer,
//    sky between leaves, a light point of water are as light and as colourless as paper).
//  - Old print (toned prints only, outside faces but for the above): light dust blurred to a mid
//    tone on a dark dress, brown foxing on light paper. Above the strong level and 6 ring
//    deviations, nothing else in its ring half as strong, the ring lying on the surface round it
//    (not a flower's centre on its petals), a light one no more colourful than its ring; its core
//    (>= 0.7 of its peak) is marked.
//    On colour photos a star, a glint, gravel or a bird looks the same to this rule: an
//    automatic tool that cannot tell leaves them alone there (issue 13: never harm a photo).
//    On a black-and-white print (most old photos) the rule takes only sharp specks lying alone on
//    a quiet surface: dust lies on the print's surface, in focus, a pixel or two across, while
//    the picture's own light points (sky between leaves, glints on water) are softer or come
//    among edges and other points. On a small scan looked at enlarged (SpeckInputs::enlarged)
//    dust is under a pixel and stands out about half as far: the rule's bars are lower there,
//    and lower still for light dust on a toned print that is paler than its ring (paper seen
//    through the dye; grain carries the dye) and sharp at the scan's own pixel pitch.
//  - Stain (toned prints only, outside faces): a dark spot coloured beyond the toning where the
//    ring round it is not, and more colourful than that ring (a brown stain or foxing dot on cream
//    paper). Told by its colour, so it may lie beside a fold or the hair, whose grey deviation
//    would hide it from the old-print rule, and stand out less than the strong level.
// The sensitivity moves only the strong level; grouping, rings and surfaces are fixed, so a higher
// sensitivity never marks less.
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
    /// The working copy is a small scan enlarged (working_scale.h): a face there is a few dozen
    /// pixels across, and a glint on glasses or a catch-light is as small and as bright as dust.
    /// Only light dust well away from the face's dark features is taken there (issue 13: never
    /// harm a face), and no dark speck in a face at any size.
    bool enlarged = false;
    /// A black-and-white print (detect_damage.cpp kGreyChroma): no toning, so no colour tells
    /// dust from the picture's own light points; the old-print rule then also asks that the
    /// speck be sharp and alone on a quiet surface (detect_specks.cpp kSharpShare, kLoneBusy).
    bool blackAndWhite = false;
};

/// CV_8UC1 mask of `inputs.luma`'s size, 255 = a speck of dust. `faces`: protected face zones
/// (face_guard.h) at the same size.
cv::Mat findSpecks(const SpeckInputs& inputs, const std::vector<cv::Rect>& faces);

}  // namespace pm::ops::damage
