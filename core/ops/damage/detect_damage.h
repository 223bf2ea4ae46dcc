#pragma once
// Repair old photo, step 1: find scratches, cracks and dust specks on a scan, as a mask that Remove
// object (or any inpainting) then fills. The detector prefers missing faint damage to flagging real
// detail: eyelashes, hair, fabric and text sit in textured neighbourhoods and are suppressed there.
//
// How it decides:
//  1. Ridges 1-6 px wide: Hessian of the luminance at sigma 1, 1.6 and 2.4; the centre line is
//  where
//     the ridge strength peaks across the ridge (ridge_profile.h).
//  2. Profile across each centre pixel, along the Hessian normal, at (half width + 2.5) px and 3 px
//     further on both sides: a scratch stands out from BOTH sides and both sides are one flat
//     surface (surface step <= 0.8 x contrast); an outline, a fold or a sleeve edge separates two
//     surfaces.
//  3. Damage tone: a bright scratch is near the print's white (>= min(170, 97th percentile)), a
//  dark
//     one near its black (<= max(60, 5th percentile + 25)), and neither carries the picture's
//     colour (chroma <= max(20, 0.6 x the photo's median chroma)). Outlines, rigging, hair and
//     foliage carry mid tones and colour. On a toned print (sepia: one colour at every tone) a
//     thin bright ridge (finest scale; on a small scan looked at enlarged, the next one: the
//     enlargement blurs) may instead carry no colour beyond the toning (damage_maps.h
//     chromaBeyondToning): a crease carries the toning like everything else. There, too, a thin
//     bright ridge dimmed by the scan's blur (a blend of paper and a dark surface) is paper when
//     it stands out half way to the print's white and carries clearly less colour than the
//     surface it lies on (paper dilutes the toning; the picture's highlights are toned).
//     Not on colour photos (a glint is the same blend) nor grey ones (nothing to dilute).
//  4. Contrast: strong above max(25 grey levels, 3 texture levels) at sensitivity 0.5 (texture
//  level:
//     31x31 median of |luma - blur|), weak above half that.
//  5. Components (pieces up to 9 px apart joined) must be >= minLength long, hold strong pixels
//     (>= 25% when >= 2 x minLength long, else 60%, and then be thin: mean sigma <= 1.3, as
//     a short wide bright ridge is a blob of picture: sky between leaves, a glove; under 4 x
//     minLength mean sigma <= 1.7 unless it stands out 100 levels or is deep dark: a faint
//     streak of cloud or sky on a small scan), not sit in
//     texture (the other ridges in a 41
//     px window add up to <= 2 lines as strong as this one), not form a network (length <= 1.8 x
//     (box width + height): brick mortar, grilles), and inside a detected face be longer than 0.4 x
//     the face width (brows, eyelids and lips are shorter).
//     Dark lines darker than the photo's 5th percentile need only 0.6 x that contrast and may sit
//     in busier texture (3 lines per window): dirt and grime-filled cracks over dark foliage.
//     Accepted lines then continue (Canny-style hysteresis, up to 60 px) through touching ridge
//     centres with the damage tone and half the segment contrast, so a broken scratch is whole,
//     and from there through touching thin one-surface centres with 0.3 x it (a crease hovering
//     at the visible level breaks into pieces once the scan is resampled to its working size);
//     the few pixels of the other polarity (a dark blot beside a bright crack) a line took in go.
//     Finally lines of >= 100 px that are ruler-straight (80% within 1.2 px of a robustly fitted
//     line: masts, rigging, wires, tower legs with struts), lines lying mostly within 8 px of the
//     image border (the print's edge; of a crack that runs into the print's frame there only the
//     8 px band goes, and the rest unless it mostly stays within 16 px) and lines that as a whole
//     run along a picture edge, are lopsided or carry colour (content_lines.h: eye outlines,
//     rims, glints; measured off the 8 px border band, where the profile leaves the image) are
//     dropped; then
//     the ruler-straight test once more on what is left (a rope joined to ripples looked bent).
//  6. Specks: small compact blobs of dust standing alone on a flat surface (detect_specks.h).
//  7. Scratches are painted with their own half width (0.8 sigma) and everything grows by 2 px so
//  the
//     fill also covers the soft edges.
//  8. Torn and broken corners: paper-white, colourless (on a toned print: no colour beyond the
//     toning) patches touching two sides of the image
//     near a corner (or long strips hugging one side), within 8% of the shorter side, starting
//     at the border and much lighter than the picture inside (torn_edges.h). On a small scan looked
//     at enlarged a found strip continues along the border where it is under a pixel wide, a blend
//     of paper and the dark round it (torn_edges.h continueThinStrips).
// Never harming a photo comes first (issue 13): lines and specks in a window busy with picture
// edges (> 30% edge pixels: spokes, gravel, fabric) are left alone, as are networks of
// damage-toned ridges (lattices, mortar; not when three quarters of one are lines accepted each on
// its own: cracks branching and crossing) and, inside a detected face (face_guard.h), anything
// but a long line strong along 60% of it. The sensitivity moves only the contrast bar: how ridges
// group into lines, how busy a window counts, what a scratch may continue through and which lines
// are masts, print edges or networks are judged at a fixed level (a crack pattern's share only
// grows with the sensitivity), so a higher sensitivity never marks less. The scan is looked at in
// the size working_scale.h picks (at most 1400 px, halved while oversampled, doubled below 320 px)
// and the mask brought back to its size.
// Measured on real scans against hand-drawn references: bench/damage/damage_real_bench.cpp; on
// synthetic damage: bench/damage/damage_bench.cpp.
// Thread-safety: pure function; the context is used for progress and cancellation only.
#include <vector>

