#pragma once
// Torn and broken print edges: where the emulsion has broken off along the edge or a corner of the
// print, the scan shows the paper base as a ragged, nearly white, colourless patch touching the
// image border, much brighter than the picture just inside it. The ridge detector (built for thin
// lines away from the border) cannot see these; a restorer fills them first.
//
// What is NOT a torn edge: a white sky, wall or shirt reaching the border (it reaches deeper into
// the picture than a strip along the edge), and an intact white border or scanner margin (it runs
// along nearly a whole side with a straight inner edge), and a light band of picture that runs beside
// a side at a distance and touches the border only at one end (brick's mortar joints: half its
// pixels lie deeper than 0.3 of its box's narrow side; paper broken off starts at the edge).
// A long torn strip counts along a single side too when it hugs it (on a half-size scan it is no
// longer paper-white where it narrows near the corners, so it reaches neither). Long strips and
// large corner pieces may lie a line or two inside the border (scanner background beyond them).
#include <opencv2/core.hpp>

namespace pm::ops::damage {

/// luma: CV_32FC1 0..255. paper: CV_8UC1, 255 where the tone could be the print's paper base (near
/// its white, without the picture's colour). Returns CV_8UC1, 255 = torn or broken edge.
cv::Mat findTornEdges(const cv::Mat& luma, const cv::Mat& paper);

/// On a small scan looked at enlarged (working_scale.h) a torn strip one pixel wide on the print is
/// under a scan pixel where it narrows, averaged with the scanner background beyond it and the
/// picture inside: no longer paper-light there, so a found strip stops short. `torn` (from
/// findTornEdges) is continued along the image border through `blended` pixels (CV_8UC1: light
/// enough to be such a blend, colourless like paper) that lie within two scan pixels of the border
/// and stand out from the picture just past that depth as paper does (findTornEdges' step). Only
/// runs along a side that a found strip already runs along for half of it, touching that strip,
/// are added: a light band on its own at the border is not a torn edge.
cv::Mat continueThinStrips(const cv::Mat& luma, const cv::Mat& blended, const cv::Mat& torn);

}  // namespace pm::ops::damage
