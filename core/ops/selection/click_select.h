#pragma once
// Click-to-select without a model: positive clicks on the object, negative clicks on what is not
// part of it, and/or a box around it give a selection mask. GrabCut runs on a downscaled copy
// (a few hundred thousand pixels, so a click answers in a fraction of a second even on a 12 MP
// photo) and only the border is then refined at full resolution (border_refine.h).
#include <vector>

#include <opencv2/core.hpp>

namespace pm::ops::selection {

/// What the user told us, in full-resolution image coordinates.
struct SelectionPrompt {
    std::vector<cv::Point> positive;  ///< on the object
    std::vector<cv::Point> negative;  ///< not on the object (Shift+click / right click)
    cv::Rect box;                     ///< the object lies inside; empty = no box

    bool empty() const { return positive.empty() && box.empty(); }
};

/// What one answer leaves for the next click on the same selection (ClickSelector::select with a
/// previous state): the prompt it answered, its selection at the work copy's size and the box
/// GrabCut cut in there.
struct SelectionState {
    SelectionPrompt prompt;
    cv::Mat coarse;  ///< 0/255 at the work copy's size; empty: no answer yet
    cv::Rect box;    ///< in work copy coordinates

    bool empty() const { return coarse.empty(); }
};

struct ClickSelectSettings {
    /// Long side of the copy GrabCut works on. 640 px keeps a click under ~0.2 s on two cores;
    /// larger follows thin parts better but costs time roughly in proportion to the pixels.
    int workLongSide = 640;
    int iterations = 3;  ///< GrabCut iterations for a box (each re-estimates the colour models)
    /// Clicks: iterations for each candidate box (on half the work copy), then for the chosen one at
    /// the work size, which starts from that candidate's selection (click_select.cpp says why).
    int candidateIterations = 2;
    int finalIterations = 1;
    /// Clicks that span at least this share of the work copy's long side: the largest candidate
    /// box's first iteration runs on a quarter of the work copy (click_select.cpp says why).
    double quarterFirstSpan = 0.0625;
    /// A negative click marks as background the pixels around it of similar colour (a flood fill
    /// within this difference per channel), limited to a disk of seedRadius × the work copy's long
    /// side, not just the pixel under the cursor.
    int seedTolerance = 14;
    double seedRadius = 0.05;
    /// Clicks alone: the sizes of the boxes tried around them, as a share of the long side added on
    /// every side of the clicks' bounding box.
    std::vector<double> boxSizes{0.04, 0.08, 0.14, 0.24};
    /// Refine the border at full resolution (border_refine.h); off: the upscaled coarse mask.
    bool refineBorder = true;
    /// Fill holes inside the selection smaller than this share of the photo (printed text on a hat,
    /// a highlight): for removal a hole is almost never wanted.
    double fillHolesBelow = 0.01;
};

/// Holds the downscaled copy of one photo, made once, so each click costs only the segmentation.
/// The photo's pixels are shared, not copied: do not change them while a selector uses them.
class ClickSelector {
public:
    /// image: CV_8U or CV_16U, 1, 3 or 4 channels (any layout PhotoMend opens).
    explicit ClickSelector(const cv::Mat& image, const ClickSelectSettings& settings = {});

    /// The selection for `prompt` at full resolution, 0/255 CV_8UC1; nothing selected for an empty
    /// prompt. Only the parts connected to a positive click (or inside the box) are kept.
    cv::Mat select(const SelectionPrompt& prompt) const;
    /// The same at the work copy's size, before the border is refined (for tests and benchmarks).
    cv::Mat selectCoarse(const SelectionPrompt& prompt) const;

    /// The selection for `prompt` given the answer `previous` left (from an earlier call's `next`):
    /// when `prompt` is `previous.prompt` plus one negative click (no box), only the previous box is
    /// cut again, starting from the previous selection (a tenth of a search). Any other prompt is
    /// answered as select(prompt) does. `next` (optional) gets what this answer leaves for the
    /// following click.
    cv::Mat select(const SelectionPrompt& prompt, const SelectionState& previous, SelectionState* next) const;
    cv::Mat selectCoarse(const SelectionPrompt& prompt, const SelectionState& previous, SelectionState* next) const;

    cv::Size size() const { return full_.size(); }
    /// The photo as 8-bit BGR (what the selection sees; the magic wand works on it too).
    const cv::Mat& photo() const { return full_; }
    /// Work copy size / photo size (<= 1).
    double scale() const { return scale_; }

private:
    struct Seeds;
    Seeds makeSeeds(const SelectionPrompt& prompt) const;
    /// Boxes of growing size around `around` judged on the half copy; the best one cut at work size.
    cv::Mat cutAroundClicks(const Seeds& seeds, cv::Rect around, cv::Rect* chosen) const;
    cv::Mat fullSize(const cv::Mat& coarse) const;

    cv::Mat full_;   // 8-bit BGR, shares the photo's pixels when it already is
    cv::Mat small_;  // the work copy
    cv::Mat half_;       // half the work copy, for judging candidate boxes
    cv::Mat quarter_;    // half of that, for the candidates' first GrabCut iteration
    cv::Mat halfEdges_;  // its gradient magnitude (CV_32F)
    double scale_ = 1;
    ClickSelectSettings settings_;
};

}  // namespace pm::ops::selection
