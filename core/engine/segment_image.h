#pragma once
// What a promptable segmentation model (the "segment" contract: EfficientSAM's published
// TorchScript export) offers its callers, without torch types. A photo is prepared once (the image
// encoder, the slow part), then each click runs only the prompt decoder on that embedding.
#include <vector>

#include <opencv2/core.hpp>

namespace pm::engine {

/// Clicks and a box in the photo's pixel coordinates (core/ops/selection's SelectionPrompt, which
/// core/engine cannot include).
struct SegmentPrompt {
    std::vector<cv::Point> positive;  ///< on the object
    std::vector<cv::Point> negative;  ///< not on the object
    cv::Rect box;                     ///< the object lies inside; empty = no box
};

/// One photo prepared for a segment model. Use it on one thread at a time (the engine's worker).
class SegmentImage {
public:
    virtual ~SegmentImage() = default;
    /// The model's best mask (of the candidates it returns, the one with the highest predicted IoU)
    /// for `prompt`, as 0/255 CV_8UC1 at the photo's size; nothing selected for an empty prompt.
    virtual cv::Mat select(const SegmentPrompt& prompt) = 0;
    /// True when the image embedding was computed once up front (the model exports
    /// get_image_embeddings and predict_masks); false when every select() runs the whole model.
    virtual bool separable() const = 0;
    virtual cv::Size size() const = 0;
};

}  // namespace pm::engine
