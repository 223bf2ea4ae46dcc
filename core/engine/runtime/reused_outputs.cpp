#include "core/engine/runtime/reused_outputs.h"

namespace pm::engine {
namespace {

// Only the pool's own reference is left. Another thread may drop its reference meanwhile (then
// this says "held" once more and a new buffer is used), but none can take a new one: only acquire()
// hands pool buffers out.
bool onlyThePoolHolds(const cv::Mat& buffer) {
    return buffer.u && CV_XADD(&buffer.u->refcount, 0) == 1;
}

}  // namespace

cv::Mat ReusedOutputs::acquire(int rows, int cols, int type) {
    for (const cv::Mat& buffer : buffers_)
        if (buffer.rows == rows && buffer.cols == cols && buffer.type() == type &&
            onlyThePoolHolds(buffer))
            return buffer;
    cv::Mat fresh;
    if (allocator_) fresh.allocator = allocator_;
    fresh.create(rows, cols, type);
    if (static_cast<int>(buffers_.size()) < keep_) buffers_.push_back(fresh);
    return fresh;
}

}  // namespace pm::engine