#include <opencv2/core.hpp>

#include "core/engine/job_context.h"

namespace pm::ops {

struct DamageParams {
    double sensitivity = 0.5;  ///< 0..1: higher finds fainter damage and risks more false hits
    bool scratches = true;     ///< look for long thin scratches and cracks
    bool dust = true;          ///< look for small isolated specks
    int minLength = 15;        ///< shortest scratch, in pixels (bounding-box diagonal)
};

/// What the scratch detector kept after each of its rules, as CV_8UC1 ridge-centre masks at its
/// working size (see detectDamage): tells which rule drops a crack a person drew
/// (bench/damage/damage_real_bench --shapes). Costs nothing when not asked for.
struct DamageStages {
    double workingScale = 1.0;  ///< working size / image size
    cv::Mat visible;     ///< ridge centres that stand out at the fixed segment level
    cv::Mat toned;       ///< ...with the damage tone and a one-surface profile (candidates)
    cv::Mat accepted;    ///< ...in lines accepted as a whole (length, strength, texture, faces)
    cv::Mat continued;   ///< ...grown through fainter damage-toned ridges
    cv::Mat notStraight; ///< ...not a ruler-straight mast nor along the print's edge
    cv::Mat notNetwork;  ///< ...not a lattice or mortar network
    cv::Mat kept;        ///< ...not picture content (content_lines.h): the scratches painted
    cv::Mat torn;        ///< torn edges and corners
    cv::Mat specks;      ///< dust
};

/// image: CV_8U or CV_16U, 1, 3 or 4 channels. Returns a CV_8UC1 mask of the same size, 255 =
/// damaged. `faceZones`: the protected face zones of `image` (damage::protectedFaceZones, in
/// image coordinates) when the caller has them already, so faces are detected once per photo;
/// nullptr: detected here. `stages`: filled with what each rule kept, when given. Throws pm::Error
/// for an empty image or an unsupported type, pm::Cancelled when the job is cancelled.
cv::Mat detectDamage(const cv::Mat& image, const DamageParams& params, engine::JobContext& context,
                     const std::vector<cv::Rect>* faceZones = nullptr,
                     DamageStages* stages = nullptr);

}  // namespace pm::ops
