#include "core/engine/runtime/captured_requests.h"

#include "core/engine/runtime/pinned_host_mats.h"
#include "core/engine/runtime/torch_errors.h"
#include "core/image/tensor_convert.h"

namespace pm::engine {

bool CapturedRequests::capture(const cv::Mat& image, const cv::Mat* mask,
                               const torch::Device& device, const Request& request,
                               std::string* whyNot) {
    const int side = image.rows;
    Bucket bucket;
    bucket.pixels = image::bytesToTensor(image, device);
    if (mask) bucket.holes = image::bytesToTensor(*mask, device);
    const auto eager = request(bucket.pixels, bucket.holes);
    if (eager.dim() != 3 || eager.size(0) != side || eager.size(1) != side) return false;
    bucket.graph = std::make_unique<cuda::Graph>();
    std::string captureError;
    if (!bucket.graph->capture([&] { bucket.result = request(bucket.pixels, bucket.holes); },
                               &captureError)) {
        *whyNot = "CUDA graphs off: " + firstLine(captureError);
        return false;
    }
    bucket.graph->replay();
    // Pixel levels: the replay must paint what the eager call painted, up to a rounding step.
    const int64_t diff =
        (bucket.result.to(torch::kInt32) - eager.to(torch::kInt32)).abs().max().item<int64_t>();
    if (diff > 2) {
        *whyNot = "CUDA graph replay differs from eager by " + std::to_string(diff) +
                  " levels; graphs off";
        return false;
    }
    cv::MatAllocator* pinned = pinnedOutputs_ ? pinnedHostAllocator() : nullptr;
    bucket.outputs = ReusedOutputs(reuseOutputs_ ? ReusedOutputs::kDefaultKeep : 0, pinned);
    if (reuseOutputs_) {
        // Two buffers written now (a result the caller holds while asking for the next one, and
        // that next one): their pages are mapped before the first request.
        cv::Mat first = bucket.outputs.acquire(side, side, CV_8UC(int(bucket.result.size(2))));
        image::copyBytesOut(bucket.result, first);
        cv::Mat second = bucket.outputs.acquire(side, side, first.type());
        image::copyBytesOut(bucket.result, second);
    }
    graphs_[{side, side}] = std::move(bucket);
    return true;
}

cv::Mat CapturedRequests::replay(const cv::Mat& image, const cv::Mat* holes) {
    auto captured = graphs_.find({image.rows, image.cols});
    // Other pixel types go the eager way, whose conversions say what is wrong with them.
    if (captured == graphs_.end() || image.type() != CV_8UC3 || (holes && holes->type() != CV_8UC1))
        return {};
    auto& bucket = captured->second;
    image::copyBytesInto(image, bucket.pixels);
    if (holes) image::copyBytesInto(*holes, bucket.holes);
    bucket.graph->replay();
    if (bucket.result.dim() != 3) return image::tensorToBytes(bucket.result);  // says what is wrong
    cv::Mat out = bucket.outputs.acquire(int(bucket.result.size(0)), int(bucket.result.size(1)),
                                         CV_8UC(int(bucket.result.size(2))));
    image::copyBytesOut(bucket.result, out);
    return out;
}

}  // namespace pm::engine
