#pragma once
// Structure before texture: a straight edge, moulding, frame or drawn line that enters a hole and
// leaves it on the other side on the same line is drawn through first, so that the patch search
// (which sees those pixels as known) fills the rest around it instead of ending the line at the
// hole. Segments come from OpenCV's line segment detector (Grompone von Gioi et al., LSD) on the
// known pixels; only pairs on both sides of the hole are continued, so a line that really ends in
// the hole (a corner, a T-junction) is left to the patches.
#include <vector>

#include <opencv2/core.hpp>

namespace pm::ops {

struct LineContinuation {
    /// Half the width, in pixels, of the band carried across the hole along each paired line: wide
    /// enough for an edge's blur and a moulding's profile, narrow enough to leave texture to the
    /// patches.
    int halfWidth = 3;
    /// Segments shorter than this (pixels, at the scale they are detected) are ignored: the grain
    /// of a texture makes many short ones.
    double minLength = 20.0;
    /// Two segments continue each other when their directions differ by at most this (degrees) and
    /// each passes within `maxOffset` pixels of the other's line.
    double maxAngle = 4.0;
    double maxOffset = 2.5;
    /// Segments that end farther than this from the hole do not enter it.
    double maxGap = 8.0;
    /// LSD runs on the region around the hole shrunk to at most this longer side (speed on large
    /// photos); lines are large-scale structure.
    int detectSide = 480;
};

/// Draws the paired lines through `hole` (CV_8UC1, non-zero = unknown) in `image` (CV_8U or
/// CV_16U, 1 to 4 channels): each hole pixel within halfWidth of a paired line takes the line's
/// profile from both sides (copied along the line, blended by distance). Returns the mask (CV_8UC1)
/// of the hole pixels so filled; every other pixel of `image` is unchanged.
/// `crossings`, when given, gets each drawn line as a x + b y + c = 0 (a² + b² = 1, image
/// coordinates).
cv::Mat continueLines(cv::Mat& image, const cv::Mat& hole, const LineContinuation& params = {},
                      std::vector<cv::Vec3d>* crossings = nullptr);

}  // namespace pm::ops
