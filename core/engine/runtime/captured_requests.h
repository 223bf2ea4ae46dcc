#pragma once
// CUDA graphs of whole requests, one per warmed square size: uint8 pixels (and mask) in, the
// conversions, the network and the conversion back, uint8 BGR pixels out. Replaying one skips the
// TorchScript interpreter and every kernel launch of the eager call. Private to core/engine.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include <torch/torch.h>
#include <opencv2/core.hpp>

#include "core/engine/cuda_support.h"
#include "core/engine/runtime/reused_outputs.h"

namespace pm::engine {

class CapturedRequests {
public:
    /// A whole request on the device: HWC uint8 pixels (and an HW uint8 mask, or an undefined
    /// tensor) -> HWC uint8 BGR pixels.
    using Request =
        std::function<torch::Tensor(const torch::Tensor& pixels, const torch::Tensor& holes)>;

    /// Captures `request` at the size of the square `image` (with `mask` when given). Returns
    /// whether a graph now serves that size; *whyNot says why not when capture was refused or its
    /// replay painted other pixels than the eager call (it stays empty when the eager call's
    /// output had another shape: the eager path reports that problem).
    /// reuseOutputs: each size's result pixels go into host buffers written at capture and reused
    /// once the caller has let go of them (reused_outputs.h), not into a new buffer per request.
    /// pinnedOutputs: those buffers are page-locked (pinned_host_mats.h), so the copy back from
    /// the GPU is one DMA instead of a copy through the driver's staging buffer.
    explicit CapturedRequests(bool reuseOutputs = true) : reuseOutputs_(reuseOutputs) {}
    void setReuseOutputs(bool reuse) { reuseOutputs_ = reuse; }
    void setPinnedOutputs(bool pinned) { pinnedOutputs_ = pinned; }

    bool capture(const cv::Mat& image, const cv::Mat* mask, const torch::Device& device,
                 const Request& request, std::string* whyNot);
    /// The request's pixels by replaying the graph captured at image's size, or an empty Mat when
    /// none was (or the pixel types are not 8-bit BGR and an 8-bit mask).
    cv::Mat replay(const cv::Mat& image, const cv::Mat* holes);
    void clear() { graphs_.clear(); }

private:
    struct Bucket {
        std::unique_ptr<cuda::Graph> graph;
        torch::Tensor pixels, holes, result;
        ReusedOutputs outputs;
    };
    bool reuseOutputs_;
    bool pinnedOutputs_ = true;
    std::map<std::pair<int64_t, int64_t>, Bucket> graphs_;
};

}  // namespace pm::engine
