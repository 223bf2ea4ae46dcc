#pragma once
// Lines of a black-and-white or toned print that are picture by their SHAPE (issue 13: never harm
// a photo). On a colour photo the damage tone's colour test keeps a lit rim or a glint out; a
// monochrome print has no colour to tell them by, and its highlights and shadows are as light or
// dark as paper or grime. What still tells them apart is how the line runs:
//  - Outline arc: a crack or scratch on a print wanders, a pixel or more off any smooth curve over
//    a few dozen pixels, and crosses the picture's edges. A saucer's lit rim or the shadow under
//    a cap's brim is part of an object's outline: a smooth curve (within a pixel of a cubic) that
//    clearly bends, with a picture edge running along it a few pixels out. A crease or hairline
//    can be as smooth an arc, but on its own surface (nothing runs along it), so it stays.
//    Ruler-straight lines are detect_damage.cpp's straight test.
//  - Glare: the rays of a star flare radiate from a blown-out blob, so the line's centre lies on a
//    broad patch of saturated white; a crack's centre lies on the crack.
//  - Side by side: long, nearly straight lines running parallel close to each other are the gaps
//    between fence boards or planks, railings; cracks do not come in parallel pairs.
//  - Grain: a light or dark streak in wood grain (or corduroy, combed hair) is one of a field of
//    fine parallel lines: on both sides of it more of them run along it, light and dark in turn.
//    A crack's own flanks run along it too, but both fall away from a light crack (rise from a
//    dark one); an outline beside it is one edge on one side; a crack laid along the grain is
//    wider than the grain's lines.
//  - Straight band: a long dark or light band several pixels wide that keeps to a straight line
//    within a fraction of its own width is the shadow of a pole or a stick, a gap between boards,
//    a pole: a crack that wide is jagged, and the thin cracks that run straight are a pixel or two
//    wide. Its centre is found less precisely than a thin line's (the band's flat middle), so
//    detect_damage.cpp's ruler-straight test, 1.2 px whatever the width, missed the stick's
//    shadow on a sepia copy of faded_c (1.6 px off a line, 5 px wide). "Wide" is judged against
//    the ridge scales, not the shadow's width at one scan size: at half size it is 3-4 px wide.
//  - Straight run: 200 px or more of a line within a pixel of one straight line is a rope, a mast
//    or a wire even where the rest of the line wanders (it joined a piece of the picture); that
//    run goes, and with it what continues it from one of its ends (a rope's slack end hanging
//    from it); the rest (a crack crossing the rope) stays as it was judged.
// Measured on the kept lines of the scratched scans (damage_real_bench, 0.5x-2x, colour and grey
// copies): cracks of 60 px or more lie 0.7-14 px (80th percentile) off their best cubic, and
// those within 0.9 px bend by at most 1.1 px; the rim of coffee's saucer and kodim03's brim
// shadow on their grey copies lie 0.40-0.47 px off a cubic, bend 2-4.3 px and have an edge along
// them (picture_shapes.cpp kParallelEdges).
#include <opencv2/core.hpp>

namespace pm::ops::damage {

/// CV_8U, 255 around the lines of `centres` (CV_8U ridge centres; pieces up to `joinGap` px apart
/// taken as one line) whose line is an outline arc, the rays of a glare, one of lines side by
/// side, a streak of grain or a straight band, and on the centres of straight runs. `luma`:
/// CV_32FC1 0..255 of the same size; `scale`: CV_32FC1, the ridge scale (sigma, px: about half
/// the width) at each centre (ridge_profile.h). `enlarged`: the picture is a small scan looked at
/// doubled (working_scale.h), whose edges are half as steep per pixel.
cv::Mat pictureShapeZones(const cv::Mat& centres, const cv::Mat& luma, const cv::Mat& scale,
                          int joinGap, bool enlarged);

}  // namespace pm::ops::damage
